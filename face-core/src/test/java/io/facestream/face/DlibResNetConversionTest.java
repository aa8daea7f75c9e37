package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.facestream.models.ModelStore;
import io.facestream.models.convert.DlibResNetConverter;
import io.facestream.models.convert.OnnxGraph;

/**
 * The dlib ResNet converted from the npm package's TensorFlow.js weights, run in ONNX Runtime:
 * it reproduces what TensorFlow.js computes, and the ONNX writer's output is a model ORT runs.
 */
class DlibResNetConversionTest {

    @TempDir
    Path tmp;

    /** Inputs and the package's own tfjs outputs (with its /255); see the reference folder's README. */
    static Path referenceDir() {
        return Path.of(System.getProperty("facestream.reference.dir", TestData.dir().resolveSibling("models").resolve("reference/faceapi-dlib").toString()));
    }

    @Test
    void reproducesTensorFlowJsOutputs() throws Exception {
        Path tarball = ModelStore.fromEnvironment().npmTarball("dlib-resnet-128");
        Path model = Files.write(tmp.resolve("faceapi255.onnx"), DlibResNetConverter.fromFaceApiTarball(tarball, DlibResNetConverter.FACE_API_DIVISOR));
        float[] input = floats(referenceDir().resolve("rand_in.f32"));
        float[] expected = floats(referenceDir().resolve("rand_tfjs.f32"));
        int n = expected.length / 128;
        assertThat(input).hasSize(n * 3 * 150 * 150);

        float[] actual = run(model, "input", input, new long[] {n, 3, 150, 150});

        assertThat(actual).hasSize(expected.length);
        double maxError = 0;
        double maxValue = 0;
        for (int i = 0; i < expected.length; i++) {
            maxError = Math.max(maxError, Math.abs(actual[i] - expected[i]));
            maxValue = Math.max(maxValue, Math.abs(expected[i]));
        }
        System.out.printf("dlib-resnet (/255) vs TensorFlow.js: max abs error %.3g over %d values (largest |value| %.3f)%n",
                maxError, expected.length, maxValue);
        assertThat(maxError).isLessThan(1e-5);
    }

    @Test
    void productModelDividesBy256AndMovesOutputsOnlySlightly() throws Exception {
        Path model = ModelStore.fromEnvironment().path("dlib-resnet-128");
        float[] input = floats(referenceDir().resolve("rand_in.f32"));
        float[] expected = floats(referenceDir().resolve("rand_tfjs.f32"));
        float[] actual = run(model, "input", input, new long[] {expected.length / 128, 3, 150, 150});
        double maxError = 0;
        for (int i = 0; i < expected.length; i++) {
            maxError = Math.max(maxError, Math.abs(actual[i] - expected[i]));
        }
        System.out.printf("dlib-resnet-128 (/256) vs TensorFlow.js (/255): max abs difference %.3g%n", maxError);
        // Not the same preprocessing, so not the same numbers; but the README measures about 4e-4.
        assertThat(maxError).isGreaterThan(1e-5).isLessThan(5e-3);
    }

    @Test
    void conversionIsByteForByteDeterministic() throws Exception {
        Path tarball = ModelStore.fromEnvironment().npmTarball("dlib-resnet-128");
        byte[] first = DlibResNetConverter.fromFaceApiTarball(tarball, DlibResNetConverter.DLIB_DIVISOR);
        byte[] second = DlibResNetConverter.fromFaceApiTarball(tarball, DlibResNetConverter.DLIB_DIVISOR);
        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(ModelStore.fromEnvironment().path("dlib-resnet-128"))).isEqualTo(first);
    }

    /** Every operator the converter uses, in a graph small enough to check by hand. */
    @Test
    void writerProducesAModelOnnxRuntimeRuns() throws Exception {
        OnnxGraph graph = new OnnxGraph("tiny");
        graph.input("x", "N", 1, 4, 4);
        String mean = graph.initializer("mean", new long[] {1, 1, 1, 1}, new float[] {1f});
        String half = graph.initializer("half", new long[] {1}, new float[] {0.5f});
        String y = graph.node("Mul", List.of(graph.node("Sub", List.of("x", mean), "centered"), half), "scaled");
        // 2x2 conv of ones, stride 2, plus bias 1: each output is the sum of a 2x2 block, plus 1.
        String w = graph.initializer("w", new long[] {1, 1, 2, 2}, new float[] {1, 1, 1, 1});
        String b = graph.initializer("b", new long[] {1}, new float[] {1});
        String conv = graph.node("Conv", List.of(y, w, b), "conv", OnnxGraph.ints("kernel_shape", 2, 2), OnnxGraph.ints("strides", 2, 2),
                OnnxGraph.ints("pads", 0, 0, 0, 0));
        String relu = graph.node("Relu", List.of(conv), "relu");
        String pooled = graph.node("AveragePool", List.of(y), "pooled", OnnxGraph.ints("kernel_shape", 2, 2), OnnxGraph.ints("strides", 2, 2));
        String channels = graph.initializer("pad_c", new long[] {8}, new long[] {0, 0, 0, 0, 0, 1, 0, 0});
        String padded = graph.node("Pad", List.of(pooled, channels), "padded");
        String reluPadded = graph.node("Pad", List.of(relu, channels), "relu_padded");
        String sum = graph.node("Add", List.of(padded, reluPadded), "sum");
        String max = graph.node("MaxPool", List.of(sum), "max", OnnxGraph.ints("kernel_shape", 2, 2), OnnxGraph.ints("strides", 1, 1));
        String mean2 = graph.node("GlobalAveragePool", List.of(sum), "gap");
        String flat = graph.node("Flatten", List.of(mean2), "flat", OnnxGraph.integer("axis", 1));
        String fc = graph.initializer("fc", new long[] {2, 3}, new float[] {1, 0, 1, 0, 1, 1});
        graph.node("MatMul", List.of(flat, fc), "out");
        graph.output("out", "N", 3);
        graph.output(max, "N", 2, 1, 1);
        Path model = Files.write(tmp.resolve("tiny.onnx"), graph.toModel("test", "1", null));

        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
        }
        float[] out = run(model, "x", x, new long[] {1, 1, 4, 4});
        // y = (x - 1) / 2. Channel 0: avg-pooled y + (sum of y over the block + 1) = 5·mean + 1 per block;
        // block means of x are 2.5, 4.5, 10.5, 12.5, so y means .75, 1.75, 4.75, 5.75 and channel 0 averages 5 × 3.25 + 1.
        // Channel 1 is the zeros both Pads appended. out = [c0, c1, c0 + c1].
        assertThat(out).containsExactly(new float[] {17.25f, 0f, 17.25f}, within(1e-5f));
    }

    static float[] run(Path model, String input, float[] values, long[] shape) throws Exception {
        try (OrtSession session = Onnx.session(model);
             OnnxTensor tensor = OnnxTensor.createTensor(Onnx.environment(), FloatBuffer.wrap(values), shape);
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] array = new float[out.remaining()];
            out.get(array);
            return array;
        }
    }

    static float[] floats(Path file) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
