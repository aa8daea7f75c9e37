package io.facestream.gateway.cors;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

import io.facestream.gateway.access.ApiKeyFilter;

/**
 * CORS for every route, ahead of the API key check: a browser's preflight carries no key, so it must be
 * answered before {@link ApiKeyFilter} would refuse it with 401, and a refusal (401, 429, ...) to an allowed
 * origin must carry the CORS headers, or the page cannot read why it was refused. A preflight from an origin
 * not in {@link CorsProperties} is answered 403. Same-origin requests and non-browser clients are not CORS
 * requests and pass untouched. The WebSocket handshake checks the same list (WebSocketConfig).
 */
@Configuration
public class CorsConfig {

    /** Browsers cache a preflight answer this long (Chromium caps it at 2 h), so a page does not preflight every frame. */
    static final Duration PREFLIGHT_CACHE = Duration.ofMinutes(30);

    @Bean
    public FilterRegistrationBean<CorsFilter> corsFilter(CorsProperties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(properties.origins());
        cors.setAllowedMethods(List.of("GET", "POST", "PATCH", "DELETE"));
        cors.setAllowedHeaders(List.of(ApiKeyFilter.HEADER, "Content-Type"));
        cors.setExposedHeaders(List.of("Retry-After"));
        // Keys travel in a header, never in cookies: no credentials mode.
        cors.setAllowCredentials(false);
        cors.setMaxAge(PREFLIGHT_CACHE);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", cors);
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
