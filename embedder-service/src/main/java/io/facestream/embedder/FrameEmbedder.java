package io.facestream.embedder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;

import io.facestream.face.AlignmentTemplate;
import io.facestream.face.Face;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;
import io.facestream.schemas.AlignedFaces;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.Point;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.Values;

/**
 * Turns every detected face of a frame into an embedding; the image itself goes no further. Faces the detector aligned
 * for this embedder's recognizer are embedded as they came; otherwise (a record from before the detector aligned, or
 * from a detector set up for another recognizer) the faces are aligned from the image, decoded here.
 */
public final class FrameEmbedder {

    private final FaceEmbedder embedder;

    public FrameEmbedder(FaceEmbedder embedder) {
        this.embedder = embedder;
    }

    public EmbeddedFrame embed(DetectedFrame frame) {
        EmbeddedFrame.Builder out = EmbeddedFrame.newBuilder().setHeader(frame.getHeader())
                .setImageWidth(frame.getImageWidth()).setImageHeight(frame.getImageHeight()).setError(frame.getError());
        if (frame.getError() != null || frame.getFaces().isEmpty()) {
            return out.build();
        }
        List<float[]> vectors;
        if (usable(frame.getAligned(), frame.getFaces().size())) {
            vectors = fromChips(frame.getAligned());
        } else if (frame.getImage() != null) {
            try {
                vectors = fromImage(frame);
            } catch (ImageDecodeException e) {
                return out.setError(ErrorCode.INVALID_IMAGE.error(e.getMessage())).build();
            }
        } else {
            AlignedFaces aligned = frame.getAligned();
            return out.setError(ErrorCode.INTERNAL.error("the frame carries no image, and its faces are "
                    + (aligned == null ? "not aligned" : "aligned for " + aligned.getRecognizer() + " at " + aligned.getWidth() + "×" + aligned.getHeight())
                    + " while this embedder runs " + embedder.recognizer().modelName()
                    + ": the detector and the embedder must be set up with the same recognizer (FACESTREAM_MODEL_PACK, FACESTREAM_RECOGNIZER)")).build();
        }
        List<FaceEmbedding> faces = new ArrayList<>(frame.getFaces().size());
        for (int i = 0; i < vectors.size(); i++) {
            faces.add(FaceEmbedding.newBuilder().setFace(frame.getFaces().get(i)).setModel(embedder.model())
                    .setVector(Values.floatList(vectors.get(i))).build());
        }
        return out.setFaces(faces).build();
    }

    /** Aligned for this recognizer's template, one whole chip per face. */
    private boolean usable(AlignedFaces aligned, int faces) {
        if (aligned == null) {
            return false;
        }
        AlignmentTemplate template = embedder.recognizer().template();
        int bytes = template.width() * template.height() * 3;
        return aligned.getRecognizer().equals(embedder.recognizer().modelName()) && aligned.getWidth() == template.width()
                && aligned.getHeight() == template.height() && aligned.getChips().size() == faces
                && aligned.getChips().stream().allMatch(chip -> chip.remaining() == bytes);
    }

    private List<float[]> fromChips(AlignedFaces aligned) {
        List<Mat> chips = new ArrayList<>(aligned.getChips().size());
        try {
            for (ByteBuffer chip : aligned.getChips()) {
                chips.add(Images.fromBgrBytes(Values.bytes(chip), aligned.getWidth(), aligned.getHeight()));
            }
            // All faces of the frame at once: the recognizer runs them (and their mirror images) as one batch where it can.
            return embedder.embedAligned(chips);
        } finally {
            chips.forEach(Mat::release);
        }
    }

    private List<float[]> fromImage(DetectedFrame frame) throws ImageDecodeException {
        // Aligned from the full-resolution image the detector saw, not from a crop.
        Mat image = Images.decode(Values.bytes(frame.getImage()));
        try {
            return embedder.embedAll(image, frame.getFaces().stream().map(FrameEmbedder::toFace).toList());
        } finally {
            image.release();
        }
    }

    static Face toFace(DetectedFace face) {
        float[] landmarks = new float[10];
        List<Point> points = face.getLandmarks();
        for (int i = 0; i < 5; i++) {
            landmarks[2 * i] = points.get(i).getX();
            landmarks[2 * i + 1] = points.get(i).getY();
        }
        return new Face(face.getBox().getX(), face.getBox().getY(), face.getBox().getWidth(), face.getBox().getHeight(), landmarks, face.getScore());
    }
}
