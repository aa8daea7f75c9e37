package io.facestream.management;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.facestream.schemas.Settings;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The management endpoint of the Streams services: {@code GET /health} (200 UP when every Streams app of this JVM is
 * running or rebalancing, else 503; JSON with each app's state) and {@code GET /metrics} (Prometheus text: Kafka Streams'
 * own metrics, the stage counters of {@link StageMetrics}, JVM and CPU). No key: it holds counts, never data, and listens
 * on its own port ({@code FACESTREAM_MANAGEMENT_PORT}, default 9464, Prometheus exporters' usual port; a negative value
 * turns it off), which a deployment keeps inside its network.
 *
 * <p>One per JVM, started when the first service registers: the local run starts three services in one JVM, which
 * then share one endpoint (their meters differ by stage and by Kafka client id). JDK's HttpServer, because a scrape
 * every few seconds needs no web framework in the detector or the embedder.
 */
public final class ManagementServer {

    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
    public static final int DEFAULT_PORT = 9464;

    private static ManagementServer instance;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<KafkaStreams, String> apps = new LinkedHashMap<>();
    private final Map<KafkaStreams, KafkaStreamsMetrics> bound = new LinkedHashMap<>();
    private final HttpServer server;

    private ManagementServer(int port) throws IOException {
        Metrics.addRegistry(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        server = bind(port);
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.createContext("/prometheus", this::metrics);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "management-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        log.info("management endpoint on http://{}:{}/ (health, metrics)", server.getAddress().getHostString(), server.getAddress().getPort());
    }

    private static HttpServer bind(int port) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(port), 16);
        } catch (BindException e) {
            // Several local runs or test JVMs on one machine: a service without its scrape endpoint on the usual port is
            // better than one that does not start; the line says where it went.
            log.warn("management port {} is taken ({}); using a free port instead", port, e.getMessage());
            return HttpServer.create(new InetSocketAddress(0), 16);
        }
    }

    /**
     * Adds a Streams app to this JVM's endpoint (starting it on first use); it leaves again when it stops (NOT_RUNNING).
     * Returns the endpoint's port, or -1 when the endpoint is turned off.
     */
    public static synchronized int register(String name, KafkaStreams streams) {
        int port = Settings.getInt("FACESTREAM_MANAGEMENT_PORT", DEFAULT_PORT);
        if (port < 0) {
            return -1;
        }
        if (instance == null) {
            try {
                instance = new ManagementServer(port);
            } catch (IOException e) {
                log.warn("no management endpoint: {}", e.toString());
                return -1;
            }
        }
        instance.add(name, streams);
        return instance.port();
    }

    /** Called when an app stops, so its state no longer counts for health. */
    public static synchronized void unregister(KafkaStreams streams) {
        if (instance != null) {
            instance.remove(streams);
        }
    }

    /** The port of this JVM's endpoint, -1 when none runs. */
    public static synchronized int currentPort() {
        return instance == null ? -1 : instance.port();
    }

    private synchronized void add(String name, KafkaStreams streams) {
        apps.put(streams, name);
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams, Tags.of("service", name));
        metrics.bindTo(registry);
        bound.put(streams, metrics);
    }

    private synchronized void remove(KafkaStreams streams) {
        apps.remove(streams);
        KafkaStreamsMetrics metrics = bound.remove(streams);
        if (metrics != null) {
            metrics.close();
        }
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange exchange) throws IOException {
        StringBuilder json = new StringBuilder();
        boolean up;
        synchronized (this) {
            up = !apps.isEmpty();
            json.append("{\"services\":[");
            int i = 0;
            for (Map.Entry<KafkaStreams, String> app : apps.entrySet()) {
                KafkaStreams.State state = app.getKey().state();
                up &= state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
                json.append(i++ == 0 ? "" : ",").append("{\"name\":\"").append(app.getValue()).append("\",\"state\":\"").append(state).append("\"}");
            }
        }
        json.append("],\"status\":\"").append(up ? "UP" : "DOWN").append("\"}");
        respond(exchange, up ? 200 : 503, "application/json", json.toString());
    }

    private void metrics(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
