package io.facestream.cli;

import picocli.CommandLine.Option;

/**
 * Which Kafka cluster a subcommand that reads or writes topics uses (camera, replay). Client settings for secured
 * clusters come from FACESTREAM_KAFKA_PROPERTIES / FACESTREAM_KAFKA_* as for the services (README "Secured Kafka clusters").
 */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka cluster (default: KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE})")
    String bootstrapServers;
}
