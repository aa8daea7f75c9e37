package io.facestream.gateway.access;

import io.facestream.gateway.web.ApiError;

/**
 * A presented key checked for a scope: granted with its key, or refused with the reason (missing_api_key,
 * invalid_api_key: 401; forbidden: 403). REST answers the refusal as JSON, the WebSocket closes with 4401 or 4403.
 */
public record Access(ApiKey key, ApiError refusal, String message) {

    static Access granted(ApiKey key) {
        return new Access(key, null, null);
    }

    static Access refused(ApiError refusal, String message) {
        return new Access(null, refusal, message);
    }

    public boolean isGranted() {
        return key != null;
    }
}
