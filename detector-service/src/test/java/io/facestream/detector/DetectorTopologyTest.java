package io.facestream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.facestream.face.AlignmentTemplate;
import io.facestream.face.Detector;
import io.facestream.face.FaceAligner;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceQuality;
import io.facestream.face.Images;
import io.facestream.face.Recognizer;
import io.facestream.face.TestData;
import io.facestream.face.TestPhotos;
import io.facestream.face.YuNetDetector;
import io.facestream.models.ModelStore;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;

class DetectorTopologyTest {

    static FaceDetector yunet;
    static TopologyTestDriver driver;
    static TestInputTopic<String, Frame> frames;
    static TestOutputTopic<String, DetectedFrame> detected;
    static TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void start() {
        yunet = YuNetDetector.create(ModelStore.fromEnvironment(), Detector.YUNET.defaultSettings());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "detector-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(DetectorTopology.build(new FrameDetector(yunet, FaceQuality.Rules.defaults(), Recognizer.DLIB_RESNET_128)), props);
        frames = driver.createInputTopic(Topics.FRAMES.name(), Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
        detected = driver.createOutputTopic(Topics.DETECTED_FACES.name(), Topics.DETECTED_FACES.keySerde().deserializer(),
                Topics.DETECTED_FACES.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.keySerde().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
    }

    @AfterAll
    static void stop() throws Exception {
        driver.close();
        yunet.close();
    }

    static Frame frame(String camera, long sequence, Operation operation, byte[] image) {
        FrameHeader header = FrameHeader.newBuilder().setId(camera + "-" + sequence).setSourceKind(SourceKind.CAMERA)
                .setSourceId(camera).setSequence(sequence).setCaptureTime(Instant.now()).setOperation(operation).build();
        return Frame.newBuilder().setHeader(header).setImage(image == null ? null : ByteBuffer.wrap(image)).build();
    }

    static byte[] photo(String path) throws Exception {
        return Files.readAllBytes(TestData.dir().resolve(path));
    }

    @Test
    void findsEveryFaceOfAGroupPhotoWithLandmarksInOriginalPixels() throws Exception {
        frames.pipeInput("cam-1", frame("cam-1", 0, Operation.RECOGNIZE, photo("groups/fr_two_people.jpg")));
        var record = detected.readKeyValue();
        DetectedFrame out = record.value;

        assertThat(record.key).as("keyed by source, so a camera's frames keep their order").isEqualTo("cam-1");
        assertThat(out.getError()).isNull();
        assertThat(out.getFaces()).hasSize(2);
        assertThat(out.getImage()).as("not passed on: every face travels aligned").isNull();
        assertThat(out.getAligned().getRecognizer()).isEqualTo("dlib-resnet-128");
        assertThat(out.getAligned().getChips()).hasSize(2);
        for (var face : out.getFaces()) {
            assertThat(face.getLandmarks()).hasSize(5);
            assertThat(face.getBox().getX() + face.getBox().getWidth()).isLessThanOrEqualTo(out.getImageWidth() + 1);
            assertThat(face.getFaceId()).isNotBlank();
            var eye = face.getLandmarks().get(0);
            assertThat(eye.getX()).isBetween(face.getBox().getX(), face.getBox().getX() + face.getBox().getWidth());
        }
    }

    /** Two committed photos side by side (A1 and B1 at 400 px high): a frame with two faces that a fresh clone has. */
    static byte[] twoFaces() throws Exception {
        org.opencv.core.Mat a = Images.decode(TestPhotos.bytes(TestPhotos.A1));
        org.opencv.core.Mat b = Images.decode(TestPhotos.bytes(TestPhotos.B1));
        org.opencv.core.Mat left = Images.resize(a, 400.0 / a.rows());
        org.opencv.core.Mat right = Images.resize(b, 400.0 / b.rows());
        org.opencv.core.Mat both = new org.opencv.core.Mat();
        org.opencv.core.Core.hconcat(java.util.List.of(left, right), both);
        byte[] jpeg = Images.encodeJpeg(both, 92);
        for (org.opencv.core.Mat m : new org.opencv.core.Mat[] {a, b, left, right, both}) {
            m.release();
        }
        return jpeg;
    }

    @Test
    void eachFaceTravelsWarpedToTheRecognizersTemplateAsTheEmbedderWouldWarpIt() throws Exception {
        byte[] jpeg = twoFaces();
        frames.pipeInput("cam-4", frame("cam-4", 0, Operation.RECOGNIZE, jpeg));
        DetectedFrame out = detected.readValue();

        AlignmentTemplate template = Recognizer.DLIB_RESNET_128.template();
        assertThat(out.getFaces()).hasSize(2);
        assertThat(out.getAligned().getWidth()).isEqualTo(template.width());
        assertThat(out.getAligned().getHeight()).isEqualTo(template.height());
        org.opencv.core.Mat image = Images.decode(jpeg);
        try {
            for (int i = 0; i < out.getFaces().size(); i++) {
                float[] landmarks = new float[10];
                for (int p = 0; p < 5; p++) {
                    landmarks[2 * p] = out.getFaces().get(i).getLandmarks().get(p).getX();
                    landmarks[2 * p + 1] = out.getFaces().get(i).getLandmarks().get(p).getY();
                }
                org.opencv.core.Mat expected = FaceAligner.align(image, landmarks, template);
                assertThat(io.facestream.schemas.Values.bytes(out.getAligned().getChips().get(i)))
                        .as("face %d: the warp of the decoded image at the landmarks sent", i).isEqualTo(Images.bgrBytes(expected));
                expected.release();
            }
        } finally {
            image.release();
        }
    }

    @Test
    void overTheBudgetTheImageTravelsInsteadOfTheFaces() throws Exception {
        // Two dlib chips are 135,000 bytes: a budget of 100,000 holds one face but not this frame's two.
        FrameDetector small = new FrameDetector(yunet, FaceQuality.Rules.defaults(), Recognizer.DLIB_RESNET_128, 100_000);
        byte[] jpeg = twoFaces();
        DetectedFrame two = small.detect(frame("cam-5", 0, Operation.RECOGNIZE, jpeg));
        assertThat(two.getFaces()).hasSize(2);
        assertThat(two.getAligned()).isNull();
        assertThat(io.facestream.schemas.Values.bytes(two.getImage())).isEqualTo(jpeg);

        DetectedFrame one = small.detect(frame("cam-5", 1, Operation.RECOGNIZE, TestPhotos.bytes(TestPhotos.A1)));
        assertThat(one.getFaces()).hasSize(1);
        assertThat(one.getAligned().getChips()).hasSize(1);
        assertThat(one.getImage()).isNull();
    }

    @Test
    void undecodableFrameBecomesAnErrorNotAStoppedPipeline() throws Exception {
        deadLetters.readRecordsToList();
        // A committed photo cut after its first 127 bytes: headers, no picture.
        frames.pipeInput("cam-2", frame("cam-2", 0, Operation.RECOGNIZE, Arrays.copyOf(TestPhotos.bytes(TestPhotos.A1), 127)));
        frames.pipeInput("cam-2", frame("cam-2", 1, Operation.RECOGNIZE, TestPhotos.bytes(TestPhotos.A1)));

        DetectedFrame broken = detected.readValue();
        assertThat(broken.getError().getCode()).isEqualTo("INVALID_IMAGE");
        assertThat(broken.getImage()).isNull();
        assertThat(detected.readValue().getFaces()).hasSize(1);

        // The camera's broken frame is also kept, as sent, with the reason; the good one is not.
        var letters = deadLetters.readRecordsToList();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(new String(letter.key())).isEqualTo("cam-2");
            Frame kept = Topics.FRAMES.valueSerde().deserializer().deserialize(Topics.FRAMES.name(), letter.value());
            assertThat(kept.getHeader().getSequence()).isZero();
            assertThat(new String(letter.headers().lastHeader(io.facestream.schemas.DeadLetters.EXCEPTION).value())).isEqualTo("INVALID_IMAGE");
            assertThat(new String(letter.headers().lastHeader(io.facestream.schemas.DeadLetters.MESSAGE).value())).isNotBlank();
            assertThat(new String(letter.headers().lastHeader(io.facestream.schemas.DeadLetters.SOURCE_TOPIC).value())).isEqualTo(Topics.FRAMES.name());
        });
    }

