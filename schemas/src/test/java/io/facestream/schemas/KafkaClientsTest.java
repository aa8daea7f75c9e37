package io.facestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {

    @TempDir
    Path dir;

    @Test
    void fileThenEnvironmentThenSystemPropertiesEachWinOverTheOneBefore() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
                client.dns.lookup=use_all_dns_ips
                """);
        Properties system = new Properties();
        system.setProperty("facestream.kafka.sasl.mechanism", "SCRAM-SHA-512");
        system.setProperty("kafka.bootstrap.servers", "ignored:9092");

        Map<String, String> settings = KafkaClients.operatorSettings(Map.of(
                "FACESTREAM_KAFKA_PROPERTIES", file.toString(),
                "FACESTREAM_KAFKA_SECURITY_PROTOCOL", "SSL",
                "FACESTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.p12",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093"), system);

        assertThat(settings).containsOnly(
                Map.entry("security.protocol", "SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"),
                Map.entry("client.dns.lookup", "use_all_dns_ips"),
                Map.entry("ssl.truststore.location", "/etc/kafka/ca.p12"));
    }

    @Test
    void nothingSetMeansNoSettingsAndTheDefaultsStand() {
        assertThat(KafkaClients.operatorSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"), new Properties())).isEmpty();
        Map<String, Object> config = KafkaClients.config("broker:9092", Map.of("acks", "all"));
        assertThat(config).containsEntry("bootstrap.servers", "broker:9092").containsEntry("acks", "all");
    }

    @Test
    void aMissingFileIsNamedInTheError() {
        Path missing = dir.resolve("nowhere.properties");
        assertThatThrownBy(() -> KafkaClients.operatorSettings(Map.of("FACESTREAM_KAFKA_PROPERTIES", missing.toString()), new Properties()))
                .hasMessageContaining("FACESTREAM_KAFKA_PROPERTIES").hasMessageContaining(missing.toString());
    }

    @Test
    void secretsAreHiddenWhenSettingsAreDescribed() {
        System.setProperty("facestream.kafka.sasl.jaas.config", "PlainLoginModule required password=\"hunter2\";");
        System.setProperty("facestream.kafka.security.protocol", "SASL_SSL");
        try {
            assertThat(KafkaClients.describe()).contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]").doesNotContain("hunter2");
        } finally {
            System.clearProperty("facestream.kafka.sasl.jaas.config");
            System.clearProperty("facestream.kafka.security.protocol");
        }
    }
}
