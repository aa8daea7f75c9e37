package io.facestream.gateway.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.web.ApiException;
import io.facestream.replay.ReplayRequest;

/**
 * A gateway that restarts still answers for the replay jobs it ran: a finished job keeps its status and report, one
 * that was running when the gateway died is failed with replay_interrupted, and deleting a job removes its record too.
 * Jobs are written as the gateway writes them ({@link JobRecords}) into a real directory; no broker is needed.
 */
class ReplayJobsRestartTest {

    static final ReplayRequest REQUEST = ReplayRequest.of(Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T11:00:00Z"),
            List.of("lobby", "door-1"), List.of(12L));

    @TempDir
    Path root;

    ReplayJobs restart() {
        return new ReplayJobs(new GatewayProperties(null, null, 0, null, null, 0, null, null, null, null, 0, null, 0, root));
    }

    ReplayJobs.Job saved(ReplayJobs.Status status) throws Exception {
        ReplayJobs.Job job = new ReplayJobs.Job(UUID.randomUUID().toString(), REQUEST, false, Instant.parse("2026-12-02T08:00:00Z"), root);
        job.status = status;
        if (status == ReplayJobs.Status.DONE) {
            Files.createDirectories(job.dir);
            Files.writeString(job.dir.resolve("report.json"), "{\"people\": []}");
            Files.writeString(job.dir.resolve("report.html"), "<html></html>");
            job.finished = Instant.parse("2026-12-02T08:03:00Z");
        }
        new JobRecords(root).save(job);
        return job;
    }

    @Test
    void aFinishedJobIsStillThereWithItsReportAfterARestart() throws Exception {
        ReplayJobs.Job done = saved(ReplayJobs.Status.DONE);

        ReplayController.Status status = ReplayController.status(restart().find(done.id));

        assertThat(status.status()).isEqualTo("done");
        assertThat(status.report()).isEqualTo("{\"people\": []}");
        assertThat(status.files()).containsExactly("report.html", "report.json");
        assertThat(status.cameras()).containsExactly("door-1", "lobby");
        assertThat(status.people()).containsExactly(12L);
        assertThat(status.from()).isEqualTo("2026-12-01T09:00:00Z");
        assertThat(status.created()).isEqualTo("2026-12-02T08:00:00Z");
        assertThat(status.finished()).isEqualTo("2026-12-02T08:03:00Z");
        assertThat(status.source()).isEqualTo("frames");
    }

    @Test
    void aJobRunningWhenTheGatewayDiedIsReportedInterruptedAndStaysSo() throws Exception {
        ReplayJobs.Job running = saved(ReplayJobs.Status.RUNNING);

        ReplayController.Status status = ReplayController.status(restart().find(running.id));

        assertThat(status.status()).isEqualTo("failed");
        assertThat(status.error().error()).isEqualTo("replay_interrupted");
        assertThat(status.error().message()).contains("start it again");
        assertThat(status.finished()).isNotNull();
        assertThat(status.report()).isNull();
        // Saved as failed: a second restart says the same, with the same finishing time.
        assertThat(ReplayController.status(restart().find(running.id))).isEqualTo(status);
    }

    @Test
    void deletingAFinishedJobRemovesItsReportAndItsRecord() throws Exception {
        ReplayJobs.Job done = saved(ReplayJobs.Status.DONE);
        ReplayJobs jobs = restart();

        assertThat(jobs.cancelOrDelete(done.id)).isTrue();

        assertThat(done.dir).doesNotExist();
        try (var left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
        assertThatThrownBy(() -> restart().find(done.id)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo("replay_not_found"));
    }

    @Test
    void anUnreadableRecordIsSkippedAndAHalfWrittenOneLeavesNoTrace() throws Exception {
        ReplayJobs.Job done = saved(ReplayJobs.Status.DONE);
        Files.writeString(root.resolve(UUID.randomUUID() + ".json"), "{\"id\": ");
        // What a gateway killed between writing and moving a record leaves.
        Path leftover = root.resolve("." + done.id + ".json.tmp");
        Files.writeString(leftover, "{");

        ReplayJobs jobs = restart();

        assertThat(jobs.find(done.id).status).isEqualTo(ReplayJobs.Status.DONE);
        assertThat(leftover).doesNotExist();
    }
}