    @Test
    void aRequestsUndecodableImageIsAnsweredButNotDeadLettered() throws Exception {
        deadLetters.readRecordsToList();
        Frame request = frame("req", 0, Operation.RECOGNIZE, "not an image".getBytes());
        request.getHeader().setSourceKind(SourceKind.REQUEST);
        frames.pipeInput("req", request);
        assertThat(detected.readValue().getError().getCode()).isEqualTo("INVALID_IMAGE");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void pingAndRegistrationByFaceIdNeedNoImage() {
        frames.pipeInput("g", frame("g", 0, Operation.PING, null));
        assertThat(detected.readValue().getError()).isNull();
        frames.pipeInput("g", frame("g", 1, Operation.RECOGNIZE, null));
        assertThat(detected.readValue().getError().getCode()).isEqualTo("INVALID_REQUEST");
        deadLetters.readRecordsToList();
    }

    @Test
    void photoWithoutFaceGivesNoFaces() throws Exception {
        frames.pipeInput("cam-3", frame("cam-3", 0, Operation.DETECT, photo("hard/noface_pilatus800.jpg")));
        DetectedFrame out = detected.readValue();
        assertThat(out.getError()).isNull();
        assertThat(out.getFaces()).isEmpty();
        assertThat(out.getImage()).as("no face to align, so nothing needs the image").isNull();
    }
}
