package io.facestream.replay;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What to replay: frames captured in [from, to), of some cameras (all when empty), reported for some enrolled people
 * (everyone when empty). Sorted sets, so two equal requests write byte-equal reports.
 */
public record ReplayRequest(Instant from, Instant to, SortedSet<String> cameras, SortedSet<Long> people) {

    public ReplayRequest {
        if (from == null || to == null) {
            throw new ReplayException(ReplayException.Reason.INVALID_REQUEST, "a replay needs both --from and --to");
        }
        if (from.equals(to)) {
            throw new ReplayException(ReplayException.Reason.INVALID_REQUEST, "the range is empty: --from and --to are both " + from);
        }
        if (from.isAfter(to)) {
            throw new ReplayException(ReplayException.Reason.INVALID_REQUEST, "the range is reversed: --from " + from + " is after --to " + to);
        }
        cameras = Collections.unmodifiableSortedSet(new TreeSet<>(cameras == null ? Collections.emptySet() : cameras));
        people = Collections.unmodifiableSortedSet(new TreeSet<>(people == null ? Collections.emptySet() : people));
        for (String camera : cameras) {
            if (camera.isBlank()) {
                throw new ReplayException(ReplayException.Reason.INVALID_REQUEST, "an empty camera id in --cameras");
            }
        }
    }

    public static ReplayRequest of(Instant from, Instant to, Collection<String> cameras, Collection<Long> people) {
        return new ReplayRequest(from, to, cameras == null ? null : new TreeSet<>(cameras), people == null ? null : new TreeSet<>(people));
    }

    public boolean wantsCamera(String camera) {
        return cameras.isEmpty() || cameras.contains(camera);
    }

    public boolean wantsPerson(long personId) {
        return people.isEmpty() || people.contains(personId);
    }

    /**
     * A time as a user types it: an instant with a zone or offset ({@code 2026-12-01T09:00:00Z},
     * {@code 2026-12-01T09:00+01:00}), or a local date-time or date in {@code zone} ({@code 2026-12-01T09:00},
     * {@code 2026-12-01}).
     */
    public static Instant parseTime(String text, ZoneId zone, String option) {
        if (text == null || text.isBlank()) {
            throw new ReplayException(ReplayException.Reason.INVALID_REQUEST, option + " is empty");
        }
        String value = text.trim();
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException ignored) {
            // not with an offset
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException ignored) {
            // not an instant
        }
        try {
            return LocalDateTime.parse(value).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(value).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw new ReplayException(ReplayException.Reason.INVALID_REQUEST, option + " '" + text
                    + "' is not a time: use 2026-12-01T09:00 (local), 2026-12-01T09:00:00Z or 2026-12-01T09:00+01:00");
        }
    }
}
