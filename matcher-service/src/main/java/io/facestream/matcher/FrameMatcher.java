package io.facestream.matcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.PipelineError;
import io.facestream.schemas.Results;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Values;

/**
 * Answers one embedded frame: every face becomes a known person or unknown; a registration enrols
 * its face; people-management frames from the gateway change the gallery. This is the only writer of
 * people: every change is stored in PostgreSQL, applied to this instance's memory and the Redis cache,
 * and announced so every other instance applies it too.
 */
public final class FrameMatcher {

    /** The answer to the frame, and the changes to announce to every matcher instance. */
    public record Outcome(MatchResult result, List<PersonChange> changes) {
        Outcome(MatchResult result) {
            this(result, List.of());
        }
    }

    private final Galleries galleries;
    private final PersonRepository people;
    private final GalleryCache cache;
    private final RecentFaces recentFaces;
    private final Erasures erasures;
    private final MatcherConfig config;

    public FrameMatcher(Galleries galleries, PersonRepository people, GalleryCache cache, RecentFaces recentFaces, Erasures erasures,
                        MatcherConfig config) {
        this.galleries = galleries;
        this.people = people;
        this.cache = cache;
        this.recentFaces = recentFaces;
        this.erasures = erasures;
        this.config = config;
    }

    public Outcome handle(EmbeddedFrame frame) {
        MatchResult.Builder result = MatchResult.newBuilder()
                .setHeader(frame.getHeader())
                .setImageWidth(frame.getImageWidth())
                .setImageHeight(frame.getImageHeight())
                .setError(frame.getError());
        if (frame.getError() != null) {
            return new Outcome(result.build());
        }
        FrameHeader header = frame.getHeader();
        boolean changesPeople = switch (header.getOperation()) {
            case REGISTER, ADD_FACE, REMOVE_FACE, RENAME, ERASE -> true;
            default -> false;
        };
        // Cameras write straight to Kafka; only the gateway, which checks API keys, may change who is enrolled.
        if (changesPeople && header.getSourceKind() == SourceKind.CAMERA) {
            return failed(result, Results.INVALID_REQUEST, header.getOperation() + " is not accepted from a camera");
        }
        return switch (header.getOperation()) {
            case PING -> new Outcome(result.build());
            case DETECT -> new Outcome(result.setFaces(remember(frame.getFaces(), false)).build());
            case RECOGNIZE -> recognize(frame, result);
            case REGISTER -> register(frame, result);
            case VERIFY -> verify(frame, result);
            case ADD_FACE -> addFace(frame, result);
            case REMOVE_FACE -> removeFace(header, result);
            case RENAME -> rename(header, result);
            case ERASE -> erase(header, result);
        };
    }

    private Outcome recognize(EmbeddedFrame frame, MatchResult.Builder result) {
        List<FaceMatch> faces = remember(frame.getFaces(), true);
        if (!frame.getFaces().isEmpty()) {
            result.setThreshold(config.threshold(frame.getFaces().get(0).getModel()));
        }
        return new Outcome(result.setFaces(faces).build());
    }

    private List<FaceMatch> remember(List<FaceEmbedding> faces, boolean match) {
        List<FaceMatch> out = new ArrayList<>(faces.size());
        for (FaceEmbedding face : faces) {
            recentFaces.remember(face);
            FaceMatch.Builder answer = FaceMatch.newBuilder().setFace(face.getFace());
            if (match) {
                PersonMatch best = best(face);
                if (best != null) {
                    answer.setBestSimilarity(best.getSimilarity());
                    if (best.getSimilarity() >= config.threshold(face.getModel())) {
                        answer.setPerson(best);
                    }
                }
            }
            out.add(answer.build());
        }
        return out;
    }

    /** The closest enrolled person, skipping anyone erased whose DELETE has not reached this instance yet. */
    private PersonMatch best(FaceEmbedding face) {
        Gallery gallery = gallery(face.getModel());
        float[] probe = Values.floats(face.getVector());
        PersonMatch best = gallery.best(probe);
        while (best != null && best.getSimilarity() >= config.threshold(face.getModel()) && erasures.erased(best.getPersonId())) {
            gallery.remove(best.getPersonId());
            best = gallery.best(probe);
        }
        return best;
    }

