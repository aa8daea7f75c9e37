package io.facestream.replay;

import java.util.ArrayList;
import java.util.List;

import io.facestream.detector.FrameDetector;
import io.facestream.embedder.FrameEmbedder;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.FaceQuality;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.Frame;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Values;

/**
 * The pipeline's per-frame stages in one thread: the detector service's {@link FrameDetector}, the embedder's
 * {@link FrameEmbedder}, then a match against a gallery snapshot. The live matcher's {@code FrameMatcher} is not used:
 * it also remembers every face in Redis for enrolment and handles people operations, and a replay must do neither.
 * The match rule is the same (closest person, named at or above the recognizer's calibrated threshold).
 */
public final class ReplayStages implements AutoCloseable {

    /** One frame's answer, with the vectors the answer drops (the unknown-track hook keeps some for clustering). */
    public record Analysis(MatchResult result, List<FaceEmbedding> embeddings) {
    }

    private final FaceDetector detector;
    private final FaceEmbedder embedder;
    private final FrameDetector detect;
    private final FrameEmbedder embed;
    private final Gallery gallery;
    private final float threshold;

    public ReplayStages(FaceDetector detector, FaceQuality.Rules rules, FaceEmbedder embedder, Gallery gallery, float threshold) {
        this.detector = detector;
        this.embedder = embedder;
        this.detect = new FrameDetector(detector, rules, embedder.recognizer());
        this.embed = new FrameEmbedder(embedder);
        this.gallery = gallery;
        this.threshold = threshold;
    }

    public String model() {
        return embedder.model();
    }

    public Analysis analyze(Frame frame) {
        DetectedFrame detected = detect.detect(frame);
        EmbeddedFrame embedded = embed.embed(detected);
        MatchResult.Builder result = MatchResult.newBuilder().setHeader(embedded.getHeader()).setImageWidth(embedded.getImageWidth())
                .setImageHeight(embedded.getImageHeight()).setError(embedded.getError()).setThreshold(threshold);
        List<FaceMatch> faces = new ArrayList<>(embedded.getFaces().size());
        for (FaceEmbedding face : embedded.getFaces()) {
            FaceMatch.Builder answer = FaceMatch.newBuilder().setFace(face.getFace());
            PersonMatch best = gallery.best(Values.floats(face.getVector()));
            if (best != null) {
                answer.setBestSimilarity(best.getSimilarity());
                if (best.getSimilarity() >= threshold) {
                    answer.setPerson(best);
                }
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
