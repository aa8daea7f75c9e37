package io.facestream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What a camera id or a name can do to the report's files: nothing (no markup, no spreadsheet formula, no broken CSV). */
class ReportFilesTest {

    static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

    static TimelineReport report(String camera, String name) {
        TimelineReport.Appearance appearance = new TimelineReport.Appearance(camera, T, T.plusSeconds(2), 2000, 0.95f, 10, List.of(camera + "/x-1"), T,
                new byte[] {(byte) 0xFF, (byte) 0xD8});
        return new TimelineReport("frames", T, T.plusSeconds(60), T, "dlib-resnet-128+flip", List.of(), List.of(),
                List.of(new TimelineReport.CameraSummary(camera, 10, 10, 10, T, T.plusSeconds(2))),
                List.of(new TimelineReport.PersonTimeline(7, name, List.of(appearance))), List.of(), List.of());
    }

    @Test
    void cameraIdsAndNamesAreEscapedInHtmlAndCsv() {
        TimelineReport report = report("<script>alert(1)</script>", "O'Brien, \"Jr\"");
        String html = ReportHtml.render(report);
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;", "O&#39;Brien, &quot;Jr&quot;");
        String csv = ReportCsv.appearances(report);
        assertThat(csv.lines().skip(1).findFirst().orElseThrow()).startsWith("7,\"O'Brien, \"\"Jr\"\"\",<script>alert(1)</script>,");
    }

    @Test
    void aCellThatASpreadsheetWouldEvaluateIsQuotedAsText() {
        assertThat(ReportCsv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(ReportCsv.cell("@cam")).isEqualTo("'@cam");
        assertThat(ReportCsv.cell(-1)).isEqualTo("-1");
        assertThat(ReportCsv.cell(null)).isEmpty();
    }

    @Test
    void theJsonNamesTheCropFileOfEachAppearance() {
        var json = ReportWriter.tree(report("door-1", "Ada"));
        assertThat(json.at("/people/0/appearances/0/crop").asText()).isEqualTo("crops/7-1.jpg");
        assertThat(json.at("/people/0/appearances/0/best_similarity").asDouble()).isEqualTo(0.95);
        assertThat(ReportWriter.cropFiles(report("door-1", "Ada"))).containsOnlyKeys("crops/7-1.jpg");
    }
}