    private Outcome register(EmbeddedFrame frame, MatchResult.Builder result) {
        String name = frame.getHeader().getRegistrationName();
        if (name == null || name.isBlank()) {
            return failed(result, Results.INVALID_REQUEST, "a registration needs a name");
        }
        Found found = enrolmentFace(frame);
        if (found.error() != null) {
            return failed(result, found.error().getCode(), found.error().getMessage());
        }
        FaceEmbedding face = found.face();
        Optional<PersonRepository.Enrolment> replayed = people.storedBy(frame.getHeader().getId(), face.getModel());
        if (replayed.isPresent()) {
            return enrolled(replayed.get(), face, result);
        }
        PersonMatch existing = best(face);
        if (existing != null && existing.getSimilarity() >= config.threshold(face.getModel())) {
            if (!frame.getHeader().getSamePerson()) {
                result.setExistingPersonId(existing.getPersonId()).setThreshold(config.threshold(face.getModel()))
                        .setFaces(List.of(matched(face, existing)));
                return failed(result, Results.ALREADY_ENROLLED, "the face matches " + existing.getName() + " (person "
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
            return failed(result, Results.INVALID_REQUEST, "ADD_FACE needs a person id");
        }
        Found found = enrolmentFace(frame);
        if (found.error() != null) {
            return failed(result, found.error().getCode(), found.error().getMessage());
        }
        if (erasures.erased(personId)) {
            return failed(result, Results.PERSON_NOT_FOUND, "person " + personId + " does not exist");
        }
        return storeFace(frame.getHeader(), personId, found.face(), result);
    }

    private Outcome storeFace(FrameHeader header, long personId, FaceEmbedding face, MatchResult.Builder result) {
        Optional<PersonRepository.Enrolment> enrolment = people.addFace(header.getId(), personId, face.getModel(), Values.floats(face.getVector()));
        if (enrolment.isEmpty()) {
            return failed(result, Results.PERSON_NOT_FOUND, "person " + personId + " does not exist");
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
        FaceEmbedding face;
        String faceId = frame.getHeader().getFaceId();
        if (faceId != null) {
            Optional<FaceEmbedding> recent = recentFaces.find(faceId);
            if (recent.isEmpty()) {
                return new Found(null, Results.error(Results.FACE_NOT_FOUND, "face_id " + faceId + " is unknown or expired: faces are kept for "
                        + config.recentFaceSeconds() + " s after detection"));
            }
            face = recent.get();
        } else if (frame.getFaces().isEmpty()) {
            return new Found(null, Results.error(Results.NO_FACE, "no face found in the photo"));
        } else if (frame.getFaces().size() > 1) {
            return new Found(null, Results.error(Results.MULTIPLE_FACES, frame.getFaces().size()
                    + " faces found; an enrolment photo must show exactly one face (or use a face_id)"));
        } else {
            face = frame.getFaces().get(0);
        }
        var quality = face.getFace().getQuality();
        if (quality != null && !quality.getIssues().isEmpty()) {
            return new Found(null, Results.error(Results.LOW_QUALITY, "the face is not fit for enrolment: " + String.join("; ", quality.getIssues())));
        }
        return new Found(face, null);
    }

    /**
     * The frame's face (the largest, if there are several) against an enrolled person or a face
     * detected within the last minute; the verdict is the similarity against the threshold.
     */
    private Outcome verify(EmbeddedFrame frame, MatchResult.Builder result) {
        FrameHeader header = frame.getHeader();
        if (frame.getFaces().isEmpty()) {
            return failed(result, Results.NO_FACE, "no face found in the photo");
        }
        FaceEmbedding probe = frame.getFaces().stream()
                .max(Comparator.comparingDouble(f -> f.getFace().getBox().getWidth() * f.getFace().getBox().getHeight())).orElseThrow();
        recentFaces.remember(probe);
        float threshold = config.threshold(probe.getModel());
        result.setThreshold(threshold);
        float similarity;
        PersonMatch person = null;
        if (header.getPersonId() != null) {
            PersonMatch compared = erasures.erased(header.getPersonId()) ? null
                    : gallery(probe.getModel()).compare(header.getPersonId(), Values.floats(probe.getVector()));
            if (compared == null) {
                return failed(result, Results.PERSON_NOT_FOUND, "person " + header.getPersonId() + " does not exist or has no face enrolled");
            }
            similarity = compared.getSimilarity();
            person = compared;
        } else if (header.getFaceId() != null) {
            Optional<FaceEmbedding> other = recentFaces.find(header.getFaceId());
            if (other.isEmpty() || !other.get().getModel().equals(probe.getModel())) {
                return failed(result, Results.FACE_NOT_FOUND, "face_id " + header.getFaceId() + " is unknown or expired");
            }
            similarity = Gallery.similarity(Values.floats(probe.getVector()), Values.floats(other.get().getVector()));
        } else {
            return failed(result, Results.INVALID_REQUEST, "VERIFY needs a person id or a face_id to compare with");
        }
        FaceMatch.Builder answer = FaceMatch.newBuilder().setFace(probe.getFace()).setBestSimilarity(similarity);
        if (person != null && similarity >= threshold) {
            answer.setPerson(person);
        }
        return new Outcome(result.setFaces(List.of(answer.build())).build());
    }

    private Outcome removeFace(FrameHeader header, MatchResult.Builder result) {
        if (header.getPersonId() == null || header.getStoredFaceId() == null) {
            return failed(result, Results.INVALID_REQUEST, "REMOVE_FACE needs a person id and a stored face id");
        }
        Optional<PersonChange> change = people.removeFace(header.getPersonId(), header.getStoredFaceId());
        if (change.isEmpty()) {
            return failed(result, Results.FACE_NOT_FOUND, "person " + header.getPersonId() + " has no face " + header.getStoredFaceId());
        }
        apply(change.get());
        return new Outcome(result.setRegisteredPersonId(header.getPersonId()).build(), List.of(change.get()));
    }

    private Outcome rename(FrameHeader header, MatchResult.Builder result) {
        String name = header.getRegistrationName();
        if (header.getPersonId() == null || name == null || name.isBlank()) {
            return failed(result, Results.INVALID_REQUEST, "RENAME needs a person id and a name");
        }
        Optional<List<PersonChange>> changes = people.rename(header.getPersonId(), name.strip());
        if (changes.isEmpty()) {
            return failed(result, Results.PERSON_NOT_FOUND, "person " + header.getPersonId() + " does not exist");
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
            return failed(result, Results.INVALID_REQUEST, "ERASE needs a person id");
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
            return new Outcome(failed(result, Results.PERSON_NOT_FOUND, "person " + personId + " does not exist").result(), deletes);
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

    private Gallery gallery(String model) {
        Gallery gallery = galleries.of(model);
        if (gallery == null) {
            throw new IllegalStateException("no gallery for recognizer " + model + "; known: " + config.thresholds().keySet());
        }
        return gallery;
    }

    private static Outcome failed(MatchResult.Builder result, String code, String message) {
        PipelineError error = Results.error(code, message);
        return new Outcome(result.setError(error).build());
    }
}
