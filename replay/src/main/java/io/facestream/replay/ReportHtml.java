package io.facestream.replay;

import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * The report as one HTML file that needs nothing else: styles inline, the timeline as inline SVG (one row per person
 * and camera, one bar per appearance), the best face of each appearance inlined as a JPEG data URI. No script, no CDN,
 * so it opens offline and leaks nothing when shared inside an organisation.
 */
final class ReportHtml {

    private static final int WIDTH = 900;
    private static final int LABEL = 260;
    private static final int ROW = 22;

    private ReportHtml() {
    }

    static String render(TimelineReport report) {
        return render(report, ReportClusters.of(report));
    }

    static String render(TimelineReport report, ReportClusters.Result clusters) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>facestream replay ")
                .append(esc(report.from())).append(" to ").append(esc(report.to())).append("</title>\n<style>")
                .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:middle}th{background:#f3f3f3}")
                .append("img{height:72px;border-radius:4px}.muted{color:#777}svg text{font:12px system-ui,sans-serif}")
                .append("</style></head><body>\n");
        html.append("<h1>Timeline ").append(esc(report.from())).append(" – ").append(esc(report.to())).append("</h1>\n");
        html.append("<p class=\"muted\">From ").append("frames".equals(report.source()) ? "the frames, reprocessed" : "the live results and events")
                .append(report.model() == null ? "" : " (recognizer " + esc(report.model()) + ")")
                .append(report.camerasAsked().isEmpty() ? "; all cameras" : "; cameras " + esc(String.join(", ", report.camerasAsked())))
                .append(report.peopleAsked().isEmpty() ? "; everyone enrolled" : "; people " + esc(report.peopleAsked().toString()))
                .append(". Generated ").append(esc(report.generatedAt())).append(". Face crops are biometric data: share this file only with whoever asked for it.</p>\n");
        cameras(html, report);
        chart(html, report);
        appearances(html, report);
        if (!report.unknownTracks().isEmpty()) {
            html.append("<h2>Unknown tracks</h2><p>").append(report.unknownTracks().size())
                    .append(" tracks nobody enrolled was recognized in (listed in unknown-tracks.csv).</p>\n");
        }
        if (report.unknownTracks().stream().anyMatch(t -> t.embedding() != null)) {
            clusters(html, clusters);
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    private static void clusters(StringBuilder html, ReportClusters.Result found) {
        html.append("<h2>Clusters of unknown faces</h2><p>").append(found.clusters().size())
                .append(" strangers seen in several tracks (a cluster needs 3 close tracks); ").append(found.noiseTracks())
                .append(" unknown tracks in no cluster. Enrol one: POST /api/replays/{id}/clusters/{cluster}/person.</p>\n");
        if (found.clusters().isEmpty()) {
            return;
        }
        html.append("<table><tr><th>cluster</th><th>tracks</th><th>faces</th><th>cameras</th><th>first seen</th><th>last seen</th><th>sample faces</th></tr>\n");
        for (ReportClusters.Cluster c : found.clusters()) {
            html.append("<tr><td>").append(c.index()).append("</td><td>").append(c.tracks().size()).append("</td><td>").append(c.faces())
                    .append("</td><td>").append(esc(String.join(", ", c.cameras()))).append("</td><td>").append(esc(c.firstSeen()))
                    .append("</td><td>").append(esc(c.lastSeen())).append("</td><td>");
            for (byte[] crop : c.samples()) {
                html.append("<img alt=\"cluster ").append(c.index()).append("\" src=\"data:image/jpeg;base64,")
                        .append(Base64.getEncoder().encodeToString(crop)).append("\"> ");
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void cameras(StringBuilder html, TimelineReport report) {
        html.append("<h2>Cameras</h2><table><tr><th>camera</th><th>frames</th><th>with faces</th><th>first frame</th><th>last frame</th></tr>\n");
        for (TimelineReport.CameraSummary c : report.cameras()) {
            html.append("<tr><td>").append(esc(c.camera())).append("</td><td>").append(c.frames()).append("</td><td>").append(c.framesWithFaces())
                    .append("</td><td>").append(esc(c.firstFrame())).append("</td><td>").append(esc(c.lastFrame())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** Time runs over the frames actually read (first to last frame), so a day asked for with five minutes of footage stays readable. */
    private static void chart(StringBuilder html, TimelineReport report) {
        Instant start = report.cameras().stream().map(TimelineReport.CameraSummary::firstFrame).min(Instant::compareTo).orElse(report.from());
        Instant end = report.cameras().stream().map(TimelineReport.CameraSummary::lastFrame).max(Instant::compareTo).orElse(report.to());
        long span = Math.max(1000, end.toEpochMilli() - start.toEpochMilli());
        int rows = report.people().stream().mapToInt(p -> (int) p.appearances().stream().map(TimelineReport.Appearance::camera).distinct().count()).sum();
        int height = 30 + Math.max(1, rows) * ROW;
        html.append("<h2>Timeline</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"appearances per person and camera over time\">\n");
        html.append("<text x=\"").append(LABEL).append("\" y=\"14\">").append(esc(start)).append("</text>")
                .append("<text x=\"").append(WIDTH - 4).append("\" y=\"14\" text-anchor=\"end\">").append(esc(end)).append("</text>\n");
        int row = 0;
        for (TimelineReport.PersonTimeline person : report.people()) {
            for (String camera : person.appearances().stream().map(TimelineReport.Appearance::camera).distinct().sorted().toList()) {
                int y = 24 + row * ROW;
                html.append("<text x=\"0\" y=\"").append(y + 14).append("\">").append(esc(person.name() + " · " + camera)).append("</text>")
                        .append("<line x1=\"").append(LABEL).append("\" x2=\"").append(WIDTH).append("\" y1=\"").append(y + 10).append("\" y2=\"")
                        .append(y + 10).append("\" stroke=\"#ddd\"/>\n");
                for (TimelineReport.Appearance a : person.appearances()) {
                    if (!a.camera().equals(camera)) {
                        continue;
                    }
                    double x = LABEL + (WIDTH - LABEL - 4) * (double) (a.firstSeen().toEpochMilli() - start.toEpochMilli()) / span;
                    double w = Math.max(3, (WIDTH - LABEL - 4) * (double) a.durationMs() / span);
                    html.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#2b7bb9\"><title>%s</title></rect>%n",
                            x, y + 2, w, esc(a.firstSeen() + " – " + a.lastSeen() + ", " + a.frames() + " frames, best similarity "
                                    + ReportWriter.round(a.bestSimilarity()))));
                }
                row++;
            }
        }
        if (rows == 0) {
            html.append("<text x=\"").append(LABEL).append("\" y=\"40\">nobody enrolled was seen</text>\n");
        }
        html.append("</svg>\n");
    }

    private static void appearances(StringBuilder html, TimelineReport report) {
        html.append("<h2>Appearances</h2><table><tr><th>person</th><th>camera</th><th>first seen</th><th>last seen</th><th>duration</th>")
                .append("<th>frames</th><th>best similarity</th><th>best face</th></tr>\n");
        for (TimelineReport.PersonTimeline person : report.people()) {
            for (TimelineReport.Appearance a : person.appearances()) {
                html.append("<tr><td>").append(esc(person.name())).append(" <span class=\"muted\">#").append(person.personId()).append("</span></td><td>")
                        .append(esc(a.camera())).append("</td><td>").append(esc(a.firstSeen())).append("</td><td>").append(esc(a.lastSeen()))
                        .append("</td><td>").append(String.format(Locale.ROOT, "%.1f s", a.durationMs() / 1000.0)).append("</td><td>").append(a.frames())
                        .append("</td><td>").append(ReportWriter.round(a.bestSimilarity())).append("</td><td>");
                if (a.crop() != null) {
                    html.append("<img alt=\"best face\" src=\"data:image/jpeg;base64,").append(Base64.getEncoder().encodeToString(a.crop())).append("\">");
                }
                html.append("</td></tr>\n");
            }
        }
        html.append("</table>\n");
    }

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
