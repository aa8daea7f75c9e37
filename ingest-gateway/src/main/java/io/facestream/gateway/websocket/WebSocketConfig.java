package io.facestream.gateway.websocket;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import io.facestream.gateway.access.ApiKeyFilter;

@Configuration
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {

    /** A larger frame is refused by the container with close code 1009 (too big). */
    static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

    private final RecognitionSocketHandler handler;

    public WebSocketConfig(RecognitionSocketHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, "/ws/recognize").setAllowedOriginPatterns("*")
                .addInterceptors(new KeyFromHandshake());
    }

    /** Hands the key ApiKeyFilter accepted at the handshake to the WebSocket session. */
    static final class KeyFromHandshake implements HandshakeInterceptor {

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler, Map<String, Object> attributes) {
            if (request instanceof ServletServerHttpRequest servlet) {
                Object key = servlet.getServletRequest().getAttribute(ApiKeyFilter.ATTRIBUTE);
                if (key != null) {
                    attributes.put(ApiKeyFilter.ATTRIBUTE, key);
                }
            }
            return true;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler, Exception exception) {
        }
    }

    @Bean
    public ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxBinaryMessageBufferSize(MAX_FRAME_BYTES);
        container.setMaxTextMessageBufferSize(64 * 1024);
        return container;
    }
}
