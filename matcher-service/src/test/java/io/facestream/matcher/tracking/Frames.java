package io.facestream.matcher.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.FaceQuality;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Point;
import io.facestream.schemas.SourceKind;

/** Camera answers made by hand for the tracker's tests: faces with a box, an embedding and perhaps a name. */
final class Frames {

    static final float THRESHOLD = 0.5f;
    static final long T0 = 1_700_000_000_000L;
    /** 5 frames a second. */
    static final long STEP = 200;

    private Frames() {
    }

    record Face(Box box, float[] embedding, PersonMatch person, float bestSimilarity, float eyes) {
    }

    static Face face(float x, float y, float[] embedding) {
        return new Face(new Box(x, y, 60f, 70f), embedding, null, 0.2f, 30f);
    }

    static Face named(float x, float y, float[] embedding, long personId, String name, float similarity) {
        return new Face(new Box(x, y, 60f, 70f), embedding, new PersonMatch(personId, name, similarity), similarity, 30f);
    }

    static Face small(Face face, float eyes) {
        return new Face(face.box(), face.embedding(), face.person(), face.bestSimilarity(), eyes);
    }

    /** Unit vector pointing mostly along axis {@code axis} of 8, tilted by {@code tilt} towards the next axis. */
    static float[] look(int axis, float tilt) {
        float[] v = new float[8];
        v[axis] = 1;
        v[(axis + 1) % 8] = tilt;
        return io.facestream.face.Vectors.l2normalize(v);
    }

    static MatchResult frame(String source, long sequence, long time, Face... faces) {
        return frame(source, SourceKind.CAMERA, sequence, time, faces);
    }

    static MatchResult frame(String source, SourceKind kind, long sequence, long time, Face... faces) {
        List<FaceMatch> matches = new ArrayList<>();
        for (int i = 0; i < faces.length; i++) {
            Face f = faces[i];
            DetectedFace detected = DetectedFace.newBuilder()
                    .setFaceId(source + "-" + sequence + "-" + i)
                    .setBox(f.box())
                    .setLandmarks(List.of(new Point(0f, 0f)))
                    .setScore(0.95f)
                    .setQuality(new FaceQuality(f.eyes(), 50f, 0f, List.of()))
                    .build();
            matches.add(FaceMatch.newBuilder().setFace(detected).setPerson(f.person()).setBestSimilarity(f.bestSimilarity()).build());
        }
        FrameHeader header = FrameHeader.newBuilder()
                .setId(source + "#" + sequence + "@" + time)
                .setSourceKind(kind)
                .setSourceId(source)
                .setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(time))
                .setOperation(Operation.RECOGNIZE)
                .build();
        return MatchResult.newBuilder().setHeader(header).setImageWidth(640).setImageHeight(360).setFaces(matches).setThreshold(THRESHOLD).build();
    }

    static List<float[]> embeddings(Face... faces) {
        List<float[]> out = new ArrayList<>();
        for (Face f : faces) {
            out.add(f.embedding());
        }
        return out;
    }
}
