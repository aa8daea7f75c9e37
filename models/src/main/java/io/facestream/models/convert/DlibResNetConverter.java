package io.facestream.models.convert;

import static io.facestream.models.convert.OnnxGraph.integer;
import static io.facestream.models.convert.OnnxGraph.ints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * dlib's ResNet face-recognition network ({@code dlib_face_recognition_resnet_model_v1}, public
 * domain) from the TensorFlow.js weights {@code @vladmandic/face-api} ships as
 * {@code model/face_recognition_model}, written as an ONNX model: input {@code input}
 * [N,3,150,150] RGB 0..255, output {@code embedding} [N,128] (not normalised).
 *
 * <p>The network, as face-api.js's {@code FaceRecognitionNet} runs it (NHWC there, NCHW here):
 * <ol>
 * <li>(x − mean RGB) / divisor — dlib divides by 256, face-api.js by 255;
 * <li>{@code conv32_down}: 7×7 stride-2 conv, no padding, ReLU; 3×3 stride-2 max-pool, no padding;
 * <li>residual blocks {@code conv32_1..3}; {@code conv64_down}, {@code conv64_1..3};
 * {@code conv128_down}, {@code conv128_1..2}; {@code conv256_down}, {@code conv256_1..2},
 * {@code conv256_down_out} (so the first width-32 block is a plain one, and width 256 has two
 * down blocks);
 * <li>a plain block: 3×3 conv ('same') + ReLU, 3×3 conv ('same'), add the input, ReLU;
 * <li>a down block: 3×3 stride-2 conv without padding + ReLU, 3×3 conv ('same'); the input
 * 2×2-average-pooled (stride 2, no padding) with zero channels appended up to the new width;
 * where the conv path comes out one pixel short, a zero row and column appended to it; add, ReLU;
 * <li>spatial mean, then a 256×128 matrix.
 * </ol>
 * Each conv's bias and the per-channel scale layer after it ((conv + b)·s + β) are folded into
 * the conv: weights·s, bias b·s + β.
 */
public final class DlibResNetConverter {

