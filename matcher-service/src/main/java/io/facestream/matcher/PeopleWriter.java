package io.facestream.matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.PipelineError;
import io.facestream.schemas.Values;

/**
 * The only writer of people: registrations, added and removed faces, renames and erasures. Every change is stored in
 * PostgreSQL, applied to this instance's memory and the Redis cache, and announced so every other instance applies it too.
 */
final class PeopleWriter {

    private final Galleries galleries;
    private final PersonRepository people;
    private final GalleryCache cache;
    private final RecentFaces recentFaces;
    private final Erasures erasures;
    private final Lookup lookup;
    private final int recentFaceSeconds;

    PeopleWriter(Galleries galleries, PersonRepository people, GalleryCache cache, RecentFaces recentFaces, Erasures erasures, Lookup lookup,
                 int recentFaceSeconds) {
        this.galleries = galleries;
        this.people = people;
        this.cache = cache;
        this.recentFaces = recentFaces;
        this.erasures = erasures;
        this.lookup = lookup;
        this.recentFaceSeconds = recentFaceSeconds;
    }

    /** One frame that changes people (from the gateway: FrameMatcher refuses cameras): the one dispatch over the people operations. */
    Outcome handle(EmbeddedFrame frame, MatchResult.Builder result) {
        FrameHeader header = frame.getHeader();
        // Every change ends in Redis (gallery cache, erasure mark): with Redis unreachable, refuse before PostgreSQL is
        // written, so a change is never stored without its cache entry or its mark (answered UNAVAILABLE).
        cache.ping();
        return switch (header.getOperation()) {
            case REGISTER -> register(frame, result);
            case ADD_FACE -> addFace(frame, result);
            case REMOVE_FACE -> removeFace(header, result);
            case RENAME -> rename(header, result);
            case ERASE -> erase(header, result);
            case ADD_NEGATIVE -> addNegative(frame, result);
            case REMOVE_NEGATIVE -> removeNegative(header, result);
            case DETECT, RECOGNIZE, PING, VERIFY, LIST_PEOPLE, GET_PERSON -> throw new IllegalArgumentException(header.getOperation() + " changes no people");
        };
    }

