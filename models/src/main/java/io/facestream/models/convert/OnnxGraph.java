package io.facestream.models.convert;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a small ONNX model (opset 13, float tensors) and writes it as protobuf. Only what a
 * feed-forward convolutional network needs: nodes with int, ints and float attributes, float and
 * int64 initializers, and float inputs and outputs whose dimensions are numbers or named
 * (dynamic) sizes. Nothing time- or machine-dependent goes into the file: the same graph always
 * gives the same bytes.
 *
 * <p>Field numbers are those of onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto, TypeProto, TensorShapeProto).
 */
public final class OnnxGraph {

    public static final long IR_VERSION = 8;
    public static final long OPSET = 13;

    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private final String name;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int nodeCount;

    public OnnxGraph(String name) {
        this.name = name;
    }

    /** A node attribute; build with {@link #ints}, {@link #integer} or {@link #real}. */
    public record Attribute(String name, int type, long[] ints, float real) {
    }

    public static Attribute ints(String name, long... values) {
        return new Attribute(name, ATTR_INTS, values.clone(), 0);
    }

    public static Attribute integer(String name, long value) {
        return new Attribute(name, ATTR_INT, new long[] {value}, 0);
    }

    public static Attribute real(String name, float value) {
        return new Attribute(name, ATTR_FLOAT, new long[0], value);
    }

    /** A float input; each dimension is a Number (fixed) or a String (named, dynamic). */
    public OnnxGraph input(String tensor, Object... dims) {
        inputs.add(valueInfo(tensor, dims));
        return this;
    }

    public OnnxGraph output(String tensor, Object... dims) {
        outputs.add(valueInfo(tensor, dims));
        return this;
    }

    /** A float constant, row-major in the given dimensions. */
    public String initializer(String tensor, long[] dims, float[] values) {
        checkSize(tensor, dims, values.length);
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(tensorProto(tensor, dims, FLOAT, raw.array()));
        return tensor;
    }

    public String initializer(String tensor, long[] dims, long[] values) {
        checkSize(tensor, dims, values.length);
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensorProto(tensor, dims, INT64, raw.array()));
        return tensor;
    }

    /** Adds a node with one output and returns the output's name. */
    public String node(String opType, List<String> in, String out, Attribute... attributes) {
        ProtoWriter node = new ProtoWriter();
        for (String i : in) {
            node.string(1, i);
        }
        node.string(2, out);
        node.string(3, opType + "_" + nodeCount++);
        node.string(4, opType);
        for (Attribute a : attributes) {
            ProtoWriter attribute = new ProtoWriter().string(1, a.name());
            switch (a.type()) {
                case ATTR_FLOAT -> attribute.float32(2, a.real());
                case ATTR_INT -> attribute.int64(3, a.ints()[0]);
                case ATTR_INTS -> {
                    for (long v : a.ints()) {
                        attribute.int64(8, v);
                    }
                }
                default -> throw new IllegalArgumentException("attribute type " + a.type());
            }
            attribute.int64(20, a.type());
            node.message(5, attribute);
        }
        nodes.add(node);
        return out;
    }

    /** The serialized ModelProto. */
    public byte[] toModel(String producer, String producerVersion, String docString) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        if (docString != null) {
            graph.string(10, docString);
        }
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        return new ProtoWriter()
                .int64(1, IR_VERSION)
                .string(2, producer)
                .string(3, producerVersion)
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").int64(2, OPSET))
                .toByteArray();
    }

    private static ProtoWriter tensorProto(String tensor, long[] dims, int dataType, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.int64(1, d);
        }
        return t.int64(2, dataType).string(8, tensor).bytes(9, raw);
    }

    private static ProtoWriter valueInfo(String tensor, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof Number n) {
                dim.int64(1, n.longValue());
            } else {
                dim.string(2, d.toString());
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, tensor).message(2, new ProtoWriter().message(1, tensorType));
    }

    private static void checkSize(String tensor, long[] dims, int length) {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        if (size != length) {
            throw new IllegalArgumentException(tensor + ": " + length + " values for dimensions " + java.util.Arrays.toString(dims));
        }
    }
}
