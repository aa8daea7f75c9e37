package io.facestream.face;

/**
 * How a detector is run. Each detector scores on its own scale, so each has its own measured defaults: {@link #yunet()},
 * {@link #scrfd()}, {@link #retinaFace()} (also through {@code FaceDetectors.defaultSettings(name)}).
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

    /** YuNet's settings, which the services use unless told otherwise. */
    public static DetectorSettings defaults() {
        return yunet();
    }

    /**
     * Score 0.8: YuNet scored every one of the 1,549 real LFW faces 0.85 or more (OpenCV's usual 0.9 would lose some),
     * but scored two patches of a landscape painting behind refs/biden/biden2.jpg 0.63 and 0.70, which a lower
     * threshold would report as faces.
     */
    public static DetectorSettings yunet() {
        return new DetectorSettings(0.8f, 0.3f, 640);
    }

    /**
     * Both SCRFD models (500M, 2.5G). Score 0.5, insightface's own default: SCRFD scores real faces lower than the
     * others (LFW median 0.82 for 500M, 0.83 for 2.5G; never above 0.92), and 3 of the 1,549 LFW faces score under 0.5
     * (500M: 0.28, 0.46, 0.49; 2.5G: 0.25, 0.32, 0.49), while of the extra boxes it reports around LFW faces, those from
     * 0.5 to 0.8 are almost all real background faces, but about half of those between 0.3 and 0.5 are hands,
     * shoulders or trophies, and most under 0.3 are not faces (biden2.jpg's painting 0.24; crowd-free group photos
     * 0.21–0.22). NMS 0.4 as insightface.
     */
    public static DetectorSettings scrfd() {
        return new DetectorSettings(0.5f, 0.4f, 640);
    }

    /**
     * RetinaFace MobileNet-0.25. Score 0.9: its softmax scores every LFW face 0.992 or more (median 1.000), but it also
     * reports many small boxes on necks, hands and textures at 0.5–0.9 around those faces (biubug6's demo shows 0.6 and
     * up); at 0.9 the group photos give their labelled counts and the baseball crowd 21 faces. NMS 0.4 as biubug6.
     */
    public static DetectorSettings retinaFace() {
        return new DetectorSettings(0.9f, 0.4f, 640);
    }

    public DetectorSettings withScoreThreshold(float threshold) {
        return new DetectorSettings(threshold, nmsThreshold, inputSize);
    }

    public DetectorSettings withInputSize(int size) {
        return new DetectorSettings(scoreThreshold, nmsThreshold, size);
    }
}
