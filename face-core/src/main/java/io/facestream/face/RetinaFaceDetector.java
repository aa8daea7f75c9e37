package io.facestream.face;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facestream.models.ModelStore;

/**
 * RetinaFace MobileNet-0.25 (biubug6/Pytorch_Retinaface, MIT) through ONNX Runtime, decoded as that project's
 * {@code detect.py}: BGR input minus the mean (104, 117, 123), SSD prior boxes (two sizes per cell at strides 8, 16
 * and 32) and offsets scaled by the variances 0.1 (centre, points) and 0.2 (log size). The export applies the softmax,
 * so column 1 of the confidences is the face probability. The export has a fixed 640×640 input, so images are
 * letterboxed into it; the padding is the mean colour, which is zero once the mean is subtracted. Thread-safe: the
 * priors are computed once and never change, buffers are allocated per call.
 */
public final class RetinaFaceDetector implements FaceDetector {

    private static final String INPUT = "input0";
    private static final String LOC = "output0";
    private static final String CONF = "output1";
    private static final String LANDMARKS = "output2";
    private static final int[] STEPS = {8, 16, 32};
    private static final int[][] MIN_SIZES = {{16, 32}, {64, 128}, {256, 512}};
    private static final float CENTRE_VARIANCE = 0.1f;
    private static final float SIZE_VARIANCE = 0.2f;
    private static final float[] MEAN_BGR = {104f, 117f, 123f};

    private final OrtSession session;
    private final DetectorSettings settings;
    /** cx, cy, w, h per prior, in input pixels. */
    private final float[] priors;

    public RetinaFaceDetector(OrtSession session, DetectorSettings settings) {
        this.session = session;
        this.settings = settings;
        this.priors = priors(settings.inputSize());
        checkModel();
    }

    public static RetinaFaceDetector create(ModelStore models, DetectorSettings settings) {
        return Onnx.open(models.path(Detector.RETINAFACE_MNET025.modelName()), session -> new RetinaFaceDetector(session, settings));
    }

    /** As biubug6's PriorBox: feature maps in row-major order, then cells in row-major order, then the min sizes. */
    static float[] priors(int size) {
        int count = 0;
        for (int k = 0; k < STEPS.length; k++) {
            int cells = (int) Math.ceil((double) size / STEPS[k]);
            count += cells * cells * MIN_SIZES[k].length;
        }
        float[] priors = new float[4 * count];
        int p = 0;
        for (int k = 0; k < STEPS.length; k++) {
            int cells = (int) Math.ceil((double) size / STEPS[k]);
            for (int row = 0; row < cells; row++) {
                for (int col = 0; col < cells; col++) {
                    for (int minSize : MIN_SIZES[k]) {
                        priors[p++] = (col + 0.5f) * STEPS[k];
                        priors[p++] = (row + 0.5f) * STEPS[k];
                        priors[p++] = minSize;
                        priors[p++] = minSize;
                    }
                }
            }
        }
        return priors;
    }

    private void checkModel() {
        Onnx.requireSquareInput(session, INPUT, settings.inputSize(), "RetinaFace");
        try {
            int count = priors.length / 4;
            long[][] expected = {{count, 4}, {count, 2}, {count, 10}};
            String[] names = {LOC, CONF, LANDMARKS};
            for (int i = 0; i < names.length; i++) {
                if (!session.getOutputInfo().containsKey(names[i])) {
                    throw new IllegalStateException("not a RetinaFace model: no output " + names[i] + " in " + session.getOutputNames());
                }
                long[] dims = ((TensorInfo) session.getOutputInfo().get(names[i]).getInfo()).getShape();
                long rows = dims[dims.length - 2];
                if (dims[dims.length - 1] != expected[i][1] || (rows > 0 && rows != count)) {
                    throw new IllegalStateException("RetinaFace output " + names[i] + " has shape " + Arrays.toString(dims)
                            + ", expected " + count + " priors × " + expected[i][1]);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read RetinaFace model metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return Detector.RETINAFACE_MNET025.modelName();
    }

    public DetectorSettings settings() {
        return settings;
    }

    @Override
    public List<Face> detect(Mat bgr) {
        int size = settings.inputSize();
        Detections.Letterbox box = Detections.Letterbox.of(bgr, size, new Scalar(MEAN_BGR[0], MEAN_BGR[1], MEAN_BGR[2]));
        java.nio.FloatBuffer chw = Tensors.bgrToChw(box.image(), false, MEAN_BGR, 1f);
        box.image().release();
        List<Face> candidates = new ArrayList<>();
        try (OrtSession.Result result = Onnx.run(session, INPUT, chw, 1, 3, size, size)) {
            decode(Onnx.output(result, LOC), Onnx.output(result, CONF), Onnx.output(result, LANDMARKS), box, candidates);
        } catch (OrtException e) {
            throw new IllegalStateException("RetinaFace failed: " + e.getMessage(), e);
        }
        return Detections.select(candidates, settings.nmsThreshold());
    }

    private void decode(FloatBuffer loc, FloatBuffer conf, FloatBuffer landmarks, Detections.Letterbox box, List<Face> out) {
        int count = priors.length / 4;
        for (int i = 0; i < count; i++) {
            float score = conf.get(2 * i + 1);
            if (score < settings.scoreThreshold()) {
                continue;
            }
            float px = priors[4 * i], py = priors[4 * i + 1], pw = priors[4 * i + 2], ph = priors[4 * i + 3];
            float cx = px + loc.get(4 * i) * CENTRE_VARIANCE * pw;
            float cy = py + loc.get(4 * i + 1) * CENTRE_VARIANCE * ph;
            float w = pw * (float) Math.exp(loc.get(4 * i + 2) * SIZE_VARIANCE);
            float h = ph * (float) Math.exp(loc.get(4 * i + 3) * SIZE_VARIANCE);
            float[] points = new float[10];
            for (int k = 0; k < 5; k++) {
                points[2 * k] = px + landmarks.get(10 * i + 2 * k) * CENTRE_VARIANCE * pw;
                points[2 * k + 1] = py + landmarks.get(10 * i + 2 * k + 1) * CENTRE_VARIANCE * ph;
            }
            out.add(box.toImage(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, points, score));
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
