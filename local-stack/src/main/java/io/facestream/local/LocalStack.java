package io.facestream.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.facestream.detector.DetectorConfig;
import io.facestream.detector.DetectorService;
import io.facestream.embedder.EmbedderConfig;
import io.facestream.embedder.EmbedderService;
import io.facestream.gateway.GatewayApplication;
import io.facestream.matcher.MatcherConfig;
import io.facestream.matcher.MatcherService;
import io.facestream.models.ModelStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * The whole pipeline in one JVM: Kafka, PostgreSQL and Redis (embedded unless URLs are given),
 * the detector, embedder and matcher, and the gateway. Each service is the same class its own
 * container runs; only their start-up is shared here.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final String kafkaBootstrap;

    private LocalStack(LocalStackConfig config) throws Exception {
        // Before anything starts: a model file that is missing (the research pack's have no public download) is
        // the likeliest first-run failure, so every missing one is named at once, with where to put it.
        ModelStore models = ModelStore.fromEnvironment();
        models.require(List.of(DetectorConfig.fromEnvironment().detector().modelName(), EmbedderConfig.fromEnvironment().recognizer()));
        try {
            kafkaBootstrap = config.kafkaBootstrap() != null ? config.kafkaBootstrap() : startKafka(config);
            String databaseUrl = config.databaseUrl() != null ? config.databaseUrl() : startPostgres(config);
            String redisUrl = config.redisUrl() != null ? config.redisUrl() : startRedis();
            // The services read their settings like in their own containers; here they come as system properties.
            System.setProperty("kafka.bootstrap.servers", kafkaBootstrap);
            System.setProperty("database.url", databaseUrl);
            System.setProperty("redis.url", redisUrl);
            // The matcher's track store belongs with this stack's broker (its changelog), not in a folder shared by every
            // stack on the machine: another stack's leftovers would be restored against the wrong broker.
            System.setProperty("facestream.state.dir", config.home().resolve("streams").toString());
            started.push(DetectorService.start(DetectorConfig.fromEnvironment(), models));
            started.push(EmbedderService.start(EmbedderConfig.fromEnvironment(), models));
            started.push(MatcherService.start(MatcherConfig.fromEnvironment()));
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    public static LocalStack start(LocalStackConfig config) throws Exception {
        return new LocalStack(config);
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** Starts a gateway on the given port (0: any free one); several can run against one pipeline. Returns its base URL. */
    public String startGateway(int port) {
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class)
                // As arguments, not builder properties: those are defaults that application.yml would override.
                .run("--facestream.gateway.kafka-bootstrap-servers=" + kafkaBootstrap, "--server.port=" + port);
        started.push(gateway::close);
        String actualPort = gateway.getEnvironment().getProperty("local.server.port");
        return "http://127.0.0.1:" + actualPort;
    }

    private String startKafka(LocalStackConfig config) throws IOException {
        LocalKafka kafka = LocalKafka.start(config.home().resolve("kafka"), config.kafkaPort(), freePort());
        started.push(kafka);
        log.info("embedded Kafka broker at {}", kafka.bootstrapServers());
        return kafka.bootstrapServers();
    }

    private String startPostgres(LocalStackConfig config) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(config.home().resolve("postgres"))
                .setCleanDataDirectory(false)
                .start();
        started.push(postgres);
        log.info("embedded PostgreSQL on port {}", postgres.getPort());
        System.setProperty("database.user", "postgres");
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    private String startRedis() throws IOException {
        int port = freePort();
        // Redis here is a cache and a 60 s face store: nothing of it needs to reach the disk.
        RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
        redis.start();
        started.push(redis::stop);
        log.info("embedded Redis on port {}", port);
        return "redis://127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        long begin = System.nanoTime();
        LocalStackConfig config = LocalStackConfig.fromEnvironment();
        LocalStack stack;
        try {
            stack = start(config);
        } catch (ModelStore.ModelFetchException e) {
            // What to do about it is the whole message; a stack trace would bury it.
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        String url = stack.startGateway(config.gatewayPort());
        log.info("facestream is up at {} after {} ms (docs: {}/docs, health: {}/actuator/health)",
                url, (System.nanoTime() - begin) / 1_000_000, url, url);
    }
}
