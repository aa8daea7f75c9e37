package io.facestream.gateway.access;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.facestream.gateway.recognition.Names;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/keys")
@Tag(name = "keys", description = "API keys (admin scope). A key is shown once, when it is created.")
public class KeyController {

    public record CreateKey(String name, List<String> scopes) {
    }

    public record KeyView(long id, String name, String prefix, List<String> scopes, Instant createdAt) {
        static KeyView of(ApiKey key) {
            return new KeyView(key.id(), key.name(), key.prefix(), key.scopes().stream().map(Scope::value).sorted().toList(), key.createdAt());
        }
    }

    public record CreatedKey(String key, KeyView stored) {
    }

    private final ApiKeys keys;

    public KeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @PostMapping
    @Operation(summary = "Create a key with scopes 'recognize' and/or 'admin'; the answer holds the key, which is never shown again")
    public ResponseEntity<CreatedKey> create(@RequestBody CreateKey request) {
        if (request == null) {
            throw new ApiException(ApiError.INVALID_REQUEST, "send {\"name\": ..., \"scopes\": [\"recognize\"]}");
        }
        String name = Names.valid(request.name(), "name");
        if (request.scopes() == null || request.scopes().isEmpty()) {
            throw new ApiException(ApiError.INVALID_SCOPES, "scopes must list 'recognize' and/or 'admin'");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String scope : request.scopes()) {
            try {
                scopes.add(Scope.parse(scope));
            } catch (IllegalArgumentException e) {
                throw new ApiException(ApiError.INVALID_SCOPES, e.getMessage());
            }
        }
        ApiKeys.Created created = keys.create(name, scopes);
        return ResponseEntity.status(HttpStatus.CREATED).body(new CreatedKey(created.key(), KeyView.of(created.stored())));
    }

    @GetMapping
    @Operation(summary = "Live keys, without their secrets")
    public List<KeyView> list() {
        return keys.list().stream().map(KeyView::of).toList();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke a key; requests with it are refused from now on")
    public ResponseEntity<Void> revoke(@PathVariable long id) {
        if (!keys.revoke(id)) {
            throw new ApiException(ApiError.KEY_NOT_FOUND, "no live key " + id);
        }
        return ResponseEntity.noContent().build();
    }
}
