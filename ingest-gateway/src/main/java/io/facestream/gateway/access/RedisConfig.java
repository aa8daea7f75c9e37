package io.facestream.gateway.access;

import java.net.URI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.facestream.gateway.GatewayProperties;
import redis.clients.jedis.JedisPooled;

@Configuration
class RedisConfig {

    @Bean(destroyMethod = "close")
    JedisPooled redis(GatewayProperties properties) {
        return new JedisPooled(URI.create(properties.redisUrl()));
    }
}