    public static final String MODEL_DIR = "package/model/";
    public static final String WEIGHTS_MANIFEST = MODEL_DIR + "face_recognition_model-weights_manifest.json";
    public static final int INPUT_SIZE = 150;
    public static final int DIMENSION = 128;
    public static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};
    /** dlib's own preprocessing. */
    public static final double DLIB_DIVISOR = 256;
    /** What the npm package's TensorFlow.js code divides by. */
    public static final double FACE_API_DIVISOR = 255;

    private final TfjsWeights weights;
    private final OnnxGraph graph = new OnnxGraph("dlib_resnet_128");
    private final Set<String> used = new HashSet<>();
    private String x;
    private int channels;
    private int size;

    private DlibResNetConverter(TfjsWeights weights) {
        this.weights = weights;
    }

    /** Reads the weights out of the package tarball and converts them. */
    public static byte[] fromFaceApiTarball(Path tarball, double divisor) {
        byte[] manifest = NpmPackage.extract(tarball, Set.of(WEIGHTS_MANIFEST)).get(WEIGHTS_MANIFEST);
        if (manifest == null) {
            throw new IllegalArgumentException(tarball + " has no " + WEIGHTS_MANIFEST);
        }
        Set<String> shards = new LinkedHashSet<>();
        try {
            for (JsonNode group : new ObjectMapper().readTree(manifest)) {
                group.path("paths").forEach(p -> shards.add(MODEL_DIR + p.asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + WEIGHTS_MANIFEST, e);
        }
        Map<String, byte[]> files = NpmPackage.extract(tarball, shards);
        return convert(TfjsWeights.read(manifest, path -> files.get(MODEL_DIR + path)), divisor);
    }

    /** The ONNX model's bytes; the same weights and divisor always give the same bytes. */
    public static byte[] convert(TfjsWeights weights, double divisor) {
        return new DlibResNetConverter(weights).build(divisor);
    }

    private byte[] build(double divisor) {
        graph.input("input", "N", 3, INPUT_SIZE, INPUT_SIZE);
        String mean = graph.initializer("mean_rgb", new long[] {1, 3, 1, 1}, MEAN_RGB.clone());
        String scale = graph.initializer("input_scale", new long[] {1}, new float[] {(float) (1 / divisor)});
        x = graph.node("Mul", List.of(graph.node("Sub", List.of("input", mean), "centered"), scale), "normalized");
        channels = 3;
        size = INPUT_SIZE;

        x = conv("conv32_down", x, 7, 2, false, true);
        x = graph.node("MaxPool", List.of(x), "pool", ints("kernel_shape", 3, 3), ints("strides", 2, 2));
        size = (size - 3) / 2 + 1;

        residual("conv32_1");
        residual("conv32_2");
        residual("conv32_3");
        residualDown("conv64_down");
        residual("conv64_1");
        residual("conv64_2");
        residual("conv64_3");
        residualDown("conv128_down");
        residual("conv128_1");
        residual("conv128_2");
        residualDown("conv256_down");
        residual("conv256_1");
        residual("conv256_2");
        residualDown("conv256_down_out");

        String pooled = graph.node("GlobalAveragePool", List.of(x), "global_mean");
        String flat = graph.node("Flatten", List.of(pooled), "features", integer("axis", 1));
        TfjsWeights.Tensor fc = use("fc", channels, DIMENSION);
        String fcWeights = graph.initializer("fc", new long[] {channels, DIMENSION}, fc.values());
        graph.node("MatMul", List.of(flat, fcWeights), "embedding");
        graph.output("embedding", "N", DIMENSION);

        Set<String> unused = new LinkedHashSet<>(weights.tensors().keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("weights the network does not use: " + unused);
        }
        return graph.toModel("facestream dlib-resnet converter", "1",
                "dlib ResNet face recognition (dlib_face_recognition_resnet_model_v1, CC0) converted from TensorFlow.js weights; "
                        + "input RGB 0..255, (x - mean) / " + divisor);
    }

    private void residual(String prefix) {
        String in = x;
        String out = conv(prefix + "/conv1", in, 3, 1, true, true);
        out = conv(prefix + "/conv2", out, 3, 1, true, false);
        x = graph.node("Relu", List.of(graph.node("Add", List.of(out, in), prefix + "/sum")), prefix + "/out");
    }

    private void residualDown(String prefix) {
        String in = x;
        int inChannels = channels;
        int inSize = size;
        String out = conv(prefix + "/conv1", in, 3, 2, false, true);
        out = conv(prefix + "/conv2", out, 3, 1, true, false);
        int convSize = (inSize - 3) / 2 + 1;
        int poolSize = inSize / 2;
        if (convSize != poolSize) {
            if (poolSize - convSize != 1) {
                throw new IllegalStateException(prefix + ": conv path " + convSize + " vs pooled " + poolSize);
            }
            // tfjs concatenates a zero row, then a zero column, after the last ones.
            String pads = graph.initializer(prefix + "/pad_hw", new long[] {8}, new long[] {0, 0, 0, 0, 0, 0, 1, 1});
            out = graph.node("Pad", List.of(out, pads), prefix + "/conv_padded");
        }
        String pooled = graph.node("AveragePool", List.of(in), prefix + "/pooled", ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        if (channels != inChannels) {
            String pads = graph.initializer(prefix + "/pad_c", new long[] {8}, new long[] {0, 0, 0, 0, 0, channels - inChannels, 0, 0});
            pooled = graph.node("Pad", List.of(pooled, pads), prefix + "/pooled_padded");
        }
        size = poolSize;
        x = graph.node("Relu", List.of(graph.node("Add", List.of(pooled, out), prefix + "/sum")), prefix + "/out");
    }

    /** A conv with its scale layer folded in; 'same' padding (stride 1 only) or none. Updates channels and size. */
    private String conv(String prefix, String in, int kernel, int stride, boolean same, boolean relu) {
        TfjsWeights.Tensor filters = use(prefix + "/conv/filters", kernel, kernel, channels, weights.get(prefix + "/conv/filters").shape()[3]);
        int outChannels = filters.shape()[3];
        float[] bias = use(prefix + "/conv/bias", outChannels).values();
        float[] scale = use(prefix + "/scale/weights", outChannels).values();
        float[] shift = use(prefix + "/scale/biases", outChannels).values();

        // [kh, kw, in, out] to [out, in, kh, kw], times the scale of the output channel.
        float[] folded = new float[filters.size()];
        float[] tf = filters.values();
        for (int ky = 0; ky < kernel; ky++) {
            for (int kx = 0; kx < kernel; kx++) {
                for (int c = 0; c < channels; c++) {
                    for (int o = 0; o < outChannels; o++) {
                        folded[((o * channels + c) * kernel + ky) * kernel + kx] = tf[((ky * kernel + kx) * channels + c) * outChannels + o] * scale[o];
                    }
                }
            }
        }
        float[] foldedBias = new float[outChannels];
        for (int o = 0; o < outChannels; o++) {
            foldedBias[o] = bias[o] * scale[o] + shift[o];
        }
        String w = graph.initializer(prefix + "/weights", new long[] {outChannels, channels, kernel, kernel}, folded);
        String b = graph.initializer(prefix + "/bias", new long[] {outChannels}, foldedBias);
        int pad = same ? kernel / 2 : 0;
        if (same && stride != 1) {
            throw new IllegalArgumentException("'same' padding is only symmetric at stride 1");
        }
        String out = graph.node("Conv", List.of(in, w, b), prefix, ints("kernel_shape", kernel, kernel), ints("strides", stride, stride),
                ints("pads", pad, pad, pad, pad));
        channels = outChannels;
        size = (size + 2 * pad - kernel) / stride + 1;
        return relu ? graph.node("Relu", List.of(out), prefix + "/relu") : out;
    }

    private TfjsWeights.Tensor use(String name, int... shape) {
        used.add(name);
        return weights.get(name, shape);
    }
}
