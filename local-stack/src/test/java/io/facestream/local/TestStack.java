package io.facestream.local;

import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;

/**
 * The whole pipeline for one end-to-end class: a local stack on the machine's PostgreSQL and Redis under the class's own
 * schema, Redis prefix, admin key and temporary home, with a healthy gateway; {@link #close} leaves nothing of them.
 * Settings the class needs (a threshold, a tracker timeout) are system properties set before the stack starts and
 * cleared after.
 */
final class TestStack implements AutoCloseable {

    final LocalStack stack;
    /** The gateway's base URL, and a client of it with the class's admin key. */
    final String url;
    final Gateway gateway;
    final String adminKey;
    private final String schema;
    private final String[] properties;

    private TestStack(LocalStack stack, String url, String adminKey, String schema, String[] properties) {
        this.stack = stack;
        this.url = url;
        this.gateway = new Gateway(url, adminKey);
        this.adminKey = adminKey;
        this.schema = schema;
        this.properties = properties;
    }

    static TestStack start(String name) throws Exception {
        return start(name, Map.of());
    }

    static TestStack start(String name, Map<String, String> properties) throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "");
        String schema = "e2e_" + name + "_" + id.substring(0, 12);
        String adminKey = "fs_e2e_" + name + "_" + id;
        TestSchema.use(schema, adminKey);
        properties.forEach(System::setProperty);
        String[] keys = properties.keySet().toArray(String[]::new);
        LocalStack stack = null;
        try {
            stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-" + name), 0, null, TestSchema.DATABASE_URL,
                    TestSchema.REDIS_URL, LocalStack.freePort()));
            TestStack started = new TestStack(stack, stack.startGateway(0), adminKey, schema, keys);
            PipelineEndToEndTest.awaitHealthy(started.gateway);
            return started;
        } catch (Exception | Error e) {
            if (stack != null) {
                stack.close();
            }
            TestSchema.drop(schema, keys);
            throw e;
        }
    }

    String kafkaBootstrap() {
        return stack.kafkaBootstrap();
    }

    @Override
    public void close() throws Exception {
        try {
            stack.close();
        } finally {
            TestSchema.drop(schema, properties);
        }
    }
}
