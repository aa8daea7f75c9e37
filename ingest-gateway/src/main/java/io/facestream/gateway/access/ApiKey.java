package io.facestream.gateway.access;

import java.time.Instant;
import java.util.Set;

/** A stored key, without its secret. */
public record ApiKey(long id, String name, String prefix, Set<Scope> scopes, Instant createdAt) {

    public boolean allows(Scope needed) {
        return scopes.contains(needed) || scopes.contains(Scope.ADMIN);
    }
}
