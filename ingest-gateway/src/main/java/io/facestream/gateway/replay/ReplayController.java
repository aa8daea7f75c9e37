package io.facestream.gateway.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.facestream.gateway.people.FaceEnrolment;
import io.facestream.gateway.people.People;
import io.facestream.gateway.people.PeopleController;
import io.facestream.gateway.recognition.Names;
import io.facestream.gateway.recognition.Uploads;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The files of a report that may be fetched, and their types; crops are inside the HTML page. */
    static final Map<String, MediaType> FILES = Map.of(
            "report.html", MediaType.TEXT_HTML,
            "report.json", MediaType.APPLICATION_JSON,
            "appearances.csv", MediaType.parseMediaType("text/csv"),
            "unknown-tracks.csv", MediaType.parseMediaType("text/csv"),
            "clusters.csv", MediaType.parseMediaType("text/csv"),
            "events.csv", MediaType.parseMediaType("text/csv"));

    /** The name of the person a cluster becomes. */
    public record ClusterPerson(String name) {
    }

    private final ReplayJobs jobs;
    private final FaceEnrolment enrolment;
    private final People people;

    public ReplayController(ReplayJobs jobs, FaceEnrolment enrolment, People people) {
        this.jobs = jobs;
        this.enrolment = enrolment;
        this.people = people;
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
    @io.swagger.v3.oas.annotations.Operation(summary = "A replay's status (running, done, failed, cancelled) with its progress; when done, the report;"
            + " when failed, its error (replay_interrupted: the gateway stopped while it ran; start it again). Kept across gateway restarts")
    public Status get(@PathVariable String id) {
        return status(jobs.find(id));
    }

    @GetMapping("/{id}/{file:.+}")
    @io.swagger.v3.oas.annotations.Operation(summary = "A file of a finished replay: report.html (self-contained, with the face crops), report.json, appearances.csv, unknown-tracks.csv, clusters.csv, events.csv")
    public ResponseEntity<byte[]> file(@PathVariable String id, @PathVariable String file) throws IOException {
        ReplayJobs.Job job = jobs.find(id);
        MediaType type = FILES.get(file);
        Path path = job.dir.resolve(file);
        if (type == null || job.status != ReplayJobs.Status.DONE || !Files.isRegularFile(path)) {
            throw new ApiException(ApiError.REPLAY_NOT_FOUND, "replay " + id + " has no file " + file);
        }
        return ResponseEntity.ok().contentType(type).body(Files.readAllBytes(path));
    }

    /**
     * Enrols a cluster of a finished replay as a new person: its sample crops (the best face of each of its most typical
     * tracks, at most {@link io.facestream.replay.ReportClusters#SAMPLES}, most typical first) go through
     * {@link FaceEnrolment} as POST /api/people/from-faces sends files, so each passes the enrolment quality gate and a crop
     * of someone already enrolled is refused with their id. The crops are read from the job's report, never sent by the caller.
     */
    @PostMapping(path = "/{id}/clusters/{index}/person", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.Operation(summary = "Enrol a cluster of unknown faces of a finished replay as a new person: {\"name\": \"...\"}."
            + " Its sample crops (report.json clusters[].crops, most typical first) are enrolled as by /api/people/from-faces, each through"
            + " the enrolment quality gate. 201 with the person, the faces stored and the faces refused; 404 no such replay or cluster;"
            + " 409 replay_not_finished; 422 no_face_enrolled (every crop refused)")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "422", description = "no_face_enrolled: every crop was refused "
            + "(the 'refused' list says why each); nobody was enrolled",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PeopleController.NoneEnrolled.class)))
    public ResponseEntity<?> enrolCluster(@PathVariable String id, @PathVariable int index, @RequestBody ClusterPerson body) throws IOException {
        ReplayJobs.Job job = jobs.find(id);
        if (body == null || body.name() == null) {
            throw new ApiException(ApiError.MISSING_FIELD, "name is required");
        }
        String name = Names.valid(body.name(), "name");
        if (job.status != ReplayJobs.Status.DONE) {
            throw new ApiException(ApiError.REPLAY_NOT_FINISHED, "replay " + id + " is " + job.status.name().toLowerCase(java.util.Locale.ROOT)
                    + "; its clusters exist once it is done");
        }
        JsonNode cluster = null;
        for (JsonNode node : JSON.readTree(job.dir.resolve("report.json").toFile()).path("clusters")) {
            if (node.path("index").asInt() == index) {
                cluster = node;
            }
        }
        if (cluster == null || cluster.path("crops").isEmpty()) {
            throw new ApiException(ApiError.REPLAY_NOT_FOUND, "replay " + id + " has no cluster " + index + " with face crops");
        }
        List<FaceEnrolment.Candidate> candidates = new ArrayList<>();
        for (JsonNode crop : cluster.path("crops")) {
            byte[] image = Files.readAllBytes(job.dir.resolve(crop.asText()).normalize());
            candidates.add(new FaceEnrolment.Candidate(new FaceEnrolment.Input(candidates.size(), "crop", null),
                    new Uploads.EnrolmentFace(image, null)));
        }
        FaceEnrolment.Outcome outcome = enrolment.enrol(name, candidates);
        if (outcome.personId() == null) {
            return ResponseEntity.status(ApiError.NO_FACE_ENROLLED.status()).contentType(MediaType.APPLICATION_JSON)
                    .body(new PeopleController.NoneEnrolled(ApiError.NO_FACE_ENROLLED.code(), "none of cluster " + index + "'s "
                            + candidates.size() + " crops was accepted for enrolment; nobody was enrolled", outcome.refused()));
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new PeopleController.PersonFromFaces(people.find(outcome.personId()), outcome.enrolled(), outcome.refused()));
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
