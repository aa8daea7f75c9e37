package io.facestream.local;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A client of one running gateway, as a user's program would call it. */
final class Gateway {

    record Answer(int status, JsonNode body) {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final RestClient http;

    Gateway(String baseUrl, String apiKey) {
        this.http = RestClient.builder().baseUrl(baseUrl).defaultHeader("X-API-Key", apiKey).build();
    }

    Answer detect(Path photo) {
        return post("/api/recognition/detect", form(photo, null, null));
    }

    Answer recognize(Path photo) {
        return post("/api/recognition/recognize", form(photo, null, null));
    }

    Answer register(String name, Path photo) {
        return post("/api/recognition/register", form(photo, name, null));
    }

    Answer registerFace(String name, String faceId) {
        return post("/api/recognition/register", form(null, name, faceId));
    }

    Answer upload(String route, String filename, byte[] bytes, String name) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("file", file(filename, bytes));
        if (name != null) {
            form.add("name", name);
        }
        return post(route, form);
    }

    Answer get(String path) {
        return http.get().uri(path).exchange((request, response) -> answer(response.getStatusCode(), response.getBody().readAllBytes()));
    }

    Answer delete(String path) {
        return http.delete().uri(path).exchange((request, response) -> answer(response.getStatusCode(), response.getBody().readAllBytes()));
    }

    Answer patchJson(String path, String json) {
        return http.patch().uri(path).contentType(MediaType.APPLICATION_JSON).body(json)
                .exchange((request, response) -> answer(response.getStatusCode(), response.getBody().readAllBytes()));
    }

    Answer postJson(String path, String json) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json)
                .exchange((request, response) -> answer(response.getStatusCode(), response.getBody().readAllBytes()));
    }

    /** A multipart form: Path values become file parts, everything else a field. */
    Answer postForm(String path, Object... namesAndValues) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            if (value instanceof Path photo) {
                try {
                    value = file(photo.getFileName().toString(), Files.readAllBytes(photo));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            form.add((String) namesAndValues[i], value instanceof ByteArrayResource ? value : String.valueOf(value));
        }
        return post(path, form);
    }

    private Answer post(String path, MultiValueMap<String, Object> form) {
        return http.post().uri(path).contentType(MediaType.MULTIPART_FORM_DATA).body(form)
                .exchange((request, response) -> answer(response.getStatusCode(), response.getBody().readAllBytes()));
    }

    private static Answer answer(HttpStatusCode status, byte[] body) throws java.io.IOException {
        return new Answer(status.value(), body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body));
    }

    private static MultiValueMap<String, Object> form(Path photo, String name, String faceId) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        if (photo != null) {
            try {
                form.add("file", file(photo.getFileName().toString(), Files.readAllBytes(photo)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (name != null) {
            form.add("name", name);
        }
        if (faceId != null) {
            form.add("face_id", faceId);
        }
        return form;
    }

    private static ByteArrayResource file(String filename, byte[] bytes) {
        return new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return filename;
            }
        };
    }
}
