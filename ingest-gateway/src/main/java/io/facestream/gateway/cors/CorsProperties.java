package io.facestream.gateway.cors;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which browser origins may call the API and open the WebSocket from another site
 * ({@code FACESTREAM_CORS_ORIGINS}, comma-separated, e.g. {@code https://app.example.com,https://*.example.org}).
 * Empty by default: only pages served by the gateway itself (such as {@code /demo}) and clients that are not
 * browsers get through. Patterns follow Spring's {@code allowedOriginPatterns}, so {@code *} allows every origin.
 */
@ConfigurationProperties("facestream.cors")
public record CorsProperties(List<String> origins) {

    public CorsProperties {
        origins = origins == null ? List.of() : origins.stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
    }
}
