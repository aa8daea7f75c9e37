package io.facestream.gateway.websocket;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import io.facestream.gateway.GatewayProperties;

@Configuration
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {

    /** Text messages are only ever answered with an error; a larger one closes the connection with 1009. */
    static final int MAX_TEXT_BYTES = 64 * 1024;

    private final RecognitionSocketHandler handler;
    private final GatewayProperties properties;

    public WebSocketConfig(RecognitionSocketHandler handler, GatewayProperties properties) {
        this.handler = handler;
        this.properties = properties;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, "/ws/recognize").setAllowedOriginPatterns("*");
    }

    @Bean
    public ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        // A larger binary message is refused by the container with close code 1009 (too big) and a reason.
        // The container reserves this buffer for every open connection: keep it near the largest real frame.
        container.setMaxBinaryMessageBufferSize((int) Math.min(Integer.MAX_VALUE - 8, properties.maxFrameSize().toBytes()));
        container.setMaxTextMessageBufferSize(MAX_TEXT_BYTES);
        return container;
    }
}
