package io.facestream.face;

/**
 * @param scoreThreshold YuNet's lowest score on real LFW faces was 0.86, so OpenCV's default of 0.9 loses faces
 * @param inputSize      detection runs on the image shrunk to this longest side; faces need few pixels to be found
 */
public record DetectorSettings(float scoreThreshold, float nmsThreshold, int inputSize) {

    public static DetectorSettings defaults() {
        return new DetectorSettings(0.6f, 0.3f, 640);
    }

    public DetectorSettings withScoreThreshold(float threshold) {
        return new DetectorSettings(threshold, nmsThreshold, inputSize);
    }
}
