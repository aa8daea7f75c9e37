package io.facestream.gateway.events;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client of GET /api/events: its filter, a bounded queue of what still has to be written, and the emitter it
 * goes out through. The Kafka reader only ever appends to the queue; a sender thread writes it out, so a client whose
 * connection stalls holds up at most its own sender, never the reader nor the other clients. When the queue is full
 * the client is dropped: its queue is replaced by one last message saying why, and the stream ends (an EventSource then
 * reconnects by itself, starting from that moment). Memory per client is thus bounded by {@link #capacity} messages.
 */
final class EventSubscriber {

    /** A message queued for this client: an event's JSON, a heartbeat comment, or the final notice. */
    private record Message(String json, String comment, boolean last) {
    }

    private final SseEmitter emitter;
    private final EventFilter filter;
    private final int capacity;
    private final Executor senders;
    private final Consumer<EventSubscriber> onEnd;
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean ended;

    EventSubscriber(SseEmitter emitter, EventFilter filter, int capacity, Executor senders, Consumer<EventSubscriber> onEnd) {
        this.emitter = emitter;
        this.filter = filter;
        this.capacity = capacity;
        this.senders = senders;
        this.onEnd = onEnd;
    }

    EventFilter filter() {
        return filter;
    }

    /** Queues an event's JSON; false when the client was dropped just now because its queue was full. */
    boolean event(String json) {
        return enqueue(new Message(json, null, false));
    }

    boolean comment(String text) {
        return enqueue(new Message(null, text, false));
    }

    /** Ends the stream after what is queued (the gateway shutting down). */
    void end(String reasonJson) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            queue.add(new Message(reasonJson, null, true));
        }
        startSending();
    }

    private boolean enqueue(Message message) {
        boolean kept = true;
        synchronized (this) {
            if (ended) {
                return true;
            }
            if (queue.size() >= capacity) {
                // Too slow for this feed: what is queued is thrown away and replaced by the reason.
                queue.clear();
                queue.add(new Message(EventFeed.notice("dropped", "this client read too slowly: more than " + capacity
                        + " events were waiting to be sent to it; reconnect to follow the events from now on"), null, true));
                ended = true;
                kept = false;
            } else {
                queue.add(message);
            }
        }
        startSending();
        return kept;
    }

    private void startSending() {
        synchronized (this) {
            if (sending || queue.isEmpty()) {
                return;
            }
            sending = true;
        }
        senders.execute(this::send);
    }

    private void send() {
        while (true) {
            Message message;
            synchronized (this) {
                message = queue.poll();
                if (message == null) {
                    sending = false;
                    return;
                }
            }
            try {
                if (message.comment() != null) {
                    emitter.send(SseEmitter.event().comment(message.comment()));
                } else {
                    emitter.send(SseEmitter.event().data(message.json(), MediaType.TEXT_PLAIN));
                }
                if (message.last()) {
                    emitter.complete();
                    finish();
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // The client went away (or its write timed out): nothing more to send it.
                emitter.completeWithError(e);
                finish();
                return;
            }
        }
    }

    /** Stops everything for this client; called from the sender or when the container ends the request. */
    void finish() {
        synchronized (this) {
            ended = true;
            queue.clear();
            sending = false;
        }
        onEnd.accept(this);
    }
}
