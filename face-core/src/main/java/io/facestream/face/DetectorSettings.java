package io.facestream.face;

/**
 * How a detector is run. Each detector scores on its own scale, so each has its own measured defaults, kept with the
 * detector: {@link Detector#defaultSettings()}.
 *
 * @param scoreThreshold lowest score kept
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

    public DetectorSettings withScoreThreshold(float threshold) {
        return new DetectorSettings(threshold, nmsThreshold, inputSize);
    }

    public DetectorSettings withInputSize(int size) {
        return new DetectorSettings(scoreThreshold, nmsThreshold, size);
    }
}
