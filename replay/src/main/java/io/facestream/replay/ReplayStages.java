package io.facestream.replay;

import java.util.ArrayList;
import java.util.List;

import io.facestream.detector.FrameDetector;
import io.facestream.embedder.FrameEmbedder;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.FaceQuality;
import io.facestream.matcher.Lookup;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.Frame;
import io.facestream.schemas.MatchResult;

/**
 * The pipeline's per-frame stages in one thread: the detector service's {@link FrameDetector}, the embedder's
 * {@link FrameEmbedder}, then a match against a gallery snapshot. The live matcher's {@code FrameMatcher} is not used:
 * it also remembers every face in Redis for enrolment and handles people operations, and a replay must do neither.
 * The match rule is the live matcher's own {@link Lookup} (the gallery-size threshold, the margin over the second-best
 * person, negative examples, erasure marks), on the replay's snapshot of the gallery.
 */
public final class ReplayStages implements AutoCloseable {

    /** One frame's answer, with the vectors the answer drops (the unknown-track hook keeps some for clustering). */
    public record Analysis(MatchResult result, List<FaceEmbedding> embeddings) {
    }

    private final FaceDetector detector;
    private final FaceEmbedder embedder;
    private final FrameDetector detect;
    private final FrameEmbedder embed;
    private final Lookup lookup;

    public ReplayStages(FaceDetector detector, FaceQuality.Rules rules, FaceEmbedder embedder, Lookup lookup) {
        this.detector = detector;
        this.embedder = embedder;
        this.detect = new FrameDetector(detector, rules, embedder.recognizer());
        this.embed = new FrameEmbedder(embedder);
        this.lookup = lookup;
    }

    public String model() {
        return embedder.model();
    }

    public Analysis analyze(Frame frame) {
        DetectedFrame detected = detect.detect(frame);
        EmbeddedFrame embedded = embed.embed(detected);
        MatchResult.Builder result = MatchResult.newBuilder().setHeader(embedded.getHeader()).setImageWidth(embedded.getImageWidth())
                .setImageHeight(embedded.getImageHeight()).setError(embedded.getError());
        Lookup.Threshold threshold = embedded.getFaces().isEmpty() ? null : lookup.identification(embedded.getFaces().get(0).getModel());
        if (threshold != null) {
            result.setThreshold(threshold.value()).setThresholdReason(threshold.reason());
        }
        List<FaceMatch> faces = new ArrayList<>(embedded.getFaces().size());
        for (FaceEmbedding face : embedded.getFaces()) {
            FaceMatch.Builder answer = FaceMatch.newBuilder().setFace(face.getFace());
            Lookup.Closest closest = lookup.closest(face, threshold);
            if (closest.best() != null) {
                answer.setBestSimilarity(closest.best().getSimilarity());
                answer.setPerson(Lookup.named(closest, threshold));
            }
            faces.add(answer.build());
        }
        return new Analysis(result.setFaces(faces).build(), embedded.getFaces());
    }

    @Override
    public void close() throws Exception {
        detector.close();
        embedder.close();
    }
}
