package io.facestream.detector;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.opencv.core.Mat;

import io.facestream.face.AlignmentTemplate;
import io.facestream.face.Face;
import io.facestream.face.FaceAligner;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceQuality;
import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;
import io.facestream.face.Recognizer;
import io.facestream.schemas.AlignedFaces;
import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.Point;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.Operations;
import io.facestream.schemas.Values;

/**
 * Finds the faces of one frame, judges each one's fitness for enrolment and aligns each for the recognizer, where the
 * pixels are: the embedder then embeds the aligned faces and never decodes the image a second time.
 */
public final class FrameDetector {

    /**
     * Most bytes of aligned faces a frame carries instead of its image: 1 MiB, 15 faces for dlib's ResNet (150×150×3 =
     * 67,500 bytes each) or 27 for ArcFace (112×112×3 = 37,632). Over it the image goes on as before and the embedder
     * decodes it. Two limits meet there. The record must fit the topic's {@code Topics.MAX_IMAGE_MESSAGE_BYTES} (4 MiB)
     * with each face's box, landmarks and quality beside the pixels (a few hundred bytes a face), so a budget of a
     * quarter leaves ample room. And raw pixels cost CPU per byte on every hop: Avro alone took 0.29 ms to encode and
     * decode a 203 KB record of 3 faces (about 1.5 ms per MB, measured in one JVM), before the producer's, broker's and
     * consumer's copies; at 1 MB that approaches what the chips save on a 640×480 frame (the embedder's JPEG decode,
     * 2.1–2.5 ms; 3.0 ms of embedder CPU in all for the bench's one-face frame). A one-face record is smaller as chips
     * (68 KB) than with its JPEG (80 KB).
     */
    public static final int CHIP_BUDGET_BYTES = 1 << 20;

    private final FaceDetector detector;
    private final FaceQuality.Rules rules;
    private final Recognizer alignFor;
    private final int chipBudgetBytes;

    /** @param alignFor the recognizer the embedders run (the deployment's, {@code ModelPack#recognizer(String)}) */
    public FrameDetector(FaceDetector detector, FaceQuality.Rules rules, Recognizer alignFor) {
        this(detector, rules, alignFor, CHIP_BUDGET_BYTES);
    }

    public FrameDetector(FaceDetector detector, FaceQuality.Rules rules, Recognizer alignFor, int chipBudgetBytes) {
        this.detector = detector;
        this.rules = rules;
        this.alignFor = alignFor;
        this.chipBudgetBytes = chipBudgetBytes;
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
            List<Face> found = detector.detect(image);
            List<DetectedFace> faces = found.stream().map(face -> toRecord(face, FaceQuality.assess(image, face, rules))).toList();
            out.setImageWidth(image.cols()).setImageHeight(image.rows()).setFaces(faces);
            AlignedFaces aligned = align(image, found);
            return aligned != null ? out.setAligned(aligned).build() : out.setImage(ByteBuffer.wrap(bytes)).build();
        } finally {
            image.release();
        }
    }

    /** Every face warped to the recognizer's template, as the embedder would warp it from the same image; null over the budget. */
    private AlignedFaces align(Mat image, List<Face> faces) {
        AlignmentTemplate template = alignFor.template();
        long bytes = (long) faces.size() * template.width() * template.height() * 3;
        if (bytes > chipBudgetBytes) {
            return null;
        }
        List<ByteBuffer> chips = new ArrayList<>(faces.size());
        for (Face face : faces) {
            Mat chip = FaceAligner.align(image, face.landmarks(), template);
            try {
                chips.add(ByteBuffer.wrap(Images.bgrBytes(chip)));
            } finally {
                chip.release();
            }
        }
        return AlignedFaces.newBuilder().setRecognizer(alignFor.modelName()).setWidth(template.width()).setHeight(template.height())
                .setChips(chips).build();
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
