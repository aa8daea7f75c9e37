package io.facestream.gateway.access;

import java.io.IOException;
import java.util.Optional;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.ObjectMapper;


import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ErrorHandler;

/**
 * Every route needs a key with the right scope, checked before a request body is read. Open, because they
 * hold no data: the health probe orchestrators call, the API documentation and the demo page. A WebSocket may instead send
 * its key as its first message (browsers cannot set headers), so a handshake without one is let through and
 * the socket handler waits for it. WebSockets and the event stream (EventSource cannot set headers) may send it as
 * {@code ?api_key=}; a key in a URL can end up in proxy logs, so clients that can set the header should.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-API-Key";
    public static final String QUERY_PARAMETER = "api_key";
    /** Request (and WebSocket session) attribute holding the authenticated {@link ApiKey}. */
    public static final String ATTRIBUTE = "facestream.apiKey";
    /** The event stream: browsers' EventSource cannot set headers either, so it may send the key as ?api_key= too. */
    static final String EVENTS = "/api/events";

    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final ObjectMapper json;

    public ApiKeyFilter(ApiKeys keys, RateLimiter limiter, ObjectMapper json) {
        this.keys = keys;
        this.limiter = limiter;
        this.json = json;
    }

    /** The scope a path needs, or empty for the open routes. */
    static Optional<Scope> needed(String path) {
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/docs") || path.startsWith("/docs/")
                || path.startsWith("/swagger-ui") || path.equals("/demo") || path.startsWith("/demo/")) {
            return Optional.empty();
        }
        if (path.startsWith("/api/recognition/register") || path.startsWith("/api/people") || path.startsWith("/api/keys")
                || path.startsWith("/api/replays")
                || path.startsWith("/actuator")) {
            return Optional.of(Scope.ADMIN);
        }
        return Optional.of(Scope.RECOGNIZE);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Optional<Scope> scope = needed(path);
        if (scope.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        boolean webSocket = path.startsWith("/ws/");
        String presented = request.getHeader(HEADER);
        if ((presented == null || presented.isBlank()) && (webSocket || path.equals(EVENTS))) {
            presented = request.getParameter(QUERY_PARAMETER);
        }
        if ((presented == null || presented.isBlank()) && webSocket) {
            chain.doFilter(request, response);
            return;
        }
        Access access = keys.authorize(presented, scope.get(), path);
        if (!access.isGranted()) {
            refuse(response, access.refusal(), access.message());
            return;
        }
        RateLimiter.Verdict verdict = limiter.acquire(access.key().id());
        if (!verdict.allowed()) {
            response.setHeader("Retry-After", String.valueOf(verdict.retryAfterSeconds()));
            refuse(response, ApiError.RATE_LIMITED, verdict.message());
            return;
        }
        request.setAttribute(ATTRIBUTE, access.key());
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, ApiError error, String message) throws IOException {
        response.setStatus(error.status().value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (error.status() == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        }
        json.writeValue(response.getOutputStream(), new ErrorHandler.ErrorResponse(error.code(), message));
    }
}
