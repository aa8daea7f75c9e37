package io.facestream.replay;

import org.opencv.core.Mat;
import org.opencv.core.Rect;

import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;
import io.facestream.schemas.Box;

/**
 * Cuts faces out of one frame's JPEG, decoding it only when a crop is asked for (most faces are not their track's best
 * so far) and once per frame. A crop is the box grown by half its size on each side: a reader recognises someone by
 * hair and chin too, and a crop enrolled from a cluster (POST /api/people/from-faces) must be found again by the
 * detector, which needs that margin (docs/clustering.md). At most 320 px on its longest side, so the face (half the
 * crop) keeps the 20 px between the eyes enrolment needs; JPEG quality 85, about 10 KB.
 */
final class FaceCrops implements TimelineBuilder.Crops, AutoCloseable {

    static final int MAX_SIDE = 320;

    private final byte[] image;
    private Mat decoded;
    private boolean failed;

    FaceCrops(byte[] image) {
        this.image = image;
    }

    @Override
    public byte[] crop(Box box) {
        if (failed || image == null) {
            return null;
        }
        if (decoded == null) {
            try {
                decoded = Images.decode(image);
            } catch (ImageDecodeException e) {
                failed = true;
                return null;
            }
        }
        double margin = 0.5;
        int x = (int) Math.floor(Math.max(0, box.getX() - box.getWidth() * margin));
        int y = (int) Math.floor(Math.max(0, box.getY() - box.getHeight() * margin));
        int x2 = (int) Math.ceil(Math.min(decoded.cols(), box.getX() + box.getWidth() * (1 + margin)));
        int y2 = (int) Math.ceil(Math.min(decoded.rows(), box.getY() + box.getHeight() * (1 + margin)));
        if (x2 - x < 2 || y2 - y < 2) {
            return null;
        }
        Mat region = decoded.submat(new Rect(x, y, x2 - x, y2 - y));
        double scale = Images.fitScale(region, MAX_SIDE);
        Mat small = scale < 1 ? Images.resize(region, scale) : region;
        try {
            return Images.encodeJpeg(small, 85);
        } finally {
            if (small != region) {
                small.release();
            }
            region.release();
        }
    }

    @Override
    public void close() {
        if (decoded != null) {
            decoded.release();
        }
    }
}
