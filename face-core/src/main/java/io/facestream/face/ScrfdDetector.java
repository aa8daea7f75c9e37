package io.facestream.face;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facestream.models.ModelStore;

/**
 * SCRFD with keypoints (insightface, e.g. {@code det_500m.onnx} of buffalo_sc, {@code scrfd_2.5g_bnkps.onnx}) through
 * ONNX Runtime, decoded as insightface's {@code scrfd.py} does: RGB input (x − 127.5) / 128, and per stride 8, 16 and
 * 32 a score, four distances to the box sides and five point offsets for each of two anchors per grid cell, all in
 * units of the stride from the cell's top-left corner. Images are letterboxed into a square input, padded with black
 * as insightface does. Thread-safe: buffers are allocated per call and an ORT session may be run from several threads
 * at once.
 *
 * <p>The exports name their outputs by graph node number ({@code 443}, {@code 446}, …), so outputs are told apart by
 * shape, not name: the last dimension says score (1), box (4) or keypoints (10), the number of rows says the stride.
 */
public final class ScrfdDetector implements FaceDetector {

    private static final int[] STRIDES = {8, 16, 32};
    private static final int ANCHORS = 2;
    private static final String INPUT = "input.1";
    private static final float MEAN = 127.5f;
    private static final float SCALE = 1 / 128f;

    private final OrtSession session;
    private final String name;
    private final DetectorSettings settings;

    public ScrfdDetector(OrtSession session, String name, DetectorSettings settings) {
        this.session = session;
        this.name = name;
        this.settings = settings;
        checkModel();
    }

    /** @param modelName manifest name of an SCRFD model with keypoints, e.g. {@code scrfd-500m} or {@code scrfd-2.5g} */
    public static ScrfdDetector create(String modelName, ModelStore models, DetectorSettings settings) {
        return Onnx.open(models.path(modelName), session -> new ScrfdDetector(session, modelName, settings));
    }

    private void checkModel() {
        Onnx.requireSquareInput(session, INPUT, settings.inputSize(), "SCRFD");
        try {
            // Without keypoints (the *_bnkps-less exports) there are 6 outputs; with them 9: 3 scores, 3 boxes, 3 keypoint sets.
            int[] perKind = new int[11];
            for (NodeInfo output : session.getOutputInfo().values()) {
                long[] dims = ((TensorInfo) output.getInfo()).getShape();
                int last = (int) dims[dims.length - 1];
                if (last == 1 || last == 4 || last == 10) {
                    perKind[last]++;
                }
            }
            if (session.getNumOutputs() != 9 || perKind[1] != 3 || perKind[4] != 3 || perKind[10] != 3) {
                throw new IllegalStateException("not an SCRFD model with keypoints: outputs " + session.getOutputInfo().values());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read SCRFD model metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    public DetectorSettings settings() {
        return settings;
    }

    @Override
    public List<Face> detect(Mat bgr) {
        int size = settings.inputSize();
        Detections.Letterbox box = Detections.Letterbox.of(bgr, size, new Scalar(0, 0, 0));
        java.nio.FloatBuffer chw = Tensors.bgrToChw(box.image(), true, MEAN, SCALE);
        box.image().release();
        List<Face> candidates = new ArrayList<>();
        try (OrtSession.Result result = Onnx.run(session, INPUT, chw, 1, 3, size, size)) {
            FloatBuffer[][] heads = heads(result, size);
            for (int s = 0; s < STRIDES.length; s++) {
                decode(heads[s][0], heads[s][1], heads[s][2], STRIDES[s], size / STRIDES[s], box, candidates);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
        }
        return Detections.select(candidates, settings.nmsThreshold());
    }

    /** [stride index][score, box, keypoints], told apart by the shape of each output. */
    private FloatBuffer[][] heads(OrtSession.Result result, int size) throws OrtException {
        FloatBuffer[][] heads = new FloatBuffer[STRIDES.length][3];
        for (Map.Entry<String, OnnxValue> entry : result) {
            OnnxTensor tensor = (OnnxTensor) entry.getValue();
            long[] dims = tensor.getInfo().getShape();
            int last = (int) dims[dims.length - 1];
            long rows = tensor.getInfo().getNumElements() / last;
            int kind = switch (last) {
                case 1 -> 0;
                case 4 -> 1;
                case 10 -> 2;
                default -> throw new IllegalStateException(name + " output " + entry.getKey() + " has shape " + Arrays.toString(dims));
            };
            int stride = -1;
            for (int s = 0; s < STRIDES.length; s++) {
                long cells = (long) (size / STRIDES[s]) * (size / STRIDES[s]);
                if (rows == ANCHORS * cells) {
                    stride = s;
                    break;
                }
            }
            if (stride < 0 || heads[stride][kind] != null) {
                throw new IllegalStateException(name + " output " + entry.getKey() + " has " + rows + " rows, which fit no (free) stride at input " + size);
            }
            heads[stride][kind] = tensor.getFloatBuffer();
        }
        for (int s = 0; s < STRIDES.length; s++) {
            for (FloatBuffer head : heads[s]) {
                if (head == null) {
                    throw new IllegalStateException(name + " gave no complete output set for stride " + STRIDES[s]);
                }
            }
        }
        return heads;
    }

    /**
     * Rows are grid cells in row-major order, each repeated once per anchor; the anchor centre is the cell's top-left
     * corner. Box: distances left, top, right, bottom; keypoints: offsets; both in units of the stride.
     */
    private void decode(FloatBuffer scores, FloatBuffer bbox, FloatBuffer kps, int stride, int cols, Detections.Letterbox box, List<Face> out) {
        int rows = scores.remaining();
        for (int i = 0; i < rows; i++) {
            float score = scores.get(i);
            if (score < settings.scoreThreshold()) {
                continue;
            }
            int cell = i / ANCHORS;
            float cx = (cell % cols) * stride;
            float cy = (cell / cols) * stride;
            float x1 = cx - bbox.get(4 * i) * stride;
            float y1 = cy - bbox.get(4 * i + 1) * stride;
            float x2 = cx + bbox.get(4 * i + 2) * stride;
            float y2 = cy + bbox.get(4 * i + 3) * stride;
            float[] landmarks = new float[10];
            for (int k = 0; k < 5; k++) {
                landmarks[2 * k] = cx + kps.get(10 * i + 2 * k) * stride;
                landmarks[2 * k + 1] = cy + kps.get(10 * i + 2 * k + 1) * stride;
            }
            out.add(box.toImage(x1, y1, x2, y2, landmarks, score));
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
