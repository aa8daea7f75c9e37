package io.facestream.embedder;

import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;

import io.facestream.face.Face;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.Point;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.Values;

/** Turns every detected face of a frame into an embedding; the image itself goes no further. */
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
        Mat image;
        try {
            // Aligned from the full-resolution image the detector saw, not from a crop.
            image = Images.decode(Values.bytes(frame.getImage()));
        } catch (ImageDecodeException e) {
            return out.setError(ErrorCode.INVALID_IMAGE.error(e.getMessage())).build();
        }
        try {
            // All faces of the frame at once: the recognizer runs them (and their mirror images) as one batch where it can.
            List<float[]> vectors = embedder.embedAll(image, frame.getFaces().stream().map(FrameEmbedder::toFace).toList());
            List<FaceEmbedding> faces = new ArrayList<>(frame.getFaces().size());
            for (int i = 0; i < vectors.size(); i++) {
                faces.add(FaceEmbedding.newBuilder().setFace(frame.getFaces().get(i)).setModel(embedder.model())
                        .setVector(Values.floatList(vectors.get(i))).build());
            }
            return out.setFaces(faces).build();
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
