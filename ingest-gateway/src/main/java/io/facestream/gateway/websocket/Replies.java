package io.facestream.gateway.websocket;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.facestream.gateway.recognition.Answers;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;

/** What the WebSocket sends, built from the same records and error codes as the REST answers. */
final class Replies {

    private Replies() {
    }

    /** A frame's answer: recognize's, plus the frame's sequence. */
    record Recognized(long sequence, List<Answers.RecognizedFace> recognizedFaces, List<Answers.UnknownFace> unknownFaces, float threshold) {

        static Recognized of(long sequence, Answers.RecognizeResponse answer) {
            return new Recognized(sequence, answer.recognizedFaces(), answer.unknownFaces(), answer.threshold());
        }
    }

    record Error(String code, String message) {
    }

    /** @param sequence the frame it answers; absent for a text message, which has none */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Failed(Long sequence, Error error) {

        static Failed of(Long sequence, ApiError error, String message) {
            return new Failed(sequence, new Error(error.code(), message));
        }

        static Failed of(Long sequence, ApiException e) {
            return new Failed(sequence, new Error(e.error(), e.getMessage()));
        }
    }

    record Authenticated(boolean authenticated) {
    }

    /** Live mode: the frame was replaced by a newer one before it reached the pipeline, so it has no answer. */
    record Skipped(long sequence, boolean skipped) {
    }
}
