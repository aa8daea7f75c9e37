package io.facestream.face;

/**
 * @param scoreThreshold lowest score kept. Default 0.8: YuNet scored every one of the 1,549 real LFW faces 0.85 or
 *                       more (OpenCV's usual 0.9 would lose some), but scored two patches of a landscape painting
 *                       behind refs/biden/biden2.jpg 0.63 and 0.70, which a lower threshold would report as faces
 * @param nmsThreshold   overlap (IoU) above which the lower-scoring of two boxes is dropped
 * @param inputSize      side of the square network input the image is letterboxed into (640 for the fixed-size model)
 */
public record DetectorSettings(float scoreThreshold, float nmsThreshold, int inputSize) {

    public DetectorSettings {
        if (scoreThreshold < 0 || scoreThreshold > 1 || nmsThreshold <= 0 || nmsThreshold > 1) {
            throw new IllegalArgumentException("thresholds must lie in [0, 1]: score " + scoreThreshold + ", nms " + nmsThreshold);
        }
        if (inputSize < 32 || inputSize % 32 != 0) {
            throw new IllegalArgumentException("inputSize must be a positive multiple of 32 (the largest stride), got " + inputSize);
        }
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(0.8f, 0.3f, 640);
    }

    public DetectorSettings withScoreThreshold(float threshold) {
        return new DetectorSettings(threshold, nmsThreshold, inputSize);
    }
}
