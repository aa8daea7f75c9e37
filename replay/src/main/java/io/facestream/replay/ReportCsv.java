package io.facestream.replay;

import java.util.ArrayList;
import java.util.List;

/** The report's tables as CSV (RFC 4180: comma, quoted where needed, CRLF-free lines ending in \n), UTF-8. */
final class ReportCsv {

    private ReportCsv() {
    }

    static String appearances(TimelineReport report) {
        StringBuilder out = new StringBuilder("person_id,name,camera,first_seen,last_seen,duration_ms,best_similarity,frames,tracks\n");
        for (TimelineReport.PersonTimeline person : report.people()) {
            for (TimelineReport.Appearance a : person.appearances()) {
                line(out, person.personId(), person.name(), a.camera(), a.firstSeen(), a.lastSeen(), a.durationMs(),
                        ReportWriter.round(a.bestSimilarity()), a.frames(), String.join(" ", a.tracks()));
            }
        }
        return out.toString();
    }

    static String unknownTracks(TimelineReport report) {
        StringBuilder out = new StringBuilder("camera,track_id,first_seen,last_seen,frames,best_similarity\n");
        for (TimelineReport.UnknownTrack t : report.unknownTracks()) {
            line(out, t.camera(), t.trackId(), t.firstSeen(), t.lastSeen(), t.frames(), ReportWriter.round(t.bestSimilarity()));
        }
        return out.toString();
    }

    static String clusters(ReportClusters.Result found) {
        StringBuilder out = new StringBuilder("cluster,model,tracks,faces,cameras,first_seen,last_seen,track_ids,crops\n");
        for (ReportClusters.Cluster c : found.clusters()) {
            List<String> crops = new ArrayList<>();
            for (int n = 1; n <= c.samples().size(); n++) {
                crops.add(ReportClusters.cropName(c.index(), n));
            }
            line(out, c.index(), c.model(), c.tracks().size(), c.faces(), String.join(" ", c.cameras()), c.firstSeen(), c.lastSeen(),
                    String.join(" ", c.tracks().stream().map(t -> t.camera() + "/" + t.trackId()).toList()), String.join(" ", crops));
        }
        return out.toString();
    }

    static String events(TimelineReport report) {
        StringBuilder out = new StringBuilder("time,camera,track_id,kind,person_id,name,confidence\n");
        for (TimelineReport.Event e : report.events()) {
            line(out, e.time(), e.camera(), e.trackId(), e.kind(), e.personId(), e.name(), ReportWriter.round(e.confidence()));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, Object... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells[i]));
        }
        out.append('\n');
    }

    /**
     * Quoted when it holds a comma, quote or line break; a text starting with = + - @ gets a leading apostrophe, so a
     * spreadsheet shows a camera id or name instead of evaluating it as a formula (camera ids come from cameras).
     */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (!(value instanceof Number) && !text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
