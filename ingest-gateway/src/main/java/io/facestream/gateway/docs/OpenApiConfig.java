package io.facestream.gateway.docs;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.facestream.gateway.access.ApiKeyFilter;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The API description at /docs: the {@code X-API-Key} scheme (so Swagger UI's "Authorize" and "Try it out"
 * send the key), the JSON error body on every operation with the statuses that operation can answer, and the
 * WebSocket protocol, which OpenAPI cannot model, as prose in the description and on a documented
 * {@code GET /ws/recognize} (the upgrade request).
 */
@Configuration
public class OpenApiConfig {

    static final String KEY_SCHEME = "apiKey";
    static final String ERROR_SCHEMA = "Error";
    static final String ERROR_REF = "#/components/schemas/" + ERROR_SCHEMA;

    @Bean
    public OpenAPI facestreamOpenApi() {
        return new OpenAPI()
                .info(new Info().title("facestream").description(WebSocketProtocol.API_DESCRIPTION))
                .components(new Components()
                        .addSecuritySchemes(KEY_SCHEME, new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER)
                                .name(ApiKeyFilter.HEADER).description("An API key (fs_...). Scopes: 'recognize' for detect, recognize, verify "
                                        + "and the WebSocket; 'admin' for enrolment, people and keys (an admin key may also recognize).")))
                .addSecurityItem(new SecurityRequirement().addList(KEY_SCHEME));
    }

    /** The body of every 4xx and 5xx (ErrorHandler, ApiKeyFilter, JsonErrorAttributes). */
    static Schema<?> errorSchema() {
        return new ObjectSchema().description("Every error: a stable code and a human-readable reason")
                .addProperty("error", new StringSchema().description("stable code, e.g. invalid_image, no_face, low_quality, already_enrolled, "
                        + "missing_api_key, rate_limited, timeout").example("no_face"))
                .addProperty("message", new StringSchema().description("what was wrong, for people").example("no face found in the photo"))
                .addProperty("existing_person_id", new IntegerSchema().format("int64")
                        .description("only with 409 already_enrolled: the enrolled person the face matched"))
                .addRequiredItem("error").addRequiredItem("message");
    }

    @Bean
    public OpenApiCustomizer errorResponses() {
        return openApi -> {
            // Added here rather than on the OpenAPI bean: springdoc rebuilds the schemas from the controllers.
            openApi.getComponents().addSchemas(ERROR_SCHEMA, errorSchema());
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                if (path.startsWith("/api/")) {
                    errors(path, method, operation).forEach((status, description) -> addError(operation, status, description));
                }
            }));
            openApi.getPaths().addPathItem("/ws/recognize", webSocketPath());
        };
    }

    /** The statuses an operation can answer besides success, each with the error codes that come with it. */
    static Map<String, String> errors(String path, PathItem.HttpMethod method, Operation operation) {
        Map<String, String> errors = new LinkedHashMap<>();
        boolean writes = method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PATCH;
        boolean multipart = operation.getRequestBody() != null && operation.getRequestBody().getContent() != null
                && operation.getRequestBody().getContent().containsKey("multipart/form-data");
        // Everything that changes people or looks at a photo is a frame through the pipeline; keys and listings are not.
        boolean pipeline = path.startsWith("/api/recognition/") || (path.startsWith("/api/people/") && method != PathItem.HttpMethod.GET);
        if (writes || path.equals("/api/people") || path.equals("/api/events")) {
            errors.put("400", "invalid input: invalid_image (not a readable JPEG or PNG), unsupported_file_type, missing_field, "
                    + "invalid_name, invalid_face_id, invalid_request, invalid_json");
        }
        errors.put("401", "missing_api_key or invalid_api_key");
        errors.put("403", "forbidden: the key lacks the scope this route needs");
        if (path.contains("{") || path.endsWith("/register") || path.endsWith("/verify")) {
            errors.put("404", "person_not_found, face_not_found (a face_id unknown or older than 60 s), key_not_found");
        }
        if (path.endsWith("/register")) {
            errors.put("409", "already_enrolled: the face matches an enrolled person (existing_person_id); send same_person=true to add it to them");
        }
        if (multipart) {
            errors.put("413", "too_large (upload over the size limit) or image_too_large (header claims too many pixels)");
        }
        if (writes) {
            errors.put("415", "unsupported_media_type: wrong Content-Type for this route");
        }
        if (multipart && pipeline) {
            if (!path.endsWith("/detect") && !path.endsWith("/recognize")) {
                // detect and recognize answer a photo without a face with empty lists.
                errors.put("422", "no_face, or for enrolment: multiple_faces, low_quality (fails the enrolment quality gate)");
            }
        }
        if (path.startsWith("/api/replays") && path.endsWith("/person")) {
            errors.put("404", "replay_not_found: no such replay, or no such cluster in its report");
            errors.put("409", "replay_not_finished: the replay is still running, failed or was cancelled");
        } else if (path.startsWith("/api/replays")) {
            if (method == PathItem.HttpMethod.POST) {
                errors.put("404", "person_not_found: a person asked for is not enrolled (never was, or erased)");
                errors.put("409", "replay_busy: a replay is running; one runs at a time");
                errors.put("410", "frames_expired: the range starts before the oldest frame Kafka still keeps");
                errors.put("422", "no_frames: nothing was ever published to the topic the replay reads");
            } else {
                errors.put("404", "replay_not_found: no such replay, or no such file of it");
            }
        }
        errors.put("429", "rate_limited: too many requests for this key; see the Retry-After header");
        errors.put("500", "internal");
        if (pipeline) {
            errors.put("504", "timeout: the pipeline did not answer in time");
        }
        return errors;
    }

    private static void addError(Operation operation, String status, String description) {
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        if (!operation.getResponses().containsKey(status)) {
            operation.getResponses().addApiResponse(status, errorResponse(description));
        }
    }

    static ApiResponse errorResponse(String description) {
        return new ApiResponse().description(description)
                .content(new Content().addMediaType("application/json", new MediaType().schema(new Schema<>().$ref(ERROR_REF))));
    }

    /** The upgrade request, so the WebSocket shows up among the routes with a pointer to the protocol. */
    static PathItem webSocketPath() {
        Operation upgrade = new Operation().operationId("recognizeWebSocket").addTagsItem("websocket")
                .summary("Live recognition over a WebSocket (not callable from Swagger UI: open it with a WebSocket client)")
                .description(WebSocketProtocol.MARKDOWN)
                .addParametersItem(new Parameter().in("query").name("api_key").required(false).schema(new StringSchema())
                        .description("the API key, for clients that cannot set headers (or send it as the first message)"))
                .addParametersItem(new Parameter().in("query").name("mode").required(false)
                        .schema(new StringSchema()._default("ordered")._enum(java.util.List.of("ordered", "live")))
                        .description("ordered: every frame answered in order (analysis); live: the newest frame replaces one still "
                                + "waiting, which is answered skipped (live video)"))
                .responses(new ApiResponses()
                        .addApiResponse("101", new ApiResponse().description("switching protocols: the WebSocket is open"))
                        .addApiResponse("400", errorResponse("invalid_request: a mode other than ordered or live"))
                        .addApiResponse("401", errorResponse("invalid_api_key: the key in the header or query is unknown or revoked"))
                        .addApiResponse("403", new ApiResponse().description("the page's origin is not in FACESTREAM_CORS_ORIGINS, "
                                + "or the key lacks the 'recognize' scope")));
        return new PathItem().get(upgrade);
    }
}
