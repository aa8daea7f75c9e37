package io.facestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.web.client.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.facestream.gateway.access.ApiKeys;
import io.facestream.gateway.access.Scope;

/** Every route against no key, a wrong key, a key of the wrong scope and the right one; keys made and revoked; the rate limit. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "facestream.gateway.kafka-bootstrap-servers=${spring.embedded.kafka.brokers}",
        "facestream.gateway.reply-timeout=1s",
        "facestream.gateway.requests-per-minute=60",
        "facestream.db.schema=" + TestKeys.SCHEMA,
        "facestream.gateway.admin-key=" + TestKeys.ADMIN})
@EmbeddedKafka(partitions = 1)
class ApiKeyTest {

    static final ObjectMapper JSON = new ObjectMapper();

    record Route(HttpMethod method, String path, Scope scope) {
    }

    static final List<Route> ROUTES = List.of(
            new Route(HttpMethod.POST, "/api/recognition/detect", Scope.RECOGNIZE),
            new Route(HttpMethod.POST, "/api/recognition/recognize", Scope.RECOGNIZE),
            new Route(HttpMethod.POST, "/api/recognition/verify", Scope.RECOGNIZE),
            new Route(HttpMethod.POST, "/api/recognition/register", Scope.ADMIN),
            new Route(HttpMethod.GET, "/api/people", Scope.ADMIN),
            new Route(HttpMethod.GET, "/api/people/1", Scope.ADMIN),
            new Route(HttpMethod.PATCH, "/api/people/1", Scope.ADMIN),
            new Route(HttpMethod.DELETE, "/api/people/1", Scope.ADMIN),
            new Route(HttpMethod.POST, "/api/people/1/faces", Scope.ADMIN),
            new Route(HttpMethod.DELETE, "/api/people/1/faces/2", Scope.ADMIN),
            new Route(HttpMethod.GET, "/api/keys", Scope.ADMIN),
            new Route(HttpMethod.POST, "/api/keys", Scope.ADMIN),
            new Route(HttpMethod.DELETE, "/api/keys/999999", Scope.ADMIN),
            new Route(HttpMethod.GET, "/actuator/prometheus", Scope.ADMIN));

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    record Answer(int status, JsonNode body, String retryAfter) {
    }

    Answer call(Route route, String key) {
        RestClient.RequestBodySpec request = RestClient.create("http://127.0.0.1:" + port).method(route.method()).uri(route.path());
        if (key != null) {
            request.header("X-API-Key", key);
        }
        if (route.method() == HttpMethod.PATCH || (route.method() == HttpMethod.POST && route.path().equals("/api/keys"))) {
            request.contentType(MediaType.APPLICATION_JSON).body("{}");
        }
        return request.exchange((req, response) -> {
            byte[] body = response.getBody().readAllBytes();
            // On Boot 4 /actuator/prometheus answers in tests too, in Prometheus' text format, not JSON.
            boolean isJson = MediaType.APPLICATION_JSON.isCompatibleWith(response.getHeaders().getContentType());
            JsonNode json = body.length == 0 || !isJson ? null : JSON.readTree(body);
            return new Answer(response.getStatusCode().value(), json, response.getHeaders().getFirst("Retry-After"));
        });
    }

    Answer createKey(String json) {
        return RestClient.create("http://127.0.0.1:" + port).post().uri("/api/keys").header("X-API-Key", TestKeys.ADMIN)
                .contentType(MediaType.APPLICATION_JSON).body(json)
                .exchange((req, response) -> new Answer(response.getStatusCode().value(), JSON.readTree(response.getBody().readAllBytes()), null));
    }

    @Test
    void everyRouteRefusesAMissingOrUnknownKeyWith401() {
        for (Route route : ROUTES) {
            for (String key : new String[] {null, "fs_not_a_real_key_at_all_00000000000000000", "x".repeat(500)}) {
                Answer answer = call(route, key);
                assertThat(answer.status()).as(route + " with " + key).isEqualTo(401);
                assertThat(answer.body().get("error").asText()).isIn("missing_api_key", "invalid_api_key");
                assertThat(answer.body().get("message").asText()).isNotBlank();
            }
        }
    }

    @Test
    void aRecognizeKeyIsRefusedAdminRoutesWith403AndAllowedTheOthers() {
        String recognizeKey = keys.create("camera wall", EnumSet.of(Scope.RECOGNIZE)).key();
        for (Route route : ROUTES) {
            Answer answer = call(route, recognizeKey);
            if (route.scope() == Scope.ADMIN) {
                assertThat(answer.status()).as(route.toString()).isEqualTo(403);
                assertThat(answer.body().get("error").asText()).isEqualTo("forbidden");
            } else {
                // Past authentication: the route itself answers (here: 4xx for the missing upload).
                assertThat(answer.status()).as(route.toString()).isNotIn(401, 403, 429);
            }
        }
    }

    @Test
    void anAdminKeyPassesEveryRoute() {
        for (Route route : ROUTES) {
            assertThat(call(route, TestKeys.ADMIN).status()).as(route.toString()).isNotIn(401, 403, 429);
        }
    }

    @Test
    void healthAndDocsNeedNoKey() {
        assertThat(call(new Route(HttpMethod.GET, "/docs/openapi.json", null), null).status()).isEqualTo(200);
        assertThat(call(new Route(HttpMethod.GET, "/actuator/health", null), null).status()).isIn(200, 503);
    }

    @Test
    void keysAreCreatedShownOnceAndRevoked() {
        Answer created = createKey("{\"name\": \"door camera\", \"scopes\": [\"recognize\"]}");
        assertThat(created.status()).isEqualTo(201);
        String key = created.body().get("key").asText();
        long id = created.body().get("stored").get("id").asLong();
        assertThat(key).startsWith("fs_").hasSizeGreaterThan(40);

        Answer listed = call(new Route(HttpMethod.GET, "/api/keys", Scope.ADMIN), TestKeys.ADMIN);
        assertThat(listed.body().toString()).contains("door camera").doesNotContain(key);
        assertThat(call(new Route(HttpMethod.GET, "/api/people", Scope.ADMIN), key).status()).isEqualTo(403);

        assertThat(call(new Route(HttpMethod.DELETE, "/api/keys/" + id, Scope.ADMIN), TestKeys.ADMIN).status()).isEqualTo(204);
        assertThat(call(new Route(HttpMethod.POST, "/api/recognition/detect", Scope.RECOGNIZE), key).status()).isEqualTo(401);

        Answer badScope = createKey("{\"name\": \"x\", \"scopes\": [\"root\"]}");
        assertThat(badScope.status()).isEqualTo(400);
        assertThat(badScope.body().get("error").asText()).isEqualTo("invalid_scopes");
    }

    @Test
    void aKeyOverItsRateLimitGets429WithRetryAfterAndOtherKeysDoNot() {
        String busy = keys.create("busy", EnumSet.of(Scope.RECOGNIZE)).key();
        String calm = keys.create("calm", EnumSet.of(Scope.RECOGNIZE)).key();
        Route route = new Route(HttpMethod.POST, "/api/recognition/detect", Scope.RECOGNIZE);
        Answer last = null;
        for (int i = 0; i < 61; i++) {
            last = call(route, busy);
        }
        // Unless the minute turned during the loop, the 61st request is over the limit of 60.
        if (last.status() != 429) {
            for (int i = 0; i < 61 && last.status() != 429; i++) {
                last = call(route, busy);
            }
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.body().get("error").asText()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(last.retryAfter())).isBetween(1, 60);
        assertThat(call(route, calm).status()).isNotEqualTo(429);
    }

    @Test
    void webSocketWithoutAKeyIsClosedWith4401AndAWrongScopeWith4403() throws Exception {
        assertThat(closeCodeAfter(null, "{\"api_key\": \"fs_wrong\"}")).isEqualTo(4401);
        assertThat(closeCodeAfter(null, "hello")).isEqualTo(4401);
        String adminOnly = keys.create("admin only", EnumSet.of(Scope.ADMIN)).key();
        String recognize = keys.create("viewer", EnumSet.of(Scope.RECOGNIZE)).key();
        assertThat(closeCodeAfter(null, "{\"api_key\": \"" + recognize + "\"}")).as("accepted: stays open").isEqualTo(-1);
        assertThat(closeCodeAfter(recognize, "hello")).as("key in the query: stays open").isEqualTo(-1);
        assertThat(adminOnly).isNotNull();
    }

    /** Opens a socket (key in the query if given), sends one text message, returns the close code or -1 if it stayed open 2 s. */
    int closeCodeAfter(String queryKey, String firstMessage) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        String uri = "ws://127.0.0.1:" + port + "/ws/recognize" + (queryKey == null ? "" : "?api_key=" + queryKey);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(uri), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        socket.sendText(firstMessage, true).get(5, TimeUnit.SECONDS);
        try {
            return closed.get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            socket.abort();
            return -1;
        }
    }
}
