package io.facestream.bench.performance;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

import io.facestream.schemas.Consumers;
import io.facestream.schemas.KafkaClients;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Topics;

/**
 * Reads every answer on the results topic from now on, as a camera operator's reader would, and hands each on with
 * the time it arrived. Answer lag = arrival − the frame's capture time.
 */
final class AnswerWatch implements AutoCloseable {

    record Answer(String frameId, String sourceId, long captureMillis, long receivedMillis, int faces, String error) {
        long lagMillis() {
            return receivedMillis - captureMillis;
        }
    }

    private final KafkaConsumer<String, MatchResult> consumer;
    private final CopyOnWriteArrayList<Consumer<Answer>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    AnswerWatch(String bootstrapServers) {
        consumer = new KafkaConsumer<>(KafkaClients.config(bootstrapServers, Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-answers")),
                Topics.MATCH_RESULTS.keySerde().deserializer(), Topics.MATCH_RESULTS.valueSerde().deserializer());
        Consumers.assignAllFromEnd(consumer, Topics.MATCH_RESULTS.name());
        thread = new Thread(this::read, "bench-answers");
        thread.setDaemon(true);
        thread.start();
    }

    void listen(Consumer<Answer> listener) {
        listeners.add(listener);
    }

    void unlisten(Consumer<Answer> listener) {
        listeners.remove(listener);
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<String, MatchResult> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    MatchResult result = record.value();
                    Answer answer = new Answer(result.getHeader().getId(), result.getHeader().getSourceId(),
                            result.getHeader().getCaptureTime().toEpochMilli(), now, result.getFaces().size(),
                            result.getError() == null ? null : result.getError().getCode());
                    listeners.forEach(l -> l.accept(answer));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
