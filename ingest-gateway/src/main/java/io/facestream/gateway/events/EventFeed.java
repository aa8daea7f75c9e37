package io.facestream.gateway.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import io.facestream.gateway.GatewayProperties;
import io.facestream.schemas.Consumers;
import io.facestream.schemas.KafkaClients;
import io.facestream.schemas.TopicBootstrap;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

/**
 * The track events of facestream.events, fanned out to every client of GET /api/events. One Kafka consumer per gateway,
 * however many clients: it reads every partition from the end (no consumer group, like the results reader), turns each
 * event into JSON once, and appends it to the queue of each client whose filter it passes. Clients hear what happens
 * from the moment they subscribe.
 */
@Component
public class EventFeed {

    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
    /** Names the final notice a client gets, so the JSON needs no mapper configuration of its own. */
    private static final ObjectMapper PLAIN = JsonMapper.builder().build();

    private final KafkaConsumer<String, TrackEvent> consumer;
    private final List<EventSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ObjectMapper json;
    private final GatewayProperties properties;
    private final Counter dropped;
    private final ExecutorService senders;
    private final ScheduledExecutorService heartbeat;
    private final Thread reader;
    private volatile boolean running = true;

    public EventFeed(GatewayProperties properties, ObjectMapper json, MeterRegistry metrics) {
        this.json = json;
        this.properties = properties;
        TopicBootstrap.ensureTopics(properties.kafkaBootstrapServers());
        consumer = new KafkaConsumer<>(KafkaClients.config(properties.kafkaBootstrapServers(), Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "gateway-events-" + properties.instanceId())),
                Topics.EVENTS.keySerde().deserializer(), Topics.EVENTS.valueSerde().deserializer());
        Consumers.assignAllFromEnd(consumer, Topics.EVENTS.name());
        Gauge.builder("facestream.events.clients", subscribers, List::size).description("clients following GET /api/events").register(metrics);
        dropped = Counter.builder("facestream.events.dropped.clients").description("event clients dropped for reading too slowly").register(metrics);
        AtomicInteger count = new AtomicInteger();
        // One sender thread per client that is being written to at that moment; idle clients hold none.
        senders = Executors.newCachedThreadPool(r -> daemon(r, "gateway-events-sender-" + count.incrementAndGet()));
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gateway-events-heartbeat"));
        long every = properties.eventsHeartbeat().toMillis();
        heartbeat.scheduleAtFixedRate(() -> subscribers.forEach(s -> s.comment("keep-alive")), every, every, TimeUnit.MILLISECONDS);
        reader = daemon(this::read, "gateway-events");
        reader.start();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A new client: from now on, every event its filter passes is queued for it. */
    public SseEmitter subscribe(EventFilter filter) {
        // No timeout: the stream lasts until the client leaves, is dropped, or the gateway stops.
        SseEmitter emitter = new SseEmitter(0L);
        EventSubscriber subscriber = new EventSubscriber(emitter, filter, properties.eventsClientBuffer(), senders, subscribers::remove);
        emitter.onCompletion(subscriber::finish);
        emitter.onError(e -> subscriber.finish());
        emitter.onTimeout(subscriber::finish);
        subscribers.add(subscriber);
        // Tells the client (and proxies) the stream is open and subscribed before any event comes.
        subscriber.comment("subscribed");
        return emitter;
    }

    private void read() {
        while (running) {
            try {
                for (ConsumerRecord<String, TrackEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    dispatch(record.value());
                }
            } catch (RecordDeserializationException e) {
                log.warn("skipping unreadable track event at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
                consumer.seek(e.topicPartition(), e.offset() + 1);
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                log.error("reading track events failed; retrying in 1 s", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
        consumer.close();
    }

    private void dispatch(TrackEvent event) {
        String text = null;
        for (EventSubscriber subscriber : subscribers) {
            if (subscriber.filter().matches(event)) {
                if (text == null) {
                    text = json.writeValueAsString(EventView.of(event));
                }
                if (!subscriber.event(text)) {
                    dropped.increment();
                    log.info("events client dropped: it read too slowly ({} events waiting)", properties.eventsClientBuffer());
                }
            }
        }
    }

    /** A message that is not an event: {"kind": "dropped" or "closing", "reason": "..."}. */
    static String notice(String kind, String reason) {
        return PLAIN.writeValueAsString(new Notice(kind, reason));
    }

    private record Notice(String kind, String reason) {
    }

    @PreDestroy
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(5000);
        heartbeat.shutdownNow();
        subscribers.forEach(s -> s.end(notice("closing", "the gateway is shutting down; reconnect to another instance")));
        senders.shutdown();
        senders.awaitTermination(2, TimeUnit.SECONDS);
    }
}
