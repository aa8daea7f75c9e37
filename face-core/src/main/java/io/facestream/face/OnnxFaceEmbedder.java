package io.facestream.face;

import java.nio.FloatBuffer;
import java.util.Map;

import org.opencv.core.Mat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.facestream.models.ModelStore;

/** A recognizer run through ONNX Runtime on a face aligned to its template. */
public final class OnnxFaceEmbedder implements FaceEmbedder {

    private final Recognizer recognizer;
    private final OrtSession session;
    private final String input;

    private OnnxFaceEmbedder(Recognizer recognizer, OrtSession session) {
        this.recognizer = recognizer;
        this.session = session;
        this.input = session.getInputNames().iterator().next();
    }

    public static OnnxFaceEmbedder create(Recognizer recognizer, ModelStore models) {
        return new OnnxFaceEmbedder(recognizer, Onnx.session(models.path(recognizer.modelName())));
    }

    @Override
    public float[] embed(Mat bgr, Face face) {
        AlignmentTemplate template = recognizer.template();
        Mat aligned = FaceAligner.align(bgr, face.landmarks(), template);
        float[] chw = Tensors.bgrToChw(aligned, true, 127.5f, 1f / 127.5f);
        aligned.release();
        try (OnnxTensor tensor = OnnxTensor.createTensor(Onnx.environment(), FloatBuffer.wrap(chw),
                new long[] {1, 3, template.height(), template.width()});
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] vector = new float[output.remaining()];
            output.get(vector);
            return Vectors.normalize(vector);
        } catch (OrtException e) {
            throw new IllegalStateException(recognizer.modelName() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String model() {
        return recognizer.modelName();
    }

    @Override
    public int dimension() {
        return recognizer.dimension();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
