package io.facestream.face;

import org.opencv.core.Mat;

/** OpenCV images to the planar float tensors the models take. */
final class Tensors {

    private Tensors() {
    }

    /** 8-bit BGR (HWC) to CHW floats, (v - mean) * scale, optionally swapping to RGB. */
    static float[] bgrToChw(Mat bgr, boolean toRgb, float mean, float scale) {
        return bgrToChw(bgr, toRgb, new float[] {mean, mean, mean}, scale);
    }

    /** 8-bit BGR (HWC) to CHW floats, (v - mean of its channel) * scale, optionally swapping to RGB; means in B, G, R order. */
    static float[] bgrToChw(Mat bgr, boolean toRgb, float[] meanBgr, float scale) {
        int h = bgr.rows();
        int w = bgr.cols();
        byte[] pixels = new byte[h * w * 3];
        bgr.get(0, 0, pixels);
        int plane = h * w;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            float b = ((pixels[3 * i] & 0xFF) - meanBgr[0]) * scale;
            float g = ((pixels[3 * i + 1] & 0xFF) - meanBgr[1]) * scale;
            float r = ((pixels[3 * i + 2] & 0xFF) - meanBgr[2]) * scale;
            out[i] = toRgb ? r : b;
            out[plane + i] = g;
            out[2 * plane + i] = toRgb ? b : r;
        }
        return out;
    }
}
