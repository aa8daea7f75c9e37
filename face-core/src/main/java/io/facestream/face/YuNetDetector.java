package io.facestream.face;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.facestream.models.ModelStore;

/** YuNet (libfacedetection, MIT) through ONNX Runtime: fixed 640×640 input, letterboxed. */
public final class YuNetDetector implements FaceDetector {

    private static final int[] STRIDES = {8, 16, 32};

    private final OrtSession session;
    private final String input;
    private final DetectorSettings settings;

    public YuNetDetector(OrtSession session, DetectorSettings settings) {
        this.session = session;
        this.input = session.getInputNames().iterator().next();
        this.settings = settings;
    }

    public static YuNetDetector create(ModelStore models, DetectorSettings settings) {
        return new YuNetDetector(Onnx.session(models.path("yunet")), settings);
    }

    @Override
    public String name() {
        return "yunet";
    }

    @Override
    public List<Face> detect(Mat bgr) {
        int size = settings.inputSize();
        double scale = Math.min((double) size / bgr.cols(), (double) size / bgr.rows());
        Mat resized = Images.resize(bgr, scale);
        Mat padded = new Mat();
        // Pad right and bottom only, so coordinates map back by the scale alone.
        Core.copyMakeBorder(resized, padded, 0, size - resized.rows(), 0, size - resized.cols(), Core.BORDER_CONSTANT, new Scalar(0, 0, 0));
        resized.release();
        float[] chw = Tensors.bgrToChw(padded, false, 0f, 1f);
        padded.release();
        List<Face> candidates = new ArrayList<>();
        try (OnnxTensor tensor = OnnxTensor.createTensor(Onnx.environment(), FloatBuffer.wrap(chw), new long[] {1, 3, size, size});
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            for (int stride : STRIDES) {
                decode(result, stride, size / stride, (float) scale, candidates);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("YuNet failed: " + e.getMessage(), e);
        }
        return nms(candidates, settings.nmsThreshold());
    }

    /** As OpenCV's FaceDetectorYN: per grid cell, offsets in units of the stride and log-scaled sizes. */
    private void decode(OrtSession.Result result, int stride, int cols, float scale, List<Face> out) throws OrtException {
        FloatBuffer cls = output(result, "cls_" + stride);
        FloatBuffer obj = output(result, "obj_" + stride);
        FloatBuffer bbox = output(result, "bbox_" + stride);
        FloatBuffer kps = output(result, "kps_" + stride);
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
                landmarks[2 * k] = (col + kps.get(10 * i + 2 * k)) * stride / scale;
                landmarks[2 * k + 1] = (row + kps.get(10 * i + 2 * k + 1)) * stride / scale;
            }
            out.add(new Face((cx - w / 2) / scale, (cy - h / 2) / scale, w / scale, h / scale, landmarks, score));
        }
    }

    private static FloatBuffer output(OrtSession.Result result, String name) {
        return ((OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("YuNet output " + name + " missing")))
                .getFloatBuffer();
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    static List<Face> nms(List<Face> faces, float iouThreshold) {
        List<Face> sorted = new ArrayList<>(faces);
        sorted.sort(Comparator.comparingDouble(Face::score).reversed());
        List<Face> kept = new ArrayList<>();
        for (Face face : sorted) {
            if (kept.stream().noneMatch(k -> iou(k, face) > iouThreshold)) {
                kept.add(face);
            }
        }
        return kept;
    }

    static float iou(Face a, Face b) {
        float x1 = Math.max(a.x(), b.x());
        float y1 = Math.max(a.y(), b.y());
        float x2 = Math.min(a.x() + a.width(), b.x() + b.width());
        float y2 = Math.min(a.y() + a.height(), b.y() + b.height());
        float inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        return inter / (a.width() * a.height() + b.width() * b.height() - inter);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
