package io.facestream.embedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import io.facestream.face.FaceAligner;
import io.facestream.face.FaceDetector;
import io.facestream.face.Images;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.face.ModelPack;
import io.facestream.face.TestModels;
import io.facestream.face.TestFrames;
import io.facestream.face.TestPhotos;
import io.facestream.face.YuNetDetector;
import io.facestream.models.ModelStore;
import io.facestream.schemas.AlignedFaces;
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

    /**
     * The faces as the detector service sends them (aligned for a recognizer, no image) give the vectors the image gives,
     * also for a frame of two faces embedded in one batch with their mirror images.
     */
    @ParameterizedTest
    @EnumSource(Recognizer.class)
    void embedsTheDetectorsAlignedFacesAsItWouldFromTheImage(Recognizer recognizer) throws Exception {
        boolean flip = recognizer == Recognizer.DLIB_RESNET_128;
        try (var embedder = OnnxFaceEmbedder.create(recognizer, TestModels.store(recognizer), flip);
             TopologyTestDriver driver = driver(new FrameEmbedder(embedder))) {
            DetectedFrame withImage = detected(twoFaces(), 2);
            DetectedFrame withFaces = alignedFor(recognizer, withImage);
            withFaces.setImage(null);
            input(driver).pipeInput("a", withImage);
            input(driver).pipeInput("a", withFaces);
            List<EmbeddedFrame> frames = output(driver).readValuesToList();

            assertThat(frames.get(1).getError()).isNull();
            assertThat(frames.get(1).getFaces()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(vector(frames.get(1), i)).as("face %d", i).containsExactly(vector(frames.get(0), i), within(1e-6f));
                assertThat(frames.get(1).getFaces().get(i).getFace().getFaceId()).isEqualTo(withImage.getFaces().get(i).getFaceId());
            }
            assertThat(dot(vector(frames.get(1), 0), vector(frames.get(1), 1))).as("two people, not one face twice").isLessThan(0.95f);
        }
    }

    @Test
    void facesAlignedForAnotherRecognizerAreAlignedAgainFromTheImage() throws Exception {
        try (var embedder = OnnxFaceEmbedder.create(Recognizer.DLIB_RESNET_128, ModelStore.fromEnvironment(), true);
             TopologyTestDriver driver = driver(new FrameEmbedder(embedder))) {
            DetectedFrame withImage = detected(TestPhotos.bytes(TestPhotos.A1), 1);
            // A detector set up for the research pack: ArcFace's 112×112 template.
            DetectedFrame forArcFace = alignedFor(Recognizer.ARCFACE_MBF_INT8, withImage);
            input(driver).pipeInput("a", withImage);
            input(driver).pipeInput("a", forArcFace);
            DetectedFrame noImage = alignedFor(Recognizer.ARCFACE_MBF_INT8, withImage);
            noImage.setImage(null);
            input(driver).pipeInput("a", noImage);
            List<EmbeddedFrame> frames = output(driver).readValuesToList();

            assertThat(vector(frames.get(1), 0)).containsExactly(vector(frames.get(0), 0), within(1e-6f));
            // Neither usable faces nor an image: a clear error for whoever set the services up, not a wrong vector.
            assertThat(frames.get(2).getFaces()).isEmpty();
            assertThat(frames.get(2).getError().getCode()).isEqualTo("INTERNAL");
            assertThat(frames.get(2).getError().getMessage()).contains("arcface-mbf-int8", "dlib-resnet-128");
        }
    }

    /** A DetectedFrame in a topic from before the detector aligned faces (history/DetectedFrame-2.avsc) still gets its vectors. */
    @Test
    void aRecordWrittenByTheReleasedSchemaIsEmbeddedFromItsImage() throws Exception {
        // The serde first: loading it trusts the generated classes for Avro (AvroSerde's static initialiser).
        var serde = Topics.DETECTED_FACES.valueSerde();
        org.apache.avro.Schema released;
        try (var in = Topics.class.getResourceAsStream("history/DetectedFrame-2.avsc")) {
            released = new org.apache.avro.Schema.Parser().parse(in);
        }
        assertThat(released.getField("aligned")).isNull();
        DetectedFrame current = detected(TestPhotos.bytes(TestPhotos.A1), 1);
        byte[] old = io.facestream.schemas.Values.bytes(new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), released).encode(asGeneric(current, released)));

        DetectedFrame decoded = serde.deserializer().deserialize("t", old);
        assertThat(decoded.getAligned()).isNull();
        assertThat(decoded.getFaces()).hasSize(1);

        try (var embedder = OnnxFaceEmbedder.create(Recognizer.DLIB_RESNET_128, ModelStore.fromEnvironment(), true);
             TopologyTestDriver driver = driver(new FrameEmbedder(embedder))) {
            driver.createInputTopic(Topics.DETECTED_FACES.name(), new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer()).pipeInput("a", old);
            input(driver).pipeInput("a", current);
            List<EmbeddedFrame> frames = output(driver).readValuesToList();
            assertThat(frames.get(0).getError()).isNull();
            assertThat(vector(frames.get(0), 0)).containsExactly(vector(frames.get(1), 0), within(1e-6f));
        }
    }

    /** The current record as a generic record of an older schema (whose fields are a subset). */
    static org.apache.avro.generic.GenericRecord asGeneric(DetectedFrame current, org.apache.avro.Schema released) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<DetectedFrame>(DetectedFrame.getClassSchema()).write(current, encoder);
        encoder.flush();
        var decoder = org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        return new org.apache.avro.generic.GenericDatumReader<org.apache.avro.generic.GenericRecord>(DetectedFrame.getClassSchema(), released)
                .read(null, decoder);
    }

    /** A copy of {@code frame} that also carries its faces warped to {@code recognizer}'s template, as the detector sends them. */
    static DetectedFrame alignedFor(Recognizer recognizer, DetectedFrame frame) throws Exception {
        Mat image = Images.decode(io.facestream.schemas.Values.bytes(frame.getImage()));
        try {
            List<ByteBuffer> chips = new java.util.ArrayList<>();
            for (DetectedFace face : frame.getFaces()) {
                Mat chip = FaceAligner.align(image, FrameEmbedder.toFace(face).landmarks(), recognizer.template());
                chips.add(ByteBuffer.wrap(Images.bgrBytes(chip)));
                chip.release();
            }
            return DetectedFrame.newBuilder(frame).setAligned(AlignedFaces.newBuilder().setRecognizer(recognizer.modelName())
                    .setWidth(recognizer.inputSize()).setHeight(recognizer.inputSize()).setChips(chips).build()).build();
        } finally {
            image.release();
        }
    }

    /** Two committed photos side by side (A1 and B1 at 400 px high): a frame with two faces that a fresh clone has. */
    static byte[] twoFaces() throws Exception {
        Mat both = TestFrames.sideBySide(400, TestPhotos.A1, TestPhotos.B1);
        byte[] jpeg = Images.encodeJpeg(both, 92);
        both.release();
        return jpeg;
    }

    /** One of the committed {@link TestPhotos}, with its first face as YuNet finds it. */
    static DetectedFrame detected(String path) throws Exception {
        return detected(TestPhotos.bytes(path), 1);
    }

    /** The image with its first {@code faces} faces as YuNet finds them, as the detector sent them before it aligned faces. */
    static DetectedFrame detected(byte[] bytes, int faces) throws Exception {
        Mat image = Images.decode(bytes);
        List<DetectedFace> found = yunet.detect(image).stream().limit(faces).map(EmbedderTopologyTest::toRecord).toList();
        assertThat(found).hasSize(faces);
        DetectedFrame frame = DetectedFrame.newBuilder().setHeader(header("frame-" + UUID.randomUUID())).setImage(ByteBuffer.wrap(bytes))
                .setImageWidth(image.cols()).setImageHeight(image.rows()).setFaces(found).build();
        image.release();
        return frame;
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
        return vector(frame, 0);
    }

    static float[] vector(EmbeddedFrame frame, int face) {
        List<Float> v = frame.getFaces().get(face).getVector();
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
