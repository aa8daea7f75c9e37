package io.facestream.detector;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

import org.opencv.core.Mat;

import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceQuality;
import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;
import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.Point;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.Operations;
import io.facestream.schemas.Values;

/** Finds the faces of one frame, and judges each one's fitness for enrolment where the pixels are. */
public final class FrameDetector {

    private final FaceDetector detector;
    private final FaceQuality.Rules rules;

    public FrameDetector(FaceDetector detector, FaceQuality.Rules rules) {
        this.detector = detector;
        this.rules = rules;
    }

    public DetectedFrame detect(Frame frame) {
        FrameHeader header = frame.getHeader();
        DetectedFrame.Builder out = DetectedFrame.newBuilder().setHeader(header);
        if (frame.getImage() == null) {
            return !Operations.needsImage(header) ? out.build()
                    : out.setError(ErrorCode.INVALID_REQUEST.error("the frame carries no image")).build();
        }
        byte[] bytes = Values.bytes(frame.getImage());
        Mat image;
        try {
            image = Images.decode(bytes);
        } catch (ImageDecodeException e) {
            return out.setError(ErrorCode.INVALID_IMAGE.error(e.getMessage())).build();
        }
        try {
            List<DetectedFace> faces = detector.detect(image).stream().map(face -> toRecord(face, FaceQuality.assess(image, face, rules))).toList();
            return out.setImage(ByteBuffer.wrap(bytes)).setImageWidth(image.cols()).setImageHeight(image.rows()).setFaces(faces).build();
        } finally {
            image.release();
        }
    }

    static DetectedFace toRecord(Face face, FaceQuality quality) {
        float[] l = face.landmarks();
        List<Point> landmarks = List.of(new Point(l[0], l[1]), new Point(l[2], l[3]), new Point(l[4], l[5]), new Point(l[6], l[7]), new Point(l[8], l[9]));
        return DetectedFace.newBuilder()
                .setFaceId(UUID.randomUUID().toString())
                .setBox(new Box(face.x(), face.y(), face.width(), face.height()))
                .setLandmarks(landmarks)
                .setScore(face.score())
                .setQuality(new io.facestream.schemas.FaceQuality(quality.interEyeDistance(), quality.sharpness(), quality.yaw(), quality.issues()))
                .build();
    }
}
