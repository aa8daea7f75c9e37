package io.facestream.matcher.gallery;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.schemas.Consumers;
import io.facestream.schemas.KafkaClients;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.Topics;

/**
 * Follows the people topic so every matcher instance sees every registration and erasure,
 * whichever instance made it. Each instance reads all of it (no consumer group): it is a
 * broadcast, not a work queue.
 */
public final class GalleryFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GalleryFeed.class);

    private final KafkaConsumer<String, PersonChange> consumer;
    private Thread thread;
    private volatile boolean running = true;

    /** Pins the current end of the topic now; changes after it are applied once {@link #start} runs. */
    public GalleryFeed(String bootstrapServers) {
        consumer = new KafkaConsumer<>(KafkaClients.config(bootstrapServers, Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                Topics.PERSON_CHANGES.keySerde().deserializer(), Topics.PERSON_CHANGES.valueSerde().deserializer());
        Consumers.assignAllFromEnd(consumer, Topics.PERSON_CHANGES.name());
    }

    public void start(Consumer<PersonChange> apply) {
        thread = new Thread(() -> run(apply), "gallery-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Consumer<PersonChange> apply) {
        try {
            while (running) {
                for (ConsumerRecord<String, PersonChange> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (record.value() != null) {
                        apply.accept(record.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("gallery feed stopped: this instance no longer sees other instances' registrations", e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread == null) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        thread.join(5000);
    }
}
