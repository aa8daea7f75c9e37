package io.facestream.gateway.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.BinaryWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.access.ApiKey;
import io.facestream.gateway.access.ApiKeyFilter;
import io.facestream.gateway.access.ApiKeys;
import io.facestream.gateway.access.RateLimiter;
import io.facestream.gateway.access.Scope;
import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.gateway.recognition.Answers;
import io.facestream.gateway.recognition.ApiException;
import io.facestream.gateway.recognition.ImageUpload;
import io.facestream.schemas.Frame;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;

/**
 * Live video: every binary message is one image and gets exactly one JSON reply, in the order
 * the frames came, even when the pipeline answers them out of order.
 *
 * <p>A connection opened without a key in the header or query must send {"api_key": "..."} as its
 * first message, within {@link #AUTHENTICATION_TIME}; otherwise it is closed with 4401 (no or a
 * wrong key) or 4403 (a key without the recognize scope). Each frame counts against the key's rate limit.
 */
@Component
public class RecognitionSocketHandler extends BinaryWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(RecognitionSocketHandler.class);
    private static final String STATE = "facestream.connection";

    static final CloseStatus UNAUTHORIZED = new CloseStatus(4401, "send a valid API key first: {\"api_key\": \"...\"}");
    static final CloseStatus FORBIDDEN = new CloseStatus(4403, "this API key lacks the 'recognize' scope");
    static final Duration AUTHENTICATION_TIME = Duration.ofSeconds(10);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "websocket-auth-timer");
        thread.setDaemon(true);
        return thread;
    });
    /** Frames of one connection waiting for the pipeline; beyond this, frames are answered "busy" and not sent. */
    static final int MAX_IN_FLIGHT = 32;

    /** Per connection: the next sequence number and the reply that must go out before the next one. */
    private static final class Connection {
        final WebSocketSession session;
        volatile ApiKey key;
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        long nextSequence;
        CompletableFuture<Void> lastReply = CompletableFuture.completedFuture(null);

        Connection(WebSocketSession session) {
            // A slow client fills its own buffer and is closed; it never blocks the threads that serve others.
            this.session = new ConcurrentWebSocketSessionDecorator(session, 10_000, 16 * 1024 * 1024);
        }
    }

    private final PipelineClient pipeline;
    private final GatewayProperties properties;
    private final ObjectMapper json;
    private final ApiKeys keys;
    private final RateLimiter limiter;

    public RecognitionSocketHandler(PipelineClient pipeline, GatewayProperties properties, ObjectMapper json, ApiKeys keys, RateLimiter limiter) {
        this.pipeline = pipeline;
        this.properties = properties;
        this.json = json;
        this.keys = keys;
        this.limiter = limiter;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        Connection connection = new Connection(session);
        // Set by ApiKeyFilter when the handshake carried a valid key (header or query parameter).
        connection.key = (ApiKey) session.getAttributes().get(ApiKeyFilter.ATTRIBUTE);
        session.getAttributes().put(STATE, connection);
        if (connection.key == null) {
            TIMER.schedule(() -> {
                if (connection.key == null) {
                    close(connection.session, UNAUTHORIZED);
                }
            }, AUTHENTICATION_TIME.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
        Connection connection = (Connection) session.getAttributes().get(STATE);
        if (connection.key == null) {
            close(session, UNAUTHORIZED);
            return;
        }
        long sequence;
        CompletableFuture<Map<String, Object>> reply;
        synchronized (connection) {
            sequence = connection.nextSequence++;
            RateLimiter.Verdict verdict = limiter.acquire(connection.key.id());
            reply = verdict.allowed() ? answer(connection, session.getId(), sequence, bytes(message.getPayload()))
                    : CompletableFuture.completedFuture(error(sequence, "rate_limited",
                            "this key made too many requests; retry after " + verdict.retryAfterSeconds() + " s"));
            connection.lastReply = connection.lastReply.thenCombine(reply, (previous, body) -> body).thenAccept(body -> send(connection, body));
        }
    }

    private CompletableFuture<Map<String, Object>> answer(Connection connection, String sessionId, long sequence, byte[] image) {
        ImageUpload upload;
        try {
            upload = ImageUpload.prepare(image, properties.maxImageSide(), properties.maxImagePixels());
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(error(sequence, e.error(), e.getMessage()));
        } catch (RuntimeException e) {
            // Whatever one client's bytes do to the decoder, that client gets an error and everyone else carries on.
            log.warn("frame {} of connection {} could not be prepared", sequence, sessionId, e);
            return CompletableFuture.completedFuture(error(sequence, "invalid_image", "the image could not be read (JPEG or PNG expected)"));
        }
        if (connection.inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            connection.inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(error(sequence, "busy",
                    "more than " + MAX_IN_FLIGHT + " frames of this connection are waiting for the pipeline; this one was dropped"));
        }
        Frame frame = PipelineClient.frame(SourceKind.WEBSOCKET, sessionId, sequence, Operation.RECOGNIZE, upload.bytes(), null, null);
        CompletableFuture<io.facestream.schemas.MatchResult> submitted;
        try {
            submitted = pipeline.submit(frame);
        } catch (RuntimeException e) {
            connection.inFlight.decrementAndGet();
            log.warn("frame {} of connection {} could not be sent", sequence, sessionId, e);
            return CompletableFuture.completedFuture(error(sequence, "internal", "the frame could not be sent to the pipeline"));
        }
        return submitted.whenComplete((result, failure) -> connection.inFlight.decrementAndGet()).handle((result, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                return cause instanceof TimeoutException
                        ? error(sequence, "timeout", "the pipeline did not answer within " + pipeline.timeout().toSeconds() + " s")
                        : error(sequence, "internal", "the pipeline failed");
            }
            try {
                // Frames of live video often show nobody: an empty answer, not an error.
                Answers.RecognizeResponse answer = Answers.recognize(Answers.successful(result), upload.scale());
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("sequence", sequence);
                body.put("recognized_faces", answer.recognizedFaces());
                body.put("unknown_faces", answer.unknownFaces());
                body.put("threshold", answer.threshold());
                return body;
            } catch (ApiException e) {
                return error(sequence, e.error(), e.getMessage());
            }
        });
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Connection connection = (Connection) session.getAttributes().get(STATE);
        if (connection.key == null) {
            authenticate(connection, message.getPayload());
            return;
        }
        Map<String, Object> body = error(null, "binary_frames_only", "send each image as one binary message (JPEG or PNG bytes)");
        synchronized (connection) {
            connection.lastReply = connection.lastReply.thenAccept(previous -> send(connection, body));
        }
    }

    private void authenticate(Connection connection, String message) {
        Optional<ApiKey> key = Optional.empty();
        try {
            JsonNode node = json.readTree(message);
            JsonNode presented = node == null ? null : node.get("api_key");
            if (presented != null && presented.isString() && presented.asString().length() <= 200) {
                key = keys.find(presented.asString().strip());
            }
        } catch (JacksonException e) {
            // not JSON: same as no key
        }
        if (key.isEmpty()) {
            close(connection.session, UNAUTHORIZED);
        } else if (!key.get().allows(Scope.RECOGNIZE)) {
            close(connection.session, FORBIDDEN);
        } else {
            connection.key = key.get();
            send(connection, Map.of("authenticated", true));
        }
    }

    private static void close(WebSocketSession session, CloseStatus status) {
        try {
            session.close(status);
        } catch (IOException e) {
            log.debug("closing {}: {}", session.getId(), e.toString());
        }
    }

    private static Map<String, Object> error(Long sequence, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (sequence != null) {
            body.put("sequence", sequence);
        }
        body.put("error", Map.of("code", code, "message", message));
        return body;
    }

    private void send(Connection connection, Map<String, Object> body) {
        try {
            if (connection.session.isOpen()) {
                connection.session.sendMessage(new TextMessage(json.writeValueAsString(body)));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("dropping reply to closed or slow connection {}: {}", connection.session.getId(), e.toString());
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) throws IOException {
        session.close(CloseStatus.SERVER_ERROR.withReason("transport error"));
    }

    private static byte[] bytes(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return bytes;
    }
}
