package io.facestream.gateway.docs;

/** The WebSocket protocol of /ws/recognize in words, for the API description (RecognitionSocketHandler implements it). */
final class WebSocketProtocol {

    static final String MARKDOWN = """
            **`/ws/recognize`: live video.** Open `ws://HOST/ws/recognize` (`wss://` behind TLS), optionally with `?mode=live`.

            1. **Key.** Send it as the `X-API-Key` header, as `?api_key=KEY`, or (browsers cannot set headers) as the first
               text message `{"api_key": "KEY"}`, answered `{"authenticated": true}`. Without a valid key within 10 s the
               connection is closed with code **4401**; a key without the `recognize` scope gets **4403**.
            2. **Frames.** Send each image (JPEG or PNG bytes) as **one binary message**. Each one gets exactly **one text
               reply, in the order sent**, numbered from 0 by `sequence`:
               `{"sequence": 0, "recognized_faces": [{"id", "name", "similarity", "box": [x, y, w, h], "face_id", "low_quality",
               "quality_issues"}], "unknown_faces": [{"box", "face_id", "best_similarity", "low_quality", "quality_issues"}],
               "threshold": 0.289}`, shaped like `POST /api/recognition/recognize`; a frame without faces gets empty lists.
               A `face_id` can be enrolled for 60 s with `POST /api/recognition/register` (`name`, `face_id`).
               The connection is a camera to the tracker: each face also carries `track_id` (the same while the same face
               stays in view) and `track`: `{"person_id", "name", "similarity", "faces_seen"}`, the track's identity voted
               over its faces (`person_id` and `name` null until the vote is decisive); it is steadier than one frame's match,
               so a face can be in `unknown_faces` for this frame while its track is named.
            3. **Modes.** `ordered` (the default, for analysis): every frame goes into the pipeline and is answered, however
               late; beyond 32 waiting, frames are answered `busy`. `live` (`?mode=live`, for live video): at most 2 frames
               of the connection are in the pipeline and 1 waits; a newer frame replaces the waiting one, which is answered
               `{"sequence": 7, "skipped": true}`. Every frame still gets exactly one reply, in order, and the newest frame is
               never the one replaced, so under overload answers stay fresh instead of queueing for seconds. Any other
               `mode` is refused at the handshake with 400.
            4. **Errors** keep the connection open: `{"sequence": 1, "error": {"code", "message"}}` with code `invalid_image`,
               `image_too_large`, `busy` (more than 32 frames of this connection wait for the pipeline: this one was dropped,
               not sent), `rate_limited` (every frame counts against the key's requests per minute), `timeout` or `internal`.
               A text message after the key gets `{"error": {"code": "binary_frames_only"}}`.
            5. **Closing.** A message over the frame size limit (8 MB by default) closes the connection with **1009**.

            Browsers on another origin than the gateway need it listed in `FACESTREAM_CORS_ORIGINS`.
            The page at `/demo` is a working client: webcam frames in, boxes and names drawn over the video.

            **`GET /api/events`: track events** (started, identified, identity changed, ended) of every camera and connection,
            as Server-Sent Events, filtered by `camera` and `person`; see that route.
            """;

    static final String API_DESCRIPTION = """
            Face recognition through a Kafka Streams pipeline: enrol people, then recognize them in photos and live video.
            Every route needs an API key in the `X-API-Key` header (use **Authorize** above). Errors are JSON
            `{"error": "code", "message": "..."}` (schema `Error`).

            """ + MARKDOWN;

    private WebSocketProtocol() {
    }
}
