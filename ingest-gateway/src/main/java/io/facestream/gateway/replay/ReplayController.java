package io.facestream.gateway.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;
import io.facestream.replay.ReplayException;
import io.facestream.replay.ReplayProgress;
import io.facestream.replay.ReplayRequest;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Replays as asynchronous jobs (admin scope): the same replay as {@code facestream replay}, run by this gateway. POST
 * answers 202 with the job's id at once; GET answers its status and progress, then the report; the HTML page and the
 * CSV tables are files of the job; DELETE stops a running job or deletes a finished one's report (crops included).
 */
@RestController
@RequestMapping("/api/replays")
@Tag(name = "replays", description = "Reprocess past camera frames against today's gallery: timelines, search for a person (admin scope)")
public class ReplayController {

    /** Times with a zone or offset (2026-12-01T09:00:00Z); a time without one is taken as UTC. */
    public record Start(String from, String to, List<String> cameras, List<Long> people, Boolean fromResults) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(String phase, long done, long total, double framesPerSecond, Long secondsLeft) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(String error, String message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String id, String status, String source, String from, String to, List<String> cameras, List<Long> people,
                         String created, String finished, Progress progress, Failure error, List<String> files,
                         @JsonRawValue String report) {
    }

    /** The files of a report that may be fetched, and their types; crops are inside the HTML page. */
    static final Map<String, MediaType> FILES = Map.of(
            "report.html", MediaType.TEXT_HTML,
            "report.json", MediaType.APPLICATION_JSON,
            "appearances.csv", MediaType.parseMediaType("text/csv"),
            "unknown-tracks.csv", MediaType.parseMediaType("text/csv"),
            "events.csv", MediaType.parseMediaType("text/csv"));

    private final ReplayJobs jobs;

    public ReplayController(ReplayJobs jobs) {
        this.jobs = jobs;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.Operation(summary = "Start a replay: {\"from\", \"to\", \"cameras\": [...], \"people\": [ids], \"from_results\": false}"
            + " → 202 with the job's id and status; 400 bad range, 404 unknown person, 409 a replay is running, 410 frames expired")
    public ResponseEntity<Status> start(@RequestBody Start body) {
        if (body == null || body.from() == null || body.to() == null) {
            throw new ApiException(ApiError.MISSING_FIELD, "from and to are required");
        }
        ReplayRequest request;
        try {
            request = ReplayRequest.of(ReplayRequest.parseTime(body.from(), ZoneOffset.UTC, "from"), ReplayRequest.parseTime(body.to(), ZoneOffset.UTC, "to"),
                    body.cameras(), body.people());
        } catch (ReplayException e) {
            throw ReplayJobs.apiError(e);
        }
        ReplayJobs.Job job = jobs.start(request, Boolean.TRUE.equals(body.fromResults()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(status(job));
    }

    @GetMapping("/{id}")
    @io.swagger.v3.oas.annotations.Operation(summary = "A replay's status (running, done, failed, cancelled) with its progress; when done, the report")
    public Status get(@PathVariable String id) {
        return status(jobs.find(id));
    }

    @GetMapping("/{id}/{file:.+}")
    @io.swagger.v3.oas.annotations.Operation(summary = "A file of a finished replay: report.html (self-contained, with the face crops), report.json, appearances.csv, unknown-tracks.csv, events.csv")
    public ResponseEntity<byte[]> file(@PathVariable String id, @PathVariable String file) throws IOException {
        ReplayJobs.Job job = jobs.find(id);
        MediaType type = FILES.get(file);
        Path path = job.dir.resolve(file);
        if (type == null || job.status != ReplayJobs.Status.DONE || !Files.isRegularFile(path)) {
            throw new ApiException(ApiError.REPLAY_NOT_FOUND, "replay " + id + " has no file " + file);
        }
        return ResponseEntity.ok().contentType(type).body(Files.readAllBytes(path));
    }

    @DeleteMapping("/{id}")
    @io.swagger.v3.oas.annotations.Operation(summary = "Stop a running replay (202; it writes nothing) or delete a finished one and its report (204)")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        return jobs.cancelOrDelete(id) ? ResponseEntity.noContent().build() : ResponseEntity.accepted().build();
    }

    static Status status(ReplayJobs.Job job) {
        ReplayProgress p = job.progress;
        String report = null;
        List<String> files = null;
        if (job.status == ReplayJobs.Status.DONE) {
            try {
                report = Files.readString(job.dir.resolve("report.json"));
                try (var list = Files.list(job.dir)) {
                    files = list.map(path -> path.getFileName().toString()).filter(FILES::containsKey).sorted().toList();
                }
            } catch (IOException e) {
                throw new ApiException(ApiError.INTERNAL, "replay " + job.id + "'s report cannot be read: " + e.getMessage());
            }
        }
        return new Status(job.id, job.status.name().toLowerCase(java.util.Locale.ROOT), job.fromResults ? "results" : "frames",
                job.request.from().toString(), job.request.to().toString(), List.copyOf(job.request.cameras()), List.copyOf(job.request.people()),
                job.created.toString(), job.finished == null ? null : job.finished.toString(),
                new Progress(p.phase(), p.done(), p.total(), Math.round(p.framesPerSecond() * 10) / 10.0, p.left() == null ? null : p.left().toSeconds()),
                job.error == null ? null : new Failure(job.error.code(), job.message), files, report);
    }
}
