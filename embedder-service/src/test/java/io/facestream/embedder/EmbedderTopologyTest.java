package io.facestream.embedder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.Images;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.face.ModelPack;
import io.facestream.face.TestModels;
import io.facestream.face.TestPhotos;
import io.facestream.face.YuNetDetector;
import io.facestream.models.ModelStore;
import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.Operation;
import io.facestream.schemas.PipelineError;
import io.facestream.schemas.Point;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;

class EmbedderTopologyTest {

    static FaceDetector yunet;

    @BeforeAll
    static void loadDetector() {
        yunet = YuNetDetector.create(ModelStore.fromEnvironment(), Detector.YUNET.defaultSettings());
    }

    @AfterAll
    static void closeDetector() throws Exception {
        yunet.close();
    }

    /** Every recognizer the manifest ships must work behind the same topology (those whose model is not here skip). */
    @ParameterizedTest
    @EnumSource(Recognizer.class)
    void embedsEveryFaceAsAUnitVectorThatTellsPeopleApart(Recognizer recognizer) throws Exception {
        try (var embedder = OnnxFaceEmbedder.create(recognizer, TestModels.store(recognizer));
             TopologyTestDriver driver = driver(new FrameEmbedder(embedder))) {
            TestInputTopic<String, DetectedFrame> in = input(driver);
            TestOutputTopic<String, EmbeddedFrame> out = output(driver);

            in.pipeInput("a", detected(TestPhotos.A1));
            in.pipeInput("b", detected(TestPhotos.A2));
            in.pipeInput("c", detected(TestPhotos.B1));
            List<EmbeddedFrame> frames = out.readValuesToList();

            float[] obama = vector(frames.get(0));
            float[] obamaAgain = vector(frames.get(1));
            float[] biden = vector(frames.get(2));
            assertThat(obama).hasSize(embedder.dimension());
            assertThat(dot(obama, obama)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(frames.get(0).getFaces().get(0).getModel()).isEqualTo(recognizer.modelName());
            // dlib's vectors lie in a narrow cone: smaller cosine gaps, same ranking (see FaceEmbedderTest.margin).
            float margin = recognizer == Recognizer.DLIB_RESNET_128 ? 0.08f : 0.2f;
            assertThat(dot(obama, obamaAgain)).isGreaterThan(dot(obama, biden) + margin);
        }
    }

    @Test
    void errorsAndEmptyFramesPassThroughWithoutTheImage() throws Exception {
        try (var embedder = OnnxFaceEmbedder.create(ModelPack.named(null).recognizer(), ModelStore.fromEnvironment());
             TopologyTestDriver driver = driver(new FrameEmbedder(embedder))) {
            DetectedFrame failed = DetectedFrame.newBuilder().setHeader(header("x")).setError(new PipelineError("INVALID_IMAGE", "bad")).build();
            input(driver).pipeInput("x", failed);
            assertThat(output(driver).readValue().getError().getCode()).isEqualTo("INVALID_IMAGE");
        }
    }

    /** One of the committed {@link TestPhotos}, with its first face as YuNet finds it. */
    static DetectedFrame detected(String path) throws Exception {
        byte[] bytes = TestPhotos.bytes(path);
        Mat image = Images.decode(bytes);
        List<DetectedFace> faces = yunet.detect(image).stream().limit(1).map(EmbedderTopologyTest::toRecord).toList();
        return DetectedFrame.newBuilder().setHeader(header(path)).setImage(ByteBuffer.wrap(bytes))
                .setImageWidth(image.cols()).setImageHeight(image.rows()).setFaces(faces).build();
    }

    static DetectedFace toRecord(Face face) {
        float[] l = face.landmarks();
        return DetectedFace.newBuilder().setFaceId(UUID.randomUUID().toString()).setBox(new Box(face.x(), face.y(), face.width(), face.height()))
                .setLandmarks(List.of(new Point(l[0], l[1]), new Point(l[2], l[3]), new Point(l[4], l[5]), new Point(l[6], l[7]), new Point(l[8], l[9])))
                .setScore(face.score()).build();
    }

    static FrameHeader header(String id) {
        return FrameHeader.newBuilder().setId(id).setSourceKind(SourceKind.REQUEST).setSourceId(id).setCaptureTime(Instant.now())
                .setOperation(Operation.RECOGNIZE).build();
    }

    static TopologyTestDriver driver(FrameEmbedder embedder) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "embedder-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(EmbedderTopology.build(embedder), props);
    }

    static TestInputTopic<String, DetectedFrame> input(TopologyTestDriver driver) {
        return driver.createInputTopic(Topics.DETECTED_FACES.name(), Topics.DETECTED_FACES.keySerde().serializer(),
                Topics.DETECTED_FACES.valueSerde().serializer());
    }

    static TestOutputTopic<String, EmbeddedFrame> output(TopologyTestDriver driver) {
        return driver.createOutputTopic(Topics.EMBEDDINGS.name(), Topics.EMBEDDINGS.keySerde().deserializer(),
                Topics.EMBEDDINGS.valueSerde().deserializer());
    }

    static float[] vector(EmbeddedFrame frame) {
        List<Float> v = frame.getFaces().get(0).getVector();
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
