package io.facestream.face;

/**
 * @param scoreThreshold 0.8: YuNet scored real LFW faces no lower than 0.86 (OpenCV's usual 0.9 would lose some), and
 *                       scored textures in a painting behind refs/biden/biden2.jpg 0.63 and 0.70
 * @param inputSize      detection runs on the image shrunk to this longest side; faces need few pixels to be found
 */
public record DetectorSettings(float scoreThreshold, float nmsThreshold, int inputSize) {

    public static DetectorSettings defaults() {
        return new DetectorSettings(0.8f, 0.3f, 640);
    }

    public DetectorSettings withScoreThreshold(float threshold) {
        return new DetectorSettings(threshold, nmsThreshold, inputSize);
    }
}
