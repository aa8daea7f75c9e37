package io.facestream.gateway.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;
import io.facestream.replay.FrameReplay;
import io.facestream.replay.ReplayEnvironment;
import io.facestream.replay.ReplayException;
import io.facestream.replay.ReplayProgress;
import io.facestream.replay.ReplayRequest;
import io.facestream.replay.ResultsReplay;

/**
 * Replay jobs of this gateway: one runs at a time on its own thread (a replay keeps the models busy on every core it
 * gets; a second would only halve both), each writes its report into its own directory under
 * {@code facestream.gateway.replay-dir}. Each job's record is kept there too ({@link JobRecords}), so a restarted gateway
 * still answers for the jobs it ran; one that was running when the gateway stopped is reported failed with
 * {@code replay_interrupted} (it wrote no report: reports appear whole or not at all). The models are opened by the job
 * and closed when it ends, so an idle gateway holds none.
 */
@Component
public class ReplayJobs implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplayJobs.class);

    public enum Status { RUNNING, DONE, FAILED, CANCELLED }

    public static final class Job {
        final String id;
        final ReplayRequest request;
        final boolean fromResults;
        final Instant created;
        final Path dir;
        final AtomicBoolean cancel = new AtomicBoolean();
        volatile Status status = Status.RUNNING;
        volatile ReplayProgress progress = new ReplayProgress("queued", 0, 0, 0, null);
        volatile ApiError error;
        volatile String message;
        volatile Instant finished;

        Job(String id, ReplayRequest request, boolean fromResults, Instant created, Path root) {
            this.id = id;
            this.request = request;
            this.fromResults = fromResults;
            this.created = created;
            this.dir = root.resolve(id);
        }
    }

    private final GatewayProperties properties;
    private final Path root;
    private final JobRecords records;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "replay-job");
        thread.setDaemon(true);
        return thread;
    });

    public ReplayJobs(GatewayProperties properties) {
        this.properties = properties;
        this.root = properties.replayDir();
        this.records = new JobRecords(root);
        for (Job job : records.load()) {
            if (job.status == Status.RUNNING) {
                // It was running when this gateway was killed: nothing ran it to its end.
                interrupted(job);
                job.finished = Instant.now();
                save(job);
            }
            jobs.put(job.id, job);
        }
        if (!jobs.isEmpty()) {
            log.info("{} replay jobs found under {}", jobs.size(), root);
        }
    }

    /** Checks what can be checked at once (range, people, frames still kept), then starts the job. */
    public synchronized Job start(ReplayRequest request, boolean fromResults) {
        for (Job job : jobs.values()) {
            if (job.status == Status.RUNNING) {
                throw new ApiException(ApiError.REPLAY_BUSY, "replay " + job.id + " is running; one replay runs at a time");
            }
        }
        ReplayEnvironment environment = ReplayEnvironment.fromEnvironment(properties.kafkaBootstrapServers());
        try {
            if (fromResults) {
                new ResultsReplay(environment).check(request);
            } else {
                new FrameReplay(environment).check(request);
            }
        } catch (ReplayException e) {
            throw apiError(e);
        }
        Job job = new Job(UUID.randomUUID().toString(), request, fromResults, Instant.now(), root);
        try {
            records.save(job);
        } catch (IOException e) {
            throw new ApiException(ApiError.INTERNAL, "the replay dir " + root + " cannot be written: " + e.getMessage());
        }
        jobs.put(job.id, job);
        executor.submit(() -> run(job, environment));
        return job;
    }

    private void run(Job job, ReplayEnvironment environment) {
        try {
            Files.createDirectories(root);
            if (job.fromResults) {
                new ResultsReplay(environment).run(job.request, job.dir, progress -> job.progress = progress, job.cancel::get);
            } else {
                new FrameReplay(environment).run(job.request, job.dir, progress -> job.progress = progress, job.cancel::get);
            }
            job.status = Status.DONE;
        } catch (ReplayException e) {
            if (e.reason() == ReplayException.Reason.CANCELLED && stopping) {
                interrupted(job);
            } else {
                job.status = e.reason() == ReplayException.Reason.CANCELLED ? Status.CANCELLED : Status.FAILED;
                job.error = errorOf(e);
                job.message = e.getMessage();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("replay {} failed", job.id, e);
            job.status = Status.FAILED;
            job.error = ApiError.INTERNAL;
            job.message = "the replay failed: " + e.getMessage();
        } finally {
            job.finished = Instant.now();
            save(job);
        }
    }

    private static void interrupted(Job job) {
        job.status = Status.FAILED;
        job.error = ApiError.REPLAY_INTERRUPTED;
        job.message = "the gateway stopped while this replay ran (it started " + job.created + "); no report was written: start it again";
    }

    /** Saves a job's record; a record that cannot be written is logged: the job still answers until the gateway stops. */
    private void save(Job job) {
        try {
            records.save(job);
        } catch (IOException | RuntimeException e) {
            log.warn("replay {}'s record cannot be saved under {}: {}", job.id, root, e.getMessage());
        }
    }

    public Job find(String id) {
        Job job = id == null ? null : jobs.get(id);
        if (job == null) {
            throw new ApiException(ApiError.REPLAY_NOT_FOUND, "no replay " + id);
        }
        return job;
    }

    /** A running job is told to stop (it writes nothing); a finished one is forgotten and its report deleted. */
    public boolean cancelOrDelete(String id) {
        Job job = find(id);
        if (job.status == Status.RUNNING) {
            job.cancel.set(true);
            return false;
        }
        jobs.remove(id);
        deleteTree(job.dir);
        try {
            records.delete(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    static ApiException apiError(ReplayException e) {
        return new ApiException(errorOf(e), e.getMessage());
    }

    static ApiError errorOf(ReplayException e) {
        return switch (e.reason()) {
            case INVALID_REQUEST -> ApiError.INVALID_REQUEST;
            case UNKNOWN_CAMERA -> ApiError.UNKNOWN_CAMERA;
            case UNKNOWN_PERSON -> ApiError.PERSON_NOT_FOUND;
            case EXPIRED -> ApiError.FRAMES_EXPIRED;
            case NO_FRAMES -> ApiError.NO_FRAMES;
            case OUTPUT, CANCELLED -> ApiError.INTERNAL;
        };
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        jobs.values().forEach(job -> job.cancel.set(true));
        executor.shutdown();
        // A cancelled replay stops at its next frame and then saves its record as interrupted; a gateway killed
        // before that leaves it "running", which the next start reports the same way.
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
