package io.facestream.gateway.events;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Track events as Server-Sent Events rather than a WebSocket: the stream only flows one way, an {@code EventSource}
 * in a browser reconnects by itself, and curl, Home Assistant's and Node-RED's SSE clients and every HTTP proxy speak
 * plain HTTP. A WebSocket would add nothing a client needs here.
 */
@RestController
@Tag(name = "events")
public class EventsController {

    static final String DESCRIPTION = """
            Track events as Server-Sent Events (`text/event-stream`), from the moment of connecting: one `data:` line of JSON \
            per event, `{"kind": "started" | "identified" | "identity_changed" | "ended", "camera", "source_kind", "track_id", \
            "time", "person": {"id", "name", "similarity"} | null, "previous_person", "confidence", "faces_seen", "first_seen", \
            "last_seen", "duration_ms", "best_similarity", "best_face": {"frame_id", "box": [x, y, w, h], "face_id"}}`. \
            A comment (`: keep-alive`) every 15 s keeps proxies from closing an idle stream; `: subscribed` comes first. \
            A client that reads too slowly (1000 events waiting for it) gets `{"kind": "dropped", "reason"}` and the stream \
            ends; a stopping gateway sends `{"kind": "closing", "reason"}`. Needs the `recognize` scope; EventSource cannot \
            set headers, so the key may come as `?api_key=`.""";

    private final EventFeed feed;

    public EventsController(EventFeed feed) {
        this.feed = feed;
    }

    @GetMapping("/api/events")
    @Operation(summary = "Follow track events (started, identified, identity changed, ended) as Server-Sent Events",
            description = DESCRIPTION,
            responses = @ApiResponse(responseCode = "200", description = "the event stream",
                    content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = EventView.class))))
    public SseEmitter events(
            @Parameter(description = "source ids (camera ids) to follow; repeat it or separate ids with commas; none: every camera")
            @RequestParam(name = "camera", required = false) List<String> cameras,
            @Parameter(description = "person ids to follow: events whose identity (or identity before a change) is one of them; "
                    + "none: everyone and unknown faces")
            @RequestParam(name = "person", required = false) List<String> people,
            @Parameter(description = "the API key, for clients that cannot set the X-API-Key header (EventSource)")
            @RequestParam(name = "api_key", required = false) String apiKey) {
        return feed.subscribe(EventFilter.parse(cameras, people));
    }
}
