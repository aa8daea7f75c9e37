package io.facestream.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.web.ApiError;

/**
 * API keys in PostgreSQL. A key is "fs_" and 43 characters of 256-bit randomness; only its SHA-256
 * is stored, so the table alone never lets anyone in. The whole key is shown once, when it is made.
 */
@Service
public class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PREFIX = "fs_";

    /** A new key: what the caller must keep, and what is stored. */
    public record Created(String key, ApiKey stored) {
    }

    private final JdbcClient jdbc;
    private final GatewayProperties properties;

    public ApiKeys(JdbcClient jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** The first admin key: from configuration, or made and logged once when the table holds none. */
    @EventListener(ApplicationReadyEvent.class)
    public void ensureAdminKey() {
        String configured = properties.adminKey();
        if (configured != null && !configured.isBlank()) {
            if (configured.length() < 20) {
                throw new IllegalStateException("facestream.gateway.admin-key must be at least 20 characters");
            }
            if (find(configured).isEmpty()) {
                insert("configured admin", configured, EnumSet.of(Scope.ADMIN));
                log.info("admin API key from configuration stored (hashed)");
            }
            return;
        }
        // One gateway among several starting together may race here; the advisory lock makes one of them the creator.
        jdbc.sql("select pg_advisory_lock(7236001)").query().singleRow();
        try {
            Integer admins = jdbc.sql("select count(*) from api_key where revoked_at is null and 'admin' = any(scopes)").query(Integer.class).single();
            if (admins == 0) {
                Created first = create("first admin", EnumSet.of(Scope.ADMIN));
                log.warn("\n\n  No API key existed, so an admin key was created. It is shown only this once:\n\n    {}\n\n"
                        + "  Keep it; make narrower keys with POST /api/keys.\n", first.key());
            }
        } finally {
            jdbc.sql("select pg_advisory_unlock(7236001)").query().singleRow();
        }
    }

    public Created create(String name, Set<Scope> scopes) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Created(key, insert(name, key, scopes));
    }

    private ApiKey insert(String name, String key, Set<Scope> scopes) {
        String[] values = scopes.stream().map(Scope::value).sorted().toArray(String[]::new);
        long id = jdbc.sql("insert into api_key (name, key_hash, key_prefix, scopes) values (?, ?, ?, ?) returning id")
                .params(name, hash(key), key.substring(0, Math.min(8, key.length())), values)
                .query(Long.class).single();
        return get(id).orElseThrow();
    }

    /**
     * A presented secret checked for a scope: the one key check of the REST filter and the WebSocket.
     * Over 200 characters is no key of ours (they are 46), so it is refused before hashing.
     *
     * @param what names what needs the scope, for the refusal's message
     */
    public Access authorize(String presented, Scope scope, String what) {
        if (presented == null || presented.isBlank()) {
            return Access.refused(ApiError.MISSING_API_KEY, "send an API key in the " + ApiKeyFilter.HEADER + " header");
        }
        Optional<ApiKey> key = presented.length() > 200 ? Optional.empty() : find(presented.strip());
        if (key.isEmpty()) {
            return Access.refused(ApiError.INVALID_API_KEY, "the API key is unknown or revoked");
        }
        if (!key.get().allows(scope)) {
            return Access.refused(ApiError.FORBIDDEN, "this key's scopes " + key.get().scopes().stream().map(Scope::value).toList()
                    + " do not include '" + scope.value() + "', which " + what + " needs");
        }
        return Access.granted(key.get());
    }

    /**
     * The live key this secret belongs to. While PostgreSQL cannot be reached, a key this gateway has checked within the
     * last {@link #OUTAGE_GRACE} is still accepted, so recognition goes on through a database outage (the people the
     * matcher names are in its memory); an unknown key is then refused with the database error (500), never let in. A key
     * revoked through another gateway shortly before the outage may so stay usable here until the database is back or
     * the grace ends.
     */
    public Optional<ApiKey> find(String key) {
        byte[] hash = hash(key);
        String cacheKey = Base64.getEncoder().encodeToString(hash);
        try {
            Optional<ApiKey> found = jdbc.sql("select id, name, key_prefix, scopes, created_at from api_key where key_hash = ? and revoked_at is null")
                    .param(hash).query(ApiKeys::row).optional();
            found.ifPresentOrElse(live -> checked.put(cacheKey, new Checked(live, System.nanoTime())), () -> checked.remove(cacheKey));
            return found;
        } catch (org.springframework.dao.DataAccessResourceFailureException e) {
            Checked last = checked.get(cacheKey);
            if (last != null && System.nanoTime() - last.atNanos() < OUTAGE_GRACE.toNanos()) {
                log.warn("PostgreSQL unreachable; key {} accepted as checked {} s ago ({})", last.key().prefix(),
                        (System.nanoTime() - last.atNanos()) / 1_000_000_000L, e.getMostSpecificCause().getMessage());
                return Optional.of(last.key());
            }
            throw e;
        }
    }

    /** How long a checked key is trusted while the database is down. */
    static final java.time.Duration OUTAGE_GRACE = java.time.Duration.ofMinutes(10);

    private record Checked(ApiKey key, long atNanos) {
    }

    private final java.util.Map<String, Checked> checked = new java.util.concurrent.ConcurrentHashMap<>();

    public Optional<ApiKey> get(long id) {
        return jdbc.sql("select id, name, key_prefix, scopes, created_at from api_key where id = ? and revoked_at is null")
                .param(id).query(ApiKeys::row).optional();
    }

    public List<ApiKey> list() {
        return jdbc.sql("select id, name, key_prefix, scopes, created_at from api_key where revoked_at is null order by id")
                .query(ApiKeys::row).list();
    }

    /** Revoked keys stay as rows (who had access, until when) but never authenticate again. */
    public boolean revoke(long id) {
        checked.values().removeIf(entry -> entry.key().id() == id);
        return jdbc.sql("update api_key set revoked_at = now() where id = ? and revoked_at is null").param(id).update() > 0;
    }

    private static ApiKey row(ResultSet rs, int rowNum) throws SQLException {
        Array array = rs.getArray("scopes");
        Set<Scope> scopes = Arrays.stream((String[]) array.getArray()).map(Scope::parse)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
        return new ApiKey(rs.getLong("id"), rs.getString("name"), rs.getString("key_prefix"), scopes,
                rs.getTimestamp("created_at").toInstant());
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
