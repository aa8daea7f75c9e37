package io.facestream.models.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * TensorFlow.js weights: a weights manifest (JSON) and the binary shard files it names. Within a
 * group, the shards are one byte stream and the tensors lie in it back to back in manifest order,
 * each either plain float32 or quantized (uint8 or uint16 with a per-tensor {@code scale} and
 * {@code min}: value = q × scale + min, as tfjs computes it, in double rounded to float).
 */
public final class TfjsWeights {

    /** One tensor, dequantized, row-major in TensorFlow's layout (conv filters are [kh, kw, in, out]). */
    public record Tensor(String name, int[] shape, float[] values) {
        public int size() {
            return values.length;
        }
    }

    private final Map<String, Tensor> tensors;

    private TfjsWeights(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** @param shards the binary files by the path the manifest gives (relative to the manifest's folder) */
    public static TfjsWeights read(byte[] manifestJson, Function<String, byte[]> shards) {
        JsonNode groups;
        try {
            groups = new ObjectMapper().readTree(manifestJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse the weights manifest", e);
        }
        if (groups == null || !groups.isArray()) {
            throw new IllegalArgumentException("a weights manifest is a JSON array of groups");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (JsonNode group : groups) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (JsonNode path : group.path("paths")) {
                byte[] shard = shards.apply(path.asText());
                if (shard == null) {
                    throw new IllegalArgumentException("weights shard " + path.asText() + " not found");
                }
                joined.writeBytes(shard);
            }
            ByteBuffer data = ByteBuffer.wrap(joined.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode weight : group.path("weights")) {
                Tensor tensor = readTensor(weight, data);
                if (tensors.put(tensor.name(), tensor) != null) {
                    throw new IllegalArgumentException("tensor " + tensor.name() + " appears twice in the manifest");
                }
            }
            if (data.hasRemaining()) {
                throw new IllegalArgumentException(data.remaining() + " bytes left over after the last tensor of a group");
            }
        }
        return new TfjsWeights(tensors);
    }

    private static Tensor readTensor(JsonNode weight, ByteBuffer data) {
        String name = weight.path("name").asText();
        String dtype = weight.path("dtype").asText();
        if (!dtype.equals("float32")) {
            throw new IllegalArgumentException(name + ": dtype " + dtype + " is not supported (only float32)");
        }
        int[] shape = new int[weight.path("shape").size()];
        int size = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = weight.path("shape").get(i).asInt();
            size = Math.multiplyExact(size, shape[i]);
        }
        JsonNode quantization = weight.get("quantization");
        String stored = quantization == null ? "float32" : quantization.path("dtype").asText();
        int bytesPerValue = switch (stored) {
            case "float32" -> 4;
            case "uint8" -> 1;
            case "uint16" -> 2;
            default -> throw new IllegalArgumentException(name + ": quantization " + stored + " is not supported (uint8, uint16)");
        };
        if (data.remaining() < (long) size * bytesPerValue) {
            throw new IllegalArgumentException(name + ": needs " + size * bytesPerValue + " bytes, the shards have " + data.remaining() + " left");
        }
        float[] values = new float[size];
        if (quantization == null) {
            data.asFloatBuffer().get(values);
            data.position(data.position() + 4 * size);
        } else {
            double scale = quantization.path("scale").asDouble();
            double min = quantization.path("min").asDouble();
            for (int i = 0; i < size; i++) {
                int q = bytesPerValue == 1 ? Byte.toUnsignedInt(data.get()) : Short.toUnsignedInt(data.getShort());
                values[i] = dequantize(q, scale, min);
            }
        }
        return new Tensor(name, shape, values);
    }

    /** What tfjs does: {@code q * scale + min} in double, stored in a Float32Array. */
    static float dequantize(int q, double scale, double min) {
        return (float) (q * scale + min);
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor get(String name) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new NoSuchElementException("no tensor " + name + " in the weights");
        }
        return tensor;
    }

    /** Throws unless {@code name} has exactly this shape. */
    public Tensor get(String name, int... shape) {
        Tensor tensor = get(name);
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(shape));
        }
        return tensor;
    }
}
