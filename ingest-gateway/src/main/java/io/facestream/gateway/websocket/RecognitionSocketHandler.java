package io.facestream.gateway.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
import io.facestream.gateway.access.Access;
import io.facestream.gateway.access.ApiKey;
import io.facestream.gateway.access.ApiKeyFilter;
import io.facestream.gateway.access.ApiKeys;
import io.facestream.gateway.access.RateLimiter;
import io.facestream.gateway.access.Scope;
import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.gateway.pipeline.RequestFrames;
import io.facestream.gateway.recognition.Answers;
import io.facestream.gateway.recognition.ImageUpload;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;
import io.facestream.gateway.web.Failures;
import io.facestream.schemas.MatchResult;

/**
 * Live video: every binary message is one image and gets exactly one JSON reply, in the order
 * the frames came, even when the pipeline answers them out of order. Each face carries its track (the tracker in
 * the matcher treats the connection as a camera). In {@link VideoMode#LIVE} a frame that would have to queue behind
 * the ones in the pipeline replaces the one already queued, which is answered "skipped": under overload a live client
 * gets the newest frame answered instead of an ever longer queue.
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
    /** Decodes and sends live frames that waited for a free slot (two threads: a 2-core machine decodes two at once at most). */
    private static final java.util.concurrent.ExecutorService LIVE_SENDER = Executors.newFixedThreadPool(2, r -> {
        Thread thread = new Thread(r, "websocket-live-sender");
        thread.setDaemon(true);
        return thread;
    });
    /** Frames of one connection waiting for the pipeline; beyond this, frames are answered "busy" and not sent. */
    static final int MAX_IN_FLIGHT = 32;
    /**
     * Live mode: frames of one connection in the pipeline at once. Two, not one, because the three services work on
     * different frames at the same time, so with one the detector idles while the embedder and matcher finish a frame
     * (the demo page keeps two in flight for the same reason); more would only queue in Kafka and add latency. One against
     * two was not measured; WebSocketLatencyBench measured two (live p99 1.4× an unloaded round trip).
     */
    static final int LIVE_IN_FLIGHT = 2;
    /** Session attribute holding the connection's {@link VideoMode}, set at the handshake. */
    static final String MODE = "facestream.videoMode";

    /** A frame of a live connection, not yet checked nor sent into the pipeline, and where its answer goes. */
    private record Pending(long sequence, byte[] image, CompletableFuture<Object> reply) {
    }

    /** Per connection: the next sequence number and the reply that must go out before the next one. */
    private static final class Connection {
        final WebSocketSession session;
        final VideoMode mode;
        volatile ApiKey key;
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        long nextSequence;
        CompletableFuture<Void> lastReply = CompletableFuture.completedFuture(null);
        /** Live mode, guarded by the connection: frames in the pipeline, and the newest frame waiting for a free slot. */
        int liveInFlight;
        Pending waiting;

        Connection(WebSocketSession session, VideoMode mode) {
            // A slow client fills its own buffer and is closed; it never blocks the threads that serve others.
            this.session = new ConcurrentWebSocketSessionDecorator(session, 10_000, 16 * 1024 * 1024);
            this.mode = mode;
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
        VideoMode mode = (VideoMode) session.getAttributes().getOrDefault(MODE, VideoMode.ORDERED);
        Connection connection = new Connection(session, mode);
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
        CompletableFuture<Object> reply;
        synchronized (connection) {
            sequence = connection.nextSequence++;
            RateLimiter.Verdict verdict = limiter.acquire(connection.key.id());
            reply = verdict.allowed() ? answer(connection, session.getId(), sequence, bytes(message.getPayload()))
                    : CompletableFuture.completedFuture(Replies.Failed.of(sequence, ApiError.RATE_LIMITED, verdict.message()));
            connection.lastReply = connection.lastReply.thenCombine(reply, (previous, body) -> body).thenAccept(body -> send(connection, body));
        }
    }

    /** Called with the connection's lock held, in arrival order. */
    private CompletableFuture<Object> answer(Connection connection, String sessionId, long sequence, byte[] image) {
        if (connection.mode == VideoMode.LIVE) {
            Pending frame = new Pending(sequence, image, new CompletableFuture<>());
            if (connection.liveInFlight < LIVE_IN_FLIGHT) {
                connection.liveInFlight++;
                sendLive(connection, sessionId, frame);
            } else {
                // Latest wins: the frame that was waiting is older than this one and would only be answered later still.
                if (connection.waiting != null) {
                    connection.waiting.reply().complete(new Replies.Skipped(connection.waiting.sequence(), true));
                }
                connection.waiting = frame;
            }
            return frame.reply();
        }
        return prepareAndSubmit(connection, sessionId, sequence, image);
    }

    /**
     * Sends a live frame into the slot reserved for it; when it is answered, the frame waiting meanwhile (if any) takes
     * the slot over. A live frame is decoded only when it is sent, not on arrival: at 30 frames a second most are replaced,
     * and decoding them would take CPU from the pipeline.
     */
    private void sendLive(Connection connection, String sessionId, Pending frame) {
        prepareAndSubmit(connection, sessionId, frame.sequence(), frame.image()).whenComplete((body, failure) -> {
            Pending next;
            synchronized (connection) {
                next = connection.waiting;
                connection.waiting = null;
                if (next == null) {
                    connection.liveInFlight--;
                }
            }
            if (next != null) {
                // Not on this thread: it is the gateway's results reader, which must not decode images.
                LIVE_SENDER.execute(() -> sendLive(connection, sessionId, next));
            }
            frame.reply().complete(failure == null ? body : Replies.Failed.of(frame.sequence(), ApiError.INTERNAL, "the frame could not be answered"));
        });
    }

    /** Checks the image (decoding it) and sends it; the future always completes with a reply, never exceptionally. */
    private CompletableFuture<Object> prepareAndSubmit(Connection connection, String sessionId, long sequence, byte[] image) {
        ImageUpload upload;
        try {
            upload = ImageUpload.prepare(image, properties.maxImageSide(), properties.maxImagePixels());
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(Replies.Failed.of(sequence, e));
        } catch (RuntimeException e) {
            // Whatever one client's bytes do to the decoder, that client gets an error and everyone else carries on.
            log.warn("frame {} of connection {} could not be prepared", sequence, sessionId, e);
            return CompletableFuture.completedFuture(Replies.Failed.of(sequence, ApiError.INVALID_IMAGE, "the image could not be read (JPEG or PNG expected)"));
        }
        return submit(connection, sessionId, sequence, upload);
    }

    /** Into the pipeline; the future always completes with a reply (errors included), never exceptionally. */
    private CompletableFuture<Object> submit(Connection connection, String sessionId, long sequence, ImageUpload upload) {
        if (connection.inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            connection.inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(Replies.Failed.of(sequence, ApiError.BUSY,
                    "more than " + MAX_IN_FLIGHT + " frames of this connection are waiting for the pipeline; this one was dropped"));
        }
        CompletableFuture<MatchResult> submitted;
        try {
            submitted = pipeline.submit(RequestFrames.liveFrame(sessionId, sequence, upload.bytes()));
        } catch (RuntimeException e) {
            connection.inFlight.decrementAndGet();
            log.warn("frame {} of connection {} could not be sent", sequence, sessionId, e);
            return CompletableFuture.completedFuture(Replies.Failed.of(sequence, ApiError.INTERNAL, "the frame could not be sent to the pipeline"));
        }
        return submitted.whenComplete((result, failure) -> connection.inFlight.decrementAndGet()).handle((result, failure) -> {
            if (failure != null) {
                return Replies.Failed.of(sequence, Failures.of(failure));
            }
            try {
                // Frames of live video often show nobody: an empty answer, not an error.
                return Replies.Recognized.of(sequence, Answers.recognize(Failures.successful(result), upload.scale()));
            } catch (ApiException e) {
                return Replies.Failed.of(sequence, e);
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
        Object body = Replies.Failed.of(null, ApiError.BINARY_FRAMES_ONLY, "send each image as one binary message (JPEG or PNG bytes)");
        synchronized (connection) {
            connection.lastReply = connection.lastReply.thenAccept(previous -> send(connection, body));
        }
    }

    private void authenticate(Connection connection, String message) {
        String presented = null;
        try {
            JsonNode node = json.readTree(message);
            JsonNode field = node == null ? null : node.get("api_key");
            presented = field != null && field.isString() ? field.asString() : null;
        } catch (JacksonException e) {
            // not JSON: same as no key
        }
        Access access = keys.authorize(presented, Scope.RECOGNIZE, "the WebSocket");
        if (!access.isGranted()) {
            close(connection.session, access.refusal() == ApiError.FORBIDDEN ? FORBIDDEN : UNAUTHORIZED);
        } else {
            connection.key = access.key();
            send(connection, new Replies.Authenticated(true));
        }
    }

    private static void close(WebSocketSession session, CloseStatus status) {
        try {
            session.close(status);
        } catch (IOException e) {
            log.debug("closing {}: {}", session.getId(), e.toString());
        }
    }

    private void send(Connection connection, Object body) {
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