    private Outcome register(EmbeddedFrame frame, MatchResult.Builder result) {
        String name = frame.getHeader().getRegistrationName();
        if (name == null || name.isBlank()) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "a registration needs a name");
        }
        Found found = enrolmentFace(frame);
        if (found.error() != null) {
            return new Outcome(result.setError(found.error()).build());
        }
        FaceEmbedding face = found.face();
        Optional<PersonRepository.Enrolment> replayed = people.storedBy(frame.getHeader().getId(), face.getModel());
        if (replayed.isPresent()) {
            return enrolled(replayed.get(), face, result);
        }
        PersonMatch existing = lookup.known(face);
        if (existing != null) {
            if (!frame.getHeader().getSamePerson()) {
                Lookup.Threshold threshold = lookup.knownThreshold(face.getModel());
                result.setExistingPersonId(existing.getPersonId()).setThreshold(threshold.value()).setThresholdReason(threshold.reason())
                        .setFaces(List.of(matched(face, existing)));
                return Outcome.failed(result, ErrorCode.ALREADY_ENROLLED, "the face matches " + existing.getName() + " (person "
                        + existing.getPersonId() + ", similarity " + Math.round(existing.getSimilarity() * 1000) / 1000f
                        + "); add it to that person with same_person=true, or as a face of theirs");
            }
            return storeFace(frame.getHeader(), existing.getPersonId(), face, result);
        }
        PersonRepository.Enrolment enrolment = people.register(frame.getHeader().getId(), name.strip(), face.getModel(),
                Values.floats(face.getVector()));
        return enrolled(enrolment, face, result);
    }

    private Outcome addFace(EmbeddedFrame frame, MatchResult.Builder result) {
        Long personId = frame.getHeader().getPersonId();
        if (personId == null) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "ADD_FACE needs a person id");
        }
        Found found = enrolmentFace(frame);
        if (found.error() != null) {
            return new Outcome(result.setError(found.error()).build());
        }
        if (erasures.erased(personId)) {
            return Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + personId + " does not exist");
        }
        return storeFace(frame.getHeader(), personId, found.face(), result);
    }

    private Outcome storeFace(FrameHeader header, long personId, FaceEmbedding face, MatchResult.Builder result) {
        Optional<PersonRepository.Enrolment> enrolment = people.addFace(header.getId(), personId, face.getModel(), Values.floats(face.getVector()));
        if (enrolment.isEmpty()) {
            return Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + personId + " does not exist");
        }
        return enrolled(enrolment.get(), face, result);
    }

    private Outcome enrolled(PersonRepository.Enrolment enrolment, FaceEmbedding face, MatchResult.Builder result) {
        PersonChange change = enrolment.person();
        apply(change);
        FaceMatch enrolled = matched(face, new PersonMatch(change.getPersonId(), change.getName(), 1f));
        return new Outcome(result.setRegisteredPersonId(change.getPersonId()).setStoredFaceId(enrolment.storedFaceId())
                .setFaces(List.of(enrolled)).build(), List.of(change));
    }

    private record Found(FaceEmbedding face, PipelineError error) {
    }

    /** The one face a registration or added face stands for, passed the quality gate. */
    private Found enrolmentFace(EmbeddedFrame frame) {
        Found found = oneFace(frame);
        if (found.error() != null) {
            return found;
        }
        var quality = found.face().getFace().getQuality();
        if (quality != null && !quality.getIssues().isEmpty()) {
            return new Found(null, ErrorCode.LOW_QUALITY.error("the face is not fit for enrolment: " + String.join("; ", quality.getIssues())));
        }
        return found;
    }

    /** The one face a frame is about: a face detected in the last minute (by face_id), or the photo's only face. */
    private Found oneFace(EmbeddedFrame frame) {
        FaceEmbedding face;
        String faceId = frame.getHeader().getFaceId();
        if (faceId != null) {
            Optional<FaceEmbedding> recent = recentFaces.find(faceId);
            if (recent.isEmpty()) {
                return new Found(null, ErrorCode.FACE_NOT_FOUND.error("face_id " + faceId + " is unknown or expired: faces are kept for "
                        + recentFaceSeconds + " s after detection"));
            }
            face = recent.get();
        } else if (frame.getFaces().isEmpty()) {
            return new Found(null, ErrorCode.NO_FACE.error("no face found in the photo"));
        } else if (frame.getFaces().size() > 1) {
            return new Found(null, ErrorCode.MULTIPLE_FACES.error(frame.getFaces().size()
                    + " faces found; an enrolment photo must show exactly one face (or use a face_id)"));
        } else {
            face = frame.getFaces().get(0);
        }
        return new Found(face, null);
    }

    /**
     * "This face is not person X": kept as a negative example of X, so faces at least as similar to it as the pair
     * threshold are never named X again (Gallery.best). No quality gate: the face that was wrongly named is the one to
     * keep, however poor. Idempotent by frame like an enrolment.
     */
    private Outcome addNegative(EmbeddedFrame frame, MatchResult.Builder result) {
        Long personId = frame.getHeader().getPersonId();
        if (personId == null) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "ADD_NEGATIVE needs a person id");
        }
        Found found = oneFace(frame);
        if (found.error() != null) {
            return new Outcome(result.setError(found.error()).build());
        }
        if (erasures.erased(personId)) {
            return Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + personId + " does not exist");
        }
        FaceEmbedding face = found.face();
        Optional<PersonRepository.Enrolment> stored = people.addNegative(frame.getHeader().getId(), personId, face.getModel(), Values.floats(face.getVector()));
        if (stored.isEmpty()) {
            return Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + personId + " does not exist");
        }
        apply(stored.get().person());
        return new Outcome(result.setRegisteredPersonId(personId).setStoredFaceId(stored.get().storedFaceId())
                .setFaces(List.of(FaceMatch.newBuilder().setFace(face.getFace()).build())).build(), List.of(stored.get().person()));
    }

    private Outcome removeNegative(FrameHeader header, MatchResult.Builder result) {
        if (header.getPersonId() == null || header.getStoredFaceId() == null) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "REMOVE_NEGATIVE needs a person id and a negative example id");
        }
        Optional<PersonChange> change = people.removeNegative(header.getPersonId(), header.getStoredFaceId());
        if (change.isEmpty()) {
            return Outcome.failed(result, ErrorCode.FACE_NOT_FOUND, "person " + header.getPersonId() + " has no negative example " + header.getStoredFaceId());
        }
        apply(change.get());
        return new Outcome(result.setRegisteredPersonId(header.getPersonId()).build(), List.of(change.get()));
    }

    private Outcome removeFace(FrameHeader header, MatchResult.Builder result) {
        if (header.getPersonId() == null || header.getStoredFaceId() == null) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "REMOVE_FACE needs a person id and a stored face id");
        }
        Optional<PersonChange> change = people.removeFace(header.getPersonId(), header.getStoredFaceId());
        if (change.isEmpty()) {
            return Outcome.failed(result, ErrorCode.FACE_NOT_FOUND, "person " + header.getPersonId() + " has no face " + header.getStoredFaceId());
        }
        apply(change.get());
        return new Outcome(result.setRegisteredPersonId(header.getPersonId()).build(), List.of(change.get()));
    }

    private Outcome rename(FrameHeader header, MatchResult.Builder result) {
        String name = header.getRegistrationName();
        if (header.getPersonId() == null || name == null || name.isBlank()) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "RENAME needs a person id and a name");
        }
        Optional<List<PersonChange>> changes = people.rename(header.getPersonId(), name.strip());
        if (changes.isEmpty()) {
            return Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + header.getPersonId() + " does not exist");
        }
        changes.get().forEach(this::apply);
        return new Outcome(result.setRegisteredPersonId(header.getPersonId()).build(), changes.get());
    }

    /**
     * Erases a person: their rows (faces by cascade), then their cache entries, this instance's memory and,
     * through DELETE records on the people topic, every other instance's. The Redis mark is written first,
     * so no instance can name them once this frame is answered.
     */
    private Outcome erase(FrameHeader header, MatchResult.Builder result) {
        Long personId = header.getPersonId();
        if (personId == null) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "ERASE needs a person id");
        }
        // Marking only people who exist: a mark for an id not yet handed out would hide its future owner.
        if (people.exists(personId)) {
            erasures.mark(personId);
        }
        boolean existed = people.erase(personId);
        List<PersonChange> deletes = new ArrayList<>();
        for (Gallery gallery : galleries.all()) {
            PersonChange delete = PersonChange.newBuilder().setPersonId(personId).setKind(PersonChangeKind.DELETE)
                    .setModel(gallery.model()).setChangedAt(java.time.Instant.now()).build();
            apply(delete);
            deletes.add(delete);
        }
        if (!existed) {
            // Still announced: a replay of this frame after a crash between the delete and the announcement completes it.
            return new Outcome(Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + personId + " does not exist").result(), deletes);
        }
        return new Outcome(result.setRegisteredPersonId(personId).build(), deletes);
    }

    private void apply(PersonChange change) {
        // This instance sees its own change at once; the others through the people topic.
        galleries.apply(change);
        cache.apply(change);
    }

    private static FaceMatch matched(FaceEmbedding face, PersonMatch person) {
        return FaceMatch.newBuilder().setFace(face.getFace()).setPerson(person).setBestSimilarity(person.getSimilarity()).build();
    }
}
