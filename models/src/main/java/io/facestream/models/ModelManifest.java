package io.facestream.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The list of model files facestream knows, read from {@code models.json} on the classpath. */
public record ModelManifest(List<ModelSpec> models) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Document(List<ModelSpec> models) {
    }

    public static ModelManifest load() {
        try (InputStream in = ModelManifest.class.getResourceAsStream("models.json")) {
            return new ModelManifest(new ObjectMapper().readValue(in, Document.class).models());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model manifest", e);
        }
    }

    public ModelSpec get(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("unknown model '" + name + "'; known: "
                        + models.stream().map(ModelSpec::name).toList()));
    }
}
