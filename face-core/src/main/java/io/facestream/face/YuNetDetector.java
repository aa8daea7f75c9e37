package io.facestream.face;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.facestream.models.ModelStore;

/**
 * YuNet (libfacedetection, MIT) through ONNX Runtime, decoded as OpenCV's FaceDetectorYN does.
 * The 2023mar model has a fixed square input, so images are letterboxed into it. Thread-safe:
 * buffers are allocated per call and an ORT session may be run from several threads at once.
 */
public final class YuNetDetector implements FaceDetector {

    private static final int[] STRIDES = {8, 16, 32};
    private static final String INPUT = "input";

    private final OrtSession session;
    private final DetectorSettings settings;

    public YuNetDetector(OrtSession session, DetectorSettings settings) {
        this.session = session;
        this.settings = settings;
        checkModel();
    }

    public static YuNetDetector create(ModelStore models, DetectorSettings settings) {
        return Onnx.open(models.path(Detector.YUNET.modelName()), session -> new YuNetDetector(session, settings));
    }

    private void checkModel() {
        // The 2023mar export is fixed at 640.
        Onnx.requireSquareInput(session, INPUT, settings.inputSize(), "YuNet");
        for (int stride : STRIDES) {
            for (String head : new String[] {"cls_", "obj_", "bbox_", "kps_"}) {
                if (!session.getOutputNames().contains(head + stride)) {
                    throw new IllegalStateException("not a YuNet model: no output " + head + stride + " in " + session.getOutputNames());
                }
            }
        }
    }

    @Override
    public String name() {
        return Detector.YUNET.modelName();
    }

    public DetectorSettings settings() {
        return settings;
    }

    @Override
    public List<Face> detect(Mat bgr) {
        int size = settings.inputSize();
        Detections.Letterbox box = Detections.Letterbox.of(bgr, size, new Scalar(0, 0, 0));
        FloatBuffer chw = Tensors.bgrToChw(box.image(), false, 0f, 1f);
        box.image().release();
        List<Face> candidates = new ArrayList<>();
        try (OrtSession.Result result = Onnx.run(session, INPUT, chw, 1, 3, size, size)) {
            for (int stride : STRIDES) {
                decode(result, stride, size / stride, box, candidates);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("YuNet failed: " + e.getMessage(), e);
        }
        return Detections.select(candidates, settings.nmsThreshold());
    }

    /** Per grid cell (row-major): centre offsets in units of the stride, log-scaled size, five offset points. */
    private void decode(OrtSession.Result result, int stride, int cols, Detections.Letterbox box, List<Face> out) {
        FloatBuffer cls = Onnx.output(result, "cls_" + stride);
        FloatBuffer obj = Onnx.output(result, "obj_" + stride);
        FloatBuffer bbox = Onnx.output(result, "bbox_" + stride);
        FloatBuffer kps = Onnx.output(result, "kps_" + stride);
        int cells = cls.remaining();
        for (int i = 0; i < cells; i++) {
            float score = (float) Math.sqrt(clamp(cls.get(i)) * clamp(obj.get(i)));
            if (score < settings.scoreThreshold()) {
                continue;
            }
            int col = i % cols;
            int row = i / cols;
            float cx = (col + bbox.get(4 * i)) * stride;
            float cy = (row + bbox.get(4 * i + 1)) * stride;
            float w = (float) Math.exp(bbox.get(4 * i + 2)) * stride;
            float h = (float) Math.exp(bbox.get(4 * i + 3)) * stride;
            float[] landmarks = new float[10];
            for (int k = 0; k < 5; k++) {
                landmarks[2 * k] = (col + kps.get(10 * i + 2 * k)) * stride;
                landmarks[2 * k + 1] = (row + kps.get(10 * i + 2 * k + 1)) * stride;
            }
            out.add(box.toImage(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, landmarks, score));
        }
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
