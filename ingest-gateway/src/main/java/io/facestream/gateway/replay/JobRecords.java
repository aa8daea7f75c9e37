package io.facestream.gateway.replay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.facestream.gateway.web.ApiError;
import io.facestream.replay.ReplayRequest;

/**
 * What a gateway knows of its replay jobs, kept on disk so a restart does not lose them: one {@code <id>.json} beside
 * each job's report directory under the replay dir. A record is rewritten whole at each change of status (written to a
 * hidden temporary file, then moved over the old one atomically), so a gateway killed mid-write leaves the previous
 * record, never half of one. The report itself is made atomically by {@link io.facestream.replay.ReportWriter}.
 */
final class JobRecords {

    private static final Logger log = LoggerFactory.getLogger(JobRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";

    /** A job as saved: times as ISO-8601 text, the error as its API code. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Saved(String id, String status, boolean fromResults, String from, String to, List<String> cameras, List<Long> people,
                 String created, String finished, String error, String message) {
    }

    private final Path root;

    JobRecords(Path root) {
        this.root = root;
    }

    void save(ReplayJobs.Job job) throws IOException {
        Files.createDirectories(root);
        Saved saved = new Saved(job.id, job.status.name(), job.fromResults, job.request.from().toString(), job.request.to().toString(),
                List.copyOf(job.request.cameras()), List.copyOf(job.request.people()), job.created.toString(),
                job.finished == null ? null : job.finished.toString(), job.error == null ? null : job.error.name(), job.message);
        Path temporary = root.resolve("." + job.id + SUFFIX + ".tmp");
        JSON.writeValue(temporary.toFile(), saved);
        Files.move(temporary, root.resolve(job.id + SUFFIX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void delete(String id) throws IOException {
        Files.deleteIfExists(root.resolve(id + SUFFIX));
    }

    /** Every job saved under the replay dir; a record that cannot be read is named in the log and left alone. */
    List<ReplayJobs.Job> load() {
        List<ReplayJobs.Job> jobs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return jobs;
        }
        // Left by a gateway killed while it wrote a record; the record before it is whole.
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, ".*" + SUFFIX + ".tmp")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException e) {
            log.warn("replay job leftovers under {} cannot be removed: {}", root, e.getMessage());
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    Saved saved = JSON.readValue(file.toFile(), Saved.class);
                    String name = file.getFileName().toString();
                    if (!name.equals(saved.id() + SUFFIX)) {
                        throw new IOException("its id is " + saved.id());
                    }
                    UUID.fromString(saved.id());
                    jobs.add(job(saved));
                } catch (IOException | RuntimeException e) {
                    log.warn("replay job record {} cannot be read, skipped: {}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("replay job records under {} cannot be listed: {}", root, e.getMessage());
        }
        return jobs;
    }

    private ReplayJobs.Job job(Saved saved) {
        ReplayRequest request = ReplayRequest.of(Instant.parse(saved.from()), Instant.parse(saved.to()), saved.cameras(), saved.people());
        ReplayJobs.Job job = new ReplayJobs.Job(saved.id(), request, saved.fromResults(), Instant.parse(saved.created()), root);
        job.status = ReplayJobs.Status.valueOf(saved.status());
        job.finished = saved.finished() == null ? null : Instant.parse(saved.finished());
        job.error = saved.error() == null ? null : ApiError.valueOf(saved.error());
        job.message = saved.message();
        return job;
    }
}
