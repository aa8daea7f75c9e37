package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;

/** What every detector must get right on the shared photos; each detector's test runs these on its own model. */
final class DetectorChecks {

    /** One face each: the enrolment photos, awkward single-face inputs, and LFW photos. */
    static final List<String> SINGLE_FACE = List.of("refs/obama/obama.jpg", "refs/biden/biden.jpg", "refs/biden/biden2.jpg",
            "refs/kit_harington/john1.jpeg", "refs/rose_leslie/img1.jpg", "refs/lin_manuel_miranda/lin-manuel-miranda.png",
            "refs/alex_lacamoire/img1.jpg", "hard/lowres_obama-240p.jpg", "hard/large_deepface_img26.jpg",
            "hard/exif_orientation6_derived_obama.jpg", "hard/grayscale_1ch_derived_obama.jpg");

    private DetectorChecks() {
    }

    static List<Face> detect(String detector, String path) {
        return SharedModels.detector(detector).detect(SharedModels.image(path));
    }

    /** Image-left eye left of the other, eyes above the nose above the mouth, every point within its box. */
    static void assertPlausibleLandmarks(Face face, String what) {
        float[] l = face.landmarks();
        assertThat(l[0]).as(what + ": image-left eye first").isLessThan(l[2]);
        assertThat(l[6]).as(what + ": image-left mouth corner first").isLessThan(l[8]);
        float eyesY = (l[1] + l[3]) / 2, mouthY = (l[7] + l[9]) / 2;
        assertThat(eyesY).as(what + ": eyes above nose").isLessThan(l[5]);
        assertThat(l[5]).as(what + ": nose above mouth").isLessThan(mouthY);
        float marginX = 0.1f * face.width(), marginY = 0.1f * face.height();
        for (int k = 0; k < 5; k++) {
            assertThat(l[2 * k]).as(what + ": point " + k + " x in box").isBetween(face.x() - marginX, face.x() + face.width() + marginX);
            assertThat(l[2 * k + 1]).as(what + ": point " + k + " y in box").isBetween(face.y() - marginY, face.y() + face.height() + marginY);
        }
    }

    static void assertOneFace(String detector, String path) {
        List<Face> faces = detect(detector, path);
        assertThat(faces).as(detector + " on " + path).hasSize(1);
        assertPlausibleLandmarks(faces.get(0), detector + " on " + path);
    }

    static void assertFaceCount(String detector, String path, int min, int max) {
        List<Face> faces = detect(detector, path);
        assertThat(faces.size()).as(detector + " on " + path).isBetween(min, max);
        for (int i = 1; i < faces.size(); i++) {
            assertThat(faces.get(i).score()).as("sorted best first").isLessThanOrEqualTo(faces.get(i - 1).score());
        }
        Mat image = SharedModels.image(path);
        for (Face face : faces) {
            // Boxes lie in the image, not in the padding of the letterbox.
            assertThat(face.x() + face.width() / 2).isBetween(0f, (float) image.cols());
            assertThat(face.y() + face.height() / 2).isBetween(0f, (float) image.rows());
        }
    }

    /** LFW photos spread over the list (every 200th), 250×250 with the face in the middle. */
    static List<String> someLfwPhotos() throws Exception {
        List<String> lines = Files.readAllLines(TestData.dir().resolve("lfw/identities.csv"));
        List<String> photos = new ArrayList<>();
        for (int i = 1; i < lines.size(); i += 200) {
            photos.add("lfw/" + lines.get(i).split(",")[0]);
        }
        return photos;
    }

    /**
     * Same face as YuNet's best, box IoU over 0.5, and each eye within a fifth of YuNet's eye distance of YuNet's.
     * Over all 1,549 LFW photos the median eye difference is 0.06 eye distances for SCRFD and 0.07 for RetinaFace.
     */
    static void assertAgreesWithYuNet(String detector, String path) {
        Mat image = SharedModels.image(path);
        Face yunet = SharedModels.detector().detect(image).get(0);
        List<Face> faces = SharedModels.detector(detector).detect(image);
        assertThat(faces).as(detector + " on " + path).isNotEmpty();
        Face face = faces.get(0);
        assertThat(Detections.iou(yunet, face)).as(detector + " box IoU with YuNet on " + path).isGreaterThan(0.5f);
        float[] a = yunet.landmarks(), b = face.landmarks();
        double eyeDistance = Math.hypot(a[2] - a[0], a[3] - a[1]);
        for (int k = 0; k < 2; k++) {
            double off = Math.hypot(a[2 * k] - b[2 * k], a[2 * k + 1] - b[2 * k + 1]);
            assertThat(off / eyeDistance).as(detector + " eye " + k + " off YuNet's, in eye distances, on " + path).isLessThan(0.2);
        }
        assertPlausibleLandmarks(face, detector + " on " + path);
    }

    /** Four threads share one detector (as stream threads share a service's) and all find what one thread finds. */
    static void assertSafeToShare(FaceDetector detector) throws InterruptedException {
        Mat image = SharedModels.image("groups/fp_multiface.jpg");
        int expected = detector.detect(image).size();
        List<Integer> counts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 3; i++) {
                    counts.add(detector.detect(image).size());
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(counts).hasSize(12).containsOnly(expected);
    }
}
