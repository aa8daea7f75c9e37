package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

class FaceQualityTest {

    static final FaceQuality.Rules RULES = FaceQuality.Rules.defaults();

    static Mat photo(String path) throws Exception {
        return Images.decode(Files.readAllBytes(TestData.dir().resolve(path)));
    }

    static FaceQuality central(Mat image) {
        return central(image, SharedModels.detector(), RULES);
    }

    static FaceQuality central(Mat image, FaceDetector detector, FaceQuality.Rules rules) {
        List<Face> faces = detector.detect(image);
        assertThat(faces).isNotEmpty();
        double cx = image.cols() / 2.0, cy = image.rows() / 2.0;
        Face face = faces.stream().min(Comparator.comparingDouble(f -> Math.hypot(f.x() + f.width() / 2 - cx, f.y() + f.height() / 2 - cy))).orElseThrow();
        return FaceQuality.assess(image, face, rules);
    }

    @Test
    void goodEnrolmentPhotosPass() throws Exception {
        for (String path : List.of("refs/obama/obama.jpg", "refs/biden/biden.jpg", "refs/kit_harington/john1.jpeg",
                "refs/rose_leslie/img1.jpg", "refs/alex_lacamoire/img1.jpg", "hard/lowres_obama-240p.jpg")) {
            FaceQuality quality = central(photo(path));
            assertThat(quality.issues()).as(path).isEmpty();
        }
    }

    @Test
    void committedPhotosPass() throws Exception {
        for (String name : List.of(TestPhotos.A1, TestPhotos.A2, TestPhotos.B1, TestPhotos.B2)) {
            assertThat(central(Images.decode(TestPhotos.bytes(name))).issues()).as(name).isEmpty();
        }
    }

    @Test
    void blurredFaceIsRefusedForBlur() throws Exception {
        Mat image = photo("refs/kit_harington/john1.jpeg");
        // About 2 px of blur once the face is scaled to the 112 px template.
        Imgproc.GaussianBlur(image, image, new Size(0, 0), 3.5);
        FaceQuality quality = central(image);
        assertThat(quality.issues()).singleElement().asString().contains("blurred");
    }

    @Test
    void tinyFaceIsRefusedForSize() throws Exception {
        Mat image = Images.resize(photo("refs/obama/obama.jpg"), 0.12);
        FaceQuality quality = central(image);
        assertThat(quality.interEyeDistance()).isLessThan(20);
        assertThat(quality.issues()).anySatisfy(issue -> assertThat(issue).contains("too small"));
    }

    @Test
    void profileFaceIsRefusedForPose() throws Exception {
        // A real CelebA photo: a woman looking back over her shoulder.
        FaceQuality quality = central(photo("celeba/images/7312/014185.jpg"));
        assertThat(Math.abs(quality.yaw())).isGreaterThan(0.4f);
        assertThat(quality.issues()).singleElement().asString().contains("turned away");
    }

    @Test
    void withTheResearchPacksDetectorGoodPhotosPassAndABlurredOneIsRefused() throws Exception {
        // SCRFD scores faces lower than YuNet (LFW median 0.82): YuNet's 0.85 score rule would refuse most of them.
        String detector = ModelPack.RESEARCH.detector().modelName();
        FaceQuality.Rules rules = ModelPack.RESEARCH.detector().enrolmentRules();
        assertThat(rules.minScore()).isLessThan(RULES.minScore());
        for (String path : List.of("refs/obama/obama.jpg", "refs/biden/biden.jpg", "refs/kit_harington/john1.jpeg", "refs/rose_leslie/img1.jpg")) {
            assertThat(central(photo(path), SharedModels.detector(detector), rules).issues()).as(path).isEmpty();
        }
        Mat blurred = photo("refs/kit_harington/john1.jpeg");
        Imgproc.GaussianBlur(blurred, blurred, new Size(0, 0), 3.5);
        assertThat(central(blurred, SharedModels.detector(detector), rules).issues()).anySatisfy(issue -> assertThat(issue).contains("blurred"));
    }
}
