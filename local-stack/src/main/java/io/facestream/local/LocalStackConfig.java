package io.facestream.local;

import java.nio.file.Path;

import io.facestream.schemas.Settings;

/**
 * What the one-JVM run starts for itself and what it uses from outside.
 *
 * @param home             where embedded Kafka and PostgreSQL keep their data, so people and frames survive a restart
 * @param kafkaBootstrap   a cluster to use; null starts a local KRaft broker
 * @param databaseUrl      a PostgreSQL JDBC URL to use; null starts an embedded PostgreSQL
 * @param redisUrl         a Redis URL to use; null starts an embedded Redis
 */
public record LocalStackConfig(Path home, int gatewayPort, String kafkaBootstrap, String databaseUrl, String redisUrl, int kafkaPort) {

    public static LocalStackConfig fromEnvironment() {
        return new LocalStackConfig(
                Path.of(Settings.get("FACESTREAM_HOME", ".facestream")).toAbsolutePath(),
                Settings.getInt("SERVER_PORT", 8080),
                Settings.get("KAFKA_BOOTSTRAP_SERVERS", null),
                Settings.get("DATABASE_URL", null),
                Settings.get("REDIS_URL", null),
                Settings.getInt("FACESTREAM_LOCAL_KAFKA_PORT", 9092));
    }
}
