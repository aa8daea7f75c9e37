package io.facestream.gateway.events;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.TrackEvent;

/**
 * Which events a client wants: those of the listed cameras (source ids) and about the listed people; an empty list
 * means all. A person filter matches an event whose identity, or identity before a change, is that person, so a
 * client following one person also learns when a track stops being them; a track's "started" event, still unnamed,
 * is not about anyone.
 */
record EventFilter(Set<String> cameras, Set<Long> people) {

    /** Query values as given: repeated parameters, each possibly a comma-separated list. */
    static EventFilter parse(List<String> cameras, List<String> people) {
        Set<String> cameraIds = values(cameras).collect(Collectors.toUnmodifiableSet());
        Set<Long> personIds = values(people).map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new ApiException(ApiError.INVALID_REQUEST, "person must be a person id (a number), not '" + value + "'");
            }
        }).collect(Collectors.toUnmodifiableSet());
        return new EventFilter(cameraIds, personIds);
    }

    private static java.util.stream.Stream<String> values(List<String> raw) {
        return raw == null ? java.util.stream.Stream.empty()
                : raw.stream().flatMap(value -> Arrays.stream(value.split(","))).map(String::strip).filter(value -> !value.isEmpty());
    }

    boolean matches(TrackEvent event) {
        if (!cameras.isEmpty() && !cameras.contains(event.getSourceId())) {
            return false;
        }
        return people.isEmpty() || about(event.getPerson()) || about(event.getPreviousPerson());
    }

    private boolean about(PersonMatch person) {
        return person != null && people.contains(person.getPersonId());
    }
}
