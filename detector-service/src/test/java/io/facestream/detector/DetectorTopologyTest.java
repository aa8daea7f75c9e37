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

import io.facestream.face.Detector;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceQuality;
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
        driver = new TopologyTestDriver(DetectorTopology.build(new FrameDetector(yunet, FaceQuality.Rules.defaults())), props);
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
        assertThat(out.getImage()).as("passed on for alignment").isNotNull();
        for (var face : out.getFaces()) {
            assertThat(face.getLandmarks()).hasSize(5);
            assertThat(face.getBox().getX() + face.getBox().getWidth()).isLessThanOrEqualTo(out.getImageWidth() + 1);
            assertThat(face.getFaceId()).isNotBlank();
            var eye = face.getLandmarks().get(0);
            assertThat(eye.getX()).isBetween(face.getBox().getX(), face.getBox().getX() + face.getBox().getWidth());
        }
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
    }
}
