package io.facestream.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.facestream.face.TestData;
import io.facestream.schemas.Frame;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;

/**
 * The dev clip (640×360, 29.97 fps, 5.005 s, 150 frames) through a real ffmpeg into a real broker, read back from
 * {@code facestream.frames}. Prints the decoder's CPU cost per frame.
 */
class CameraPublishTest {

    static final double CLIP_SECONDS = 5.005;
    static final double CLIP_FPS = 29.97;

    static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.getBrokersAsString()))) {
            admin.createTopics(List.of(Topics.FRAMES.newTopic((short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.destroy();
        }
    }

    static Path clip() {
        Path clip = TestData.dir().resolve("video/short_hamilton_clip_part1_0-5s.mp4");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(clip), "the dev clip is not at " + clip);
        return clip;
    }

    static CameraOptions options(double fps, boolean asFastAsPossible) {
        return new CameraOptions(fps, asFastAsPossible, false, 3, Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    static List<CameraLoop.Summary> run(List<CameraSpec> cameras, CameraOptions options, List<String> lines) throws Exception {
        try (KafkaFramePublisher publisher = new KafkaFramePublisher(broker.getBrokersAsString());
             CameraFleet fleet = new CameraFleet(cameras, options, new FfmpegDecoder(0, FfmpegDecoder.DEFAULT_MAX_SIDE),
                     line -> {
                         lines.add(line);
                         System.out.println(line);
                     })) {
            List<CameraLoop.Summary> summaries = fleet.run(publisher);
            publisher.flush();
            return summaries;
        }
    }

    /** Every record of these cameras on the frames topic, each camera's in its partition's order. */
    static List<ConsumerRecord<String, Frame>> read(String... cameraIds) {
        List<ConsumerRecord<String, Frame>> records = new ArrayList<>();
        try (KafkaConsumer<String, Frame> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.getBrokersAsString()),
                Topics.FRAMES.keySerde().deserializer(), Topics.FRAMES.valueSerde().deserializer())) {
            // The frames topic has 4 partitions; a camera's frames are all on its key's one, in order.
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (ConsumerRecord<String, Frame> record : consumer.poll(Duration.ofMillis(500))) {
                    if (List.of(cameraIds).contains(record.key())) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    static void assertCameraStream(List<ConsumerRecord<String, Frame>> records, String cameraId, double fps) throws Exception {
        List<ConsumerRecord<String, Frame>> own = records.stream().filter(r -> r.key().equals(cameraId)).toList();
        assertThat((double) own.size()).as("frames of " + cameraId).isCloseTo(CLIP_SECONDS * fps, within(1.0));
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < own.size(); i++) {
            ConsumerRecord<String, Frame> record = own.get(i);
            var header = record.value().getHeader();
            assertThat(header.getSequence()).isEqualTo(i);
            assertThat(header.getSourceId()).isEqualTo(cameraId);
            assertThat(header.getSourceKind()).isEqualTo(SourceKind.CAMERA);
            long captureTime = header.getCaptureTime().toEpochMilli();
            assertThat(record.timestamp()).isEqualTo(captureTime);
            assertThat(captureTime).isGreaterThan(previous);
            if (i > 0) {
                assertThat((double) (captureTime - previous)).isCloseTo(1000 / fps, within(1.0));
            }
            previous = captureTime;
        }
        for (ConsumerRecord<String, Frame> record : List.of(own.get(0), own.get(own.size() / 2), own.get(own.size() - 1))) {
            ByteBuffer image = record.value().getImage();
            byte[] jpeg = new byte[image.remaining()];
            image.duplicate().get(jpeg);
            assertThat(jpeg[0] & 0xFF).isEqualTo(0xFF);
            assertThat(jpeg[1] & 0xFF).isEqualTo(0xD8);
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertThat(decoded).as("frame " + record.value().getHeader().getSequence() + " decodes").isNotNull();
            assertThat(decoded.getWidth()).isEqualTo(640);
            assertThat(decoded.getHeight()).isEqualTo(360);
        }
    }

    @Test
    void theClipAsFastAsPossibleAtFiveFps() throws Exception {
        Path clip = clip();
        List<CameraLoop.Summary> summaries = run(List.of(new CameraSpec("afap-5", clip.toString())), options(5, true), new ArrayList<>());
        assertCameraStream(read("afap-5"), "afap-5", 5);
        report(summaries.get(0), "5 fps");
    }

    @Test
    void theClipAsFastAsPossibleAtItsNativeRate() throws Exception {
        Path clip = clip();
        List<CameraLoop.Summary> summaries = run(List.of(new CameraSpec("afap-native", clip.toString())), options(0, true), new ArrayList<>());
        assertCameraStream(read("afap-native"), "afap-native", CLIP_FPS);
        report(summaries.get(0), "native 29.97 fps");
    }

    @Test
    void twoCamerasInRealTimeInterleaveWithTheirOwnKeysAndSequences() throws Exception {
        Path clip = clip();
        List<String> lines = new CopyOnWriteArrayList<>();
        long begin = System.nanoTime();
        run(List.of(new CameraSpec("door-1", clip.toString()), new CameraSpec("door-2", clip.toString())), options(5, false), lines);
        long elapsedMillis = (System.nanoTime() - begin) / 1_000_000;

        List<ConsumerRecord<String, Frame>> records = read("door-1", "door-2");
        assertCameraStream(records, "door-1", 5);
        assertCameraStream(records, "door-2", 5);
        // Paced to the clip's own time: about 5 s, not the fraction of a second ffmpeg needs.
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(4_600);
        // Both ran at once: in capture-time order, the keys change many times, not once.
        records = records.stream().sorted(java.util.Comparator.comparingLong(ConsumerRecord::timestamp)).toList();
        String keys = records.stream().map(ConsumerRecord::key).collect(Collectors.joining(","));
        int switches = 0;
        for (int i = 1; i < records.size(); i++) {
            switches += records.get(i).key().equals(records.get(i - 1).key()) ? 0 : 1;
        }
        assertThat(switches).as(keys).isGreaterThan(10);
        assertThat(lines).anyMatch(line -> line.matches("camera door-1: \\d+ frames, [0-9.]+ fps, lag \\d+ ms"));
    }

    @Test
    void anUnreadableSourceOrAMissingDecoderFailsWithAClearMessage(@TempDir Path dir) throws Exception {
        CameraOptions options = options(5, true);
        FfmpegDecoder decoder = new FfmpegDecoder(0, FfmpegDecoder.DEFAULT_MAX_SIDE);
        assertThatThrownBy(() -> new CameraFleet(List.of(new CameraSpec("gone", dir.resolve("missing.mp4").toString())),
                options, decoder, line -> { }))
                .isInstanceOf(CameraException.class).hasMessageContaining("camera gone").hasMessageContaining("does not exist");

        Path garbage = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n".repeat(50));
        assertThatThrownBy(() -> new CameraFleet(List.of(new CameraSpec("junk", garbage.toString())), options(0, true), decoder,
                line -> { }))
                .isInstanceOf(CameraException.class).hasMessageContaining("camera junk: cannot read " + garbage);
        // With a rate given there is no probe: ffmpeg itself refuses the file, and its reason is the message.
        List<CapturedFrame> published = new ArrayList<>();
        try (CameraFleet fleet = new CameraFleet(List.of(new CameraSpec("junk", garbage.toString())), options, decoder, line -> { })) {
            assertThatThrownBy(() -> fleet.run(published::add)).isInstanceOf(CameraException.class)
                    .hasMessageContaining("camera junk: cannot read " + garbage).hasMessageContaining("Invalid data");
        }
        assertThat(published).isEmpty();

        assertThatThrownBy(() -> new CameraFleet(List.of(new CameraSpec("cam", garbage.toString())), options,
                new FfmpegDecoder(dir.resolve("no-ffmpeg-here").toString(), 0, 1920), line -> { }))
                .isInstanceOf(CameraException.class).hasMessageContaining("install ffmpeg");
    }

    @Test
    void aLoopedClipGoesOnCountingAcrossItsEndUntilStopped() throws Exception {
        Path clip = clip();
        CameraOptions options = new CameraOptions(5, true, true, 0, Duration.ofSeconds(1), Duration.ofSeconds(1));
        List<CapturedFrame> published = new CopyOnWriteArrayList<>();
        try (CameraFleet fleet = new CameraFleet(List.of(new CameraSpec("loop", clip.toString())), options,
                new FfmpegDecoder(0, FfmpegDecoder.DEFAULT_MAX_SIDE), line -> { })) {
            List<CameraLoop.Summary> summaries = fleet.run(frame -> {
                published.add(frame);
                if (published.size() == 60) {
                    fleet.stop();
                }
            });
            assertThat(summaries.get(0).frames()).isEqualTo(60);
        }
        // Three passes over the 25-frame clip were started; the stop ended the third after its 10th frame.
        assertThat(published).hasSize(60);
        long start = published.get(0).captureTime();
        for (int i = 0; i < published.size(); i++) {
            assertThat(published.get(i).sequence()).isEqualTo(i);
            assertThat(published.get(i).captureTime() - start).isEqualTo(i * 200L);
        }
        assertThat(published.get(25).jpeg()).isEqualTo(published.get(0).jpeg());
    }

    @Test
    void aLiveStreamThatCannotBeReachedIsRetriedWithALineEachTimeThenGivenUp() throws Exception {
        // Port 1 on loopback: nothing listens, so the real ffmpeg gets "Connection refused" at every attempt.
        CameraOptions options = new CameraOptions(5, false, false, 2, Duration.ofSeconds(1), Duration.ofSeconds(1));
        List<String> lines = new CopyOnWriteArrayList<>();
        try (CameraFleet fleet = new CameraFleet(List.of(new CameraSpec("gate", "rtsp://127.0.0.1:1/stream1")), options,
                new FfmpegDecoder(0, FfmpegDecoder.DEFAULT_MAX_SIDE), lines::add)) {
            assertThatThrownBy(() -> fleet.run(frame -> { })).isInstanceOf(CameraException.class)
                    .hasMessageContaining("camera gate: rtsp://127.0.0.1:1/stream1 unavailable, gave up after 2 reconnect attempts")
                    .hasMessageContaining("Connection refused");
        }
        assertThat(lines).filteredOn(line -> line.contains("reconnect attempt")).hasSize(2)
                .allMatch(line -> line.contains("Connection refused"));
    }

    static void report(CameraLoop.Summary summary, String rate) {
        System.out.printf("decode cost, dev clip at %s: %d frames, ffmpeg CPU %d ms, %.2f ms per published frame%n",
                rate, summary.frames(), summary.decoderCpuMillis(), summary.decodeMillisPerFrame());
        assertThat(summary.decoderCpuMillis()).isPositive();
    }
}
