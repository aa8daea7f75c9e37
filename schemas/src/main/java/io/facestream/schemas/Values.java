package io.facestream.schemas;

import java.nio.ByteBuffer;
import java.util.List;

/** Conversions between Avro's field types and what the face code works with. */
public final class Values {

    private Values() {
    }

    /** The bytes of an Avro bytes field, without disturbing the buffer's position. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    public static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    public static List<Float> floatList(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return List.of(boxed);
    }
}
