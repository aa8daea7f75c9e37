package io.facestream.gateway;

import java.time.Duration;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param replyTimeout how long a request waits for its result before answering 504
 * @param maxImageSide longer photos are shrunk before they enter Kafka (see README, "Large photos")
 * @param instanceId   tells this gateway's requests apart from other instances'; random unless set
 */
@ConfigurationProperties("facestream.gateway")
public record GatewayProperties(String kafkaBootstrapServers, Duration replyTimeout, int maxImageSide, String instanceId) {

    public GatewayProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = UUID.randomUUID().toString();
        }
    }
}
