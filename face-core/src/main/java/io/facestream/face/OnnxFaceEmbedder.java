package io.facestream.face;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facestream.models.ModelStore;

/**
 * A recognizer run through ONNX Runtime on a face aligned to its template. Thread-safe: buffers
 * are allocated per call and an ORT session may be run from several threads at once.
 */
public final class OnnxFaceEmbedder implements FaceEmbedder {

    private final Recognizer recognizer;
    private final OrtSession session;
    private final boolean flip;
    /** The model takes and gives a batch dimension of any size (dlib's ResNet does; the int8 ArcFace export gives [1, 512]). */
    private final boolean batches;

    /** @param flip also embed the mirrored face and average both (test-time augmentation): steadier vectors for twice the time */
    public OnnxFaceEmbedder(Recognizer recognizer, OrtSession session, boolean flip) {
        this.recognizer = recognizer;
        this.session = session;
        this.flip = flip;
        checkModel();
        this.batches = batchDimension(session);
    }

    private static boolean batchDimension(OrtSession session) {
        try {
            long[] in = ((TensorInfo) session.getInputInfo().values().iterator().next().getInfo()).getShape();
            long[] out = ((TensorInfo) session.getOutputInfo().values().iterator().next().getInfo()).getShape();
            return in[0] < 0 && out[0] < 0;
        } catch (OrtException e) {
            return false;
        }
    }

    public static OnnxFaceEmbedder create(Recognizer recognizer, ModelStore models) {
        return create(recognizer, models, false);
    }

    public static OnnxFaceEmbedder create(Recognizer recognizer, ModelStore models, boolean flip) {
        return Onnx.open(models.path(recognizer.modelName()), session -> new OnnxFaceEmbedder(recognizer, session, flip));
    }

    /** A file that does not match its recognizer would give plausible-looking but meaningless vectors; refuse it up front. */
    private void checkModel() {
        try {
            NodeInfo input = session.getInputInfo().get(recognizer.inputName());
            if (input == null) {
                throw new IllegalStateException(recognizer.modelName() + ": model has no input " + recognizer.inputName()
                        + " (inputs: " + session.getInputNames() + ")");
            }
            long[] in = ((TensorInfo) input.getInfo()).getShape();
            long[] out = ((TensorInfo) session.getOutputInfo().values().iterator().next().getInfo()).getShape();
            if (in[2] != recognizer.inputSize() || in[3] != recognizer.inputSize() || out[out.length - 1] != recognizer.dimension()) {
                throw new IllegalStateException(recognizer.modelName() + ": model takes " + java.util.Arrays.toString(in)
                        + " and gives " + java.util.Arrays.toString(out) + ", not what " + recognizer + " declares");
            }
        } catch (OrtException e) {
            throw new IllegalStateException(recognizer.modelName() + ": cannot read model metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public float[] embed(Mat bgr, Face face) {
        return embedAll(bgr, List.of(face)).get(0);
    }

    @Override
    public List<float[]> embedAll(Mat bgr, List<Face> faces) {
        List<Mat> aligned = new ArrayList<>(faces.size());
        try {
            for (Face face : faces) {
                aligned.add(FaceAligner.align(bgr, face.landmarks(), recognizer.template()));
            }
            return embedAligned(aligned);
        } finally {
            aligned.forEach(Mat::release);
        }
    }

    /**
     * All faces of a frame, and their mirror images with flip, through the model in one batch where it takes batches.
     * CPU measured for dlib's ResNet (150×150, one thread, alternating in one JVM): a face and its mirror image 15.6 ms as
     * two runs, 13.4 ms as one batch of 2; three faces with flip 45 ms as six runs, 34 ms as one batch of 6. Vectors are
     * the same to float rounding. The faces are left as they were (mirror images are copies).
     */
    @Override
    public List<float[]> embedAligned(List<Mat> aligned) {
        AlignmentTemplate template = recognizer.template();
        for (Mat face : aligned) {
            if (face.cols() != template.width() || face.rows() != template.height() || face.type() != org.opencv.core.CvType.CV_8UC3) {
                throw new IllegalArgumentException(recognizer.modelName() + " takes 8-bit BGR faces of " + template.width() + "×"
                        + template.height() + ", got " + face.cols() + "×" + face.rows() + " of type " + face.type());
            }
        }
        if (aligned.isEmpty()) {
            return List.of();
        }
        return batches ? runBatch(aligned) : aligned.stream().map(this::runOneByOne).toList();
    }

    /** A model without a batch dimension: the face, then its mirror image with flip, as separate runs. */
    private float[] runOneByOne(Mat aligned) {
        float[] vector = run(aligned);
        if (flip) {
            Mat mirrored = new Mat();
            try {
                org.opencv.core.Core.flip(aligned, mirrored, 1);
                float[] other = run(mirrored);
                for (int i = 0; i < vector.length; i++) {
                    vector[i] += other[i];
                }
            } finally {
                mirrored.release();
            }
        }
        return Vectors.l2normalize(vector);
    }

    private List<float[]> runBatch(List<Mat> aligned) {
        List<Mat> inputs = new ArrayList<>();
        List<Mat> mirrors = new ArrayList<>();
        try {
            for (Mat face : aligned) {
                inputs.add(face);
                if (flip) {
                    Mat mirrored = new Mat();
                    mirrors.add(mirrored);
                    org.opencv.core.Core.flip(face, mirrored, 1);
                    inputs.add(mirrored);
                }
            }
            int per = flip ? 2 : 1;
            FloatBuffer nchw = Tensors.bgrToNchw(inputs, true, new float[] {recognizer.mean(), recognizer.mean(), recognizer.mean()}, recognizer.scale());
            Mat first = inputs.get(0);
            try (OrtSession.Result result = Onnx.run(session, recognizer.inputName(), nchw, inputs.size(), 3, first.rows(), first.cols())) {
                FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
                int dim = output.remaining() / inputs.size();
                List<float[]> vectors = new ArrayList<>(aligned.size());
                for (int f = 0; f < aligned.size(); f++) {
                    float[] vector = new float[dim];
                    for (int k = 0; k < per; k++) {
                        for (int i = 0; i < dim; i++) {
                            vector[i] += output.get((f * per + k) * dim + i);
                        }
                    }
                    vectors.add(Vectors.l2normalize(vector));
                }
                return vectors;
            } catch (OrtException e) {
                throw new IllegalStateException(recognizer.modelName() + " failed: " + e.getMessage(), e);
            }
        } finally {
            mirrors.forEach(Mat::release);
        }
    }

    private float[] run(Mat aligned) {
        FloatBuffer chw = Tensors.bgrToChw(aligned, true, recognizer.mean(), recognizer.scale());
        try (OrtSession.Result result = Onnx.run(session, recognizer.inputName(), chw, 1, 3, aligned.rows(), aligned.cols())) {
            FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] vector = new float[output.remaining()];
            output.get(vector);
            return vector;
        } catch (OrtException e) {
            throw new IllegalStateException(recognizer.modelName() + " failed: " + e.getMessage(), e);
        }
    }

    /** Flip averaging changes the vectors, so it is part of the model's name: its gallery is kept apart. */
    @Override
    public String model() {
        return new EmbeddingModel(recognizer, flip).name();
    }

    @Override
    public int dimension() {
        return recognizer.dimension();
    }

    @Override
    public Recognizer recognizer() {
        return recognizer;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
