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

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.access.ApiKeyFilter;
import io.facestream.gateway.cors.CorsProperties;

@Configuration
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {

    /** Text messages are only ever answered with an error; a larger one closes the connection with 1009. */
    static final int MAX_TEXT_BYTES = 64 * 1024;

    private final RecognitionSocketHandler handler;
    private final GatewayProperties properties;
    private final CorsProperties cors;

    public WebSocketConfig(RecognitionSocketHandler handler, GatewayProperties properties, CorsProperties cors) {
        this.handler = handler;
        this.properties = properties;
        this.cors = cors;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Browsers on other sites only from the configured origins; same-origin pages and non-browser clients always.
        registry.addHandler(handler, "/ws/recognize").setAllowedOriginPatterns(cors.origins().toArray(String[]::new))
                .addInterceptors(new KeyFromHandshake());
    }

    /** Hands the key ApiKeyFilter accepted at the handshake, and the chosen {@link VideoMode}, to the WebSocket session. */
    static final class KeyFromHandshake implements HandshakeInterceptor {

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler, Map<String, Object> attributes)
                throws java.io.IOException {
            if (request instanceof ServletServerHttpRequest servlet) {
                Object key = servlet.getServletRequest().getAttribute(ApiKeyFilter.ATTRIBUTE);
                if (key != null) {
                    attributes.put(ApiKeyFilter.ATTRIBUTE, key);
                }
                String asked = servlet.getServletRequest().getParameter(VideoMode.PARAMETER);
                java.util.Optional<VideoMode> mode = VideoMode.parse(asked);
                if (mode.isEmpty()) {
                    // Refused before the upgrade, so the client sees why in plain HTTP.
                    response.setStatusCode(org.springframework.http.HttpStatus.BAD_REQUEST);
                    response.getHeaders().setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
                    response.getBody().write(("{\"error\": \"invalid_request\", \"message\": \"mode must be 'ordered' (the default) or 'live'\"}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    return false;
                }
                attributes.put(RecognitionSocketHandler.MODE, mode.get());
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
        // A larger binary message is refused by the container with close code 1009 (too big) and a reason.
        // The container reserves this buffer for every open connection: keep it near the largest real frame.
        container.setMaxBinaryMessageBufferSize((int) Math.min(Integer.MAX_VALUE - 8, properties.maxFrameSize().toBytes()));
        container.setMaxTextMessageBufferSize(MAX_TEXT_BYTES);
        return container;
    }
}
