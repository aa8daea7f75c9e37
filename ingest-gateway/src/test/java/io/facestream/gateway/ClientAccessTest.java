package io.facestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What client developers meet before their first recognition: the demo page without a key, an OpenAPI
 * description whose "Try it out" sends the key and whose errors have a schema, and CORS for the configured
 * origin only, on REST and on the WebSocket handshake.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "facestream.gateway.kafka-bootstrap-servers=${spring.embedded.kafka.brokers}",
        "facestream.db.schema=" + TestKeys.SCHEMA,
        "facestream.gateway.admin-key=" + TestKeys.ADMIN,
        "facestream.cors.origins=https://app.example.com, https://*.example.org"})
@EmbeddedKafka(partitions = 1)
class ClientAccessTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALLOWED = "https://app.example.com";
    static final String REFUSED = "https://evil.example.net";

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    HttpResponse<String> preflight(String origin) throws Exception {
        return send(request("/api/recognition/recognize").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "x-api-key"));
    }

    @Test
    void demoPageIsServedWithoutAKey() throws Exception {
        HttpResponse<String> redirect = send(request("/demo"));
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location").orElseThrow()).endsWith("/demo/");

        HttpResponse<String> page = send(request("/demo/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("id=\"api-key\"", "id=\"video\"", "id=\"enrol\"", "src=\"demo.js\"");
        HttpResponse<String> script = send(request("/demo/demo.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("../ws/recognize", "api_key", "../api/recognition/register", "X-API-Key");
        // The rest of the API still needs a key.
        assertThat(send(request("/api/people")).statusCode()).isEqualTo(401);
    }

    @Test
    void openApiDeclaresTheKeySchemeTheErrorSchemaAndTheWebSocket() throws Exception {
        JsonNode api = JSON.readTree(send(request("/docs/openapi.json")).body());
        JsonNode scheme = api.at("/components/securitySchemes/apiKey");
        assertThat(scheme.get("type").asText()).isEqualTo("apiKey");
        assertThat(scheme.get("in").asText()).isEqualTo("header");
        assertThat(scheme.get("name").asText()).isEqualTo("X-API-Key");
        assertThat(api.at("/security/0").has("apiKey")).isTrue();

        JsonNode error = api.at("/components/schemas/Error");
        assertThat(type(error.at("/properties/error"))).isEqualTo("string");
        assertThat(type(error.at("/properties/message"))).isEqualTo("string");
        assertThat(type(error.at("/properties/existing_person_id"))).isEqualTo("integer");
        assertThat(error.get("required").toString()).contains("error", "message");

        JsonNode register = api.at("/paths/~1api~1recognition~1register/post/responses");
        for (String status : new String[] {"400", "401", "403", "404", "409", "413", "415", "422", "429", "504"}) {
            assertThat(register.at("/" + status + "/content/application~1json/schema/$ref").asText())
                    .as("register " + status).isEqualTo("#/components/schemas/Error");
        }
        assertThat(register.has("200") || register.has("201")).as("a success answer besides the errors").isTrue();
        JsonNode person = api.at("/paths/~1api~1people~1{id}/get/responses");
        assertThat(person.has("404")).isTrue();
        assertThat(person.has("409")).isFalse();

        JsonNode socket = api.at("/paths/~1ws~1recognize/get");
        assertThat(socket.get("description").asText()).contains("{\"api_key\": \"KEY\"}", "4401", "4403", "1009", "sequence", "busy");
        assertThat(api.at("/info/description").asText()).contains("/ws/recognize", "X-API-Key");
    }

    /** OpenAPI 3.0 writes "type": "string", 3.1 may write "type": ["string"]. */
    static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        return type == null ? "" : type.isArray() ? type.get(0).asText() : type.asText();
    }

    @Test
    void preflightFromTheConfiguredOriginIsAllowedAndFromOthersRefused() throws Exception {
        HttpResponse<String> allowed = preflight(ALLOWED);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase()).contains("x-api-key");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");

        HttpResponse<String> pattern = preflight("https://shop.example.org");
        assertThat(pattern.statusCode()).isEqualTo(200);
        assertThat(pattern.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.org");

        HttpResponse<String> refused = preflight(REFUSED);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // A refusal to an allowed origin carries the CORS headers, so the page can read why.
        HttpResponse<String> noKey = send(request("/api/people").header("Origin", ALLOWED));
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
        assertThat(JSON.readTree(noKey.body()).get("error").asText()).isEqualTo("missing_api_key");
    }

    @Test
    void webSocketHandshakeFollowsTheSameOrigins() throws Exception {
        assertThat(handshake(ALLOWED)).isTrue();
        assertThat(handshake(REFUSED)).isFalse();
        // Not a browser (no Origin header): always allowed; the key decides.
        assertThat(handshake(null)).isTrue();
    }

    boolean handshake(String origin) throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/recognize?api_key=" + TestKeys.ADMIN),
                    new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfAny(java.net.http.WebSocketHandshakeException.class, CompletionException.class);
            return false;
        }
    }
}
