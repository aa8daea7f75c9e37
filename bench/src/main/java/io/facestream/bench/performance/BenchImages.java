package io.facestream.bench.performance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.CvType;

import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;

/**
 * The bench's frames, 640×480 JPEGs (quality 90) made from the labelled photos in ../shared/data: one face (a press photo
 * scaled to VGA) and three faces (three reference photos side by side). Made the same way each run, so runs compare.
 */
record BenchImages(byte[] oneFace, byte[] threeFaces, Path clip, Path enrolPhoto) {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;

    static BenchImages from(Path data) throws IOException, ImageDecodeException {
        Images.load();
        byte[] one = vga(List.of(data.resolve("deepface/images/img2.jpg")));
        byte[] three = vga(List.of(data.resolve("refs/obama/obama.jpg"), data.resolve("refs/biden/biden2.jpg"),
                data.resolve("refs/rose_leslie/img2.jpg")));
        Path clip = data.resolve("video/short_hamilton_clip_part1_0-5s.mp4");
        Path enrol = data.resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png");
        for (Path p : List.of(clip, enrol)) {
            if (!Files.isReadable(p)) {
                throw new IOException("missing " + p + " (the shared data set, see ../shared/data/README.md)");
            }
        }
        return new BenchImages(one, three, clip, enrol);
    }

    /** The photos side by side, each scaled to fit its share of a black 640×480 canvas and centred in it. */
    private static byte[] vga(List<Path> photos) throws IOException, ImageDecodeException {
        Mat canvas = new Mat(HEIGHT, WIDTH, CvType.CV_8UC3, new Scalar(0, 0, 0));
        int cell = WIDTH / photos.size();
        for (int i = 0; i < photos.size(); i++) {
            Mat photo = Images.decode(Files.readAllBytes(photos.get(i)));
            double scale = Math.min((double) cell / photo.cols(), (double) HEIGHT / photo.rows());
            Mat scaled = Images.resize(photo, scale);
            int x = i * cell + (cell - scaled.cols()) / 2;
            int y = (HEIGHT - scaled.rows()) / 2;
            scaled.copyTo(canvas.submat(new Rect(x, y, scaled.cols(), scaled.rows())));
            photo.release();
            scaled.release();
        }
        byte[] jpeg = Images.encodeJpeg(canvas, 90);
        canvas.release();
        return jpeg;
    }
}
