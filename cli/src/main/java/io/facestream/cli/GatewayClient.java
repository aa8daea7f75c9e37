package io.facestream.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The REST calls the commands make, with the key in X-API-Key; answers as status and JSON body. */
public final class GatewayClient {

    public record Answer(int status, JsonNode body, String retryAfter) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API's error code ("no_face", "already_enrolled", ...), or "http_STATUS" when the body has none. */
        public String error() {
            return body.hasNonNull("error") ? body.get("error").asText() : "http_" + status;
        }

        public String message() {
            return body.hasNonNull("message") ? body.get("message").asText() : "HTTP " + status;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than the gateway's own 15 s pipeline timeout, so its 504 arrives instead of ours. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public GatewayClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    public URI base() {
        return base;
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    /** A multipart/form-data POST; values that are {@link FilePart} become file parts, the rest text fields. */
    public Answer postForm(String path, Map<String, Object> fields) {
        String boundary = "facestream-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                body.write(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
                if (field.getValue() instanceof FilePart file) {
                    body.write(("Content-Disposition: form-data; name=\"" + field.getKey() + "\"; filename=\"" + quoted(file.filename())
                            + "\"\r\nContent-Type: " + file.contentType() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    body.write(file.bytes());
                } else {
                    body.write(("Content-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    body.write(String.valueOf(field.getValue()).getBytes(StandardCharsets.UTF_8));
                }
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    public record FilePart(String filename, String contentType, byte[] bytes) {
    }

    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).header("X-API-Key", apiKey)
                .header("Accept", "application/json");
    }

    private Answer send(HttpRequest.Builder request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the gateway at " + base + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage())
                    + "); is it running? (--url)", e);
        } catch (HttpTimeoutException e) {
            throw new CliException("the gateway at " + base + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new CliException("talking to the gateway at " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode().put("error", "http_" + response.statusCode()).put("message", "the gateway's answer is not JSON");
        }
        return new Answer(response.statusCode(), body, response.headers().firstValue("Retry-After").orElse(null));
    }

    private static String quoted(String filename) {
        return filename.replace("\"", "%22").replace("\r", "").replace("\n", "");
    }
}
