package io.facestream.face;

import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * Frames made from the committed {@link TestPhotos}. Apart from TestPhotos because modules that take only the photos
 * (the camera's tests) do not have face-core's classes on their test classpath.
 */
public final class TestFrames {

    private TestFrames() {
    }

    /** Committed photos side by side, each scaled to {@code height} px: a frame with several faces that a fresh clone has. */
    public static Mat sideBySide(int height, String... names) {
        List<Mat> scaled = new ArrayList<>();
        for (String name : names) {
            Mat photo;
            try {
                photo = Images.decode(TestPhotos.bytes(name));
            } catch (ImageDecodeException e) {
                throw new IllegalStateException("committed photo " + name + " does not decode", e);
            }
            scaled.add(Images.resize(photo, (double) height / photo.rows()));
            photo.release();
        }
        Mat frame = new Mat();
        Core.hconcat(scaled, frame);
        scaled.forEach(Mat::release);
        return frame;
    }
}
