package io.facestream.matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.PipelineError;
import io.facestream.schemas.Results;
import io.facestream.schemas.Values;

/** Answers one embedded frame: every face becomes a known person or unknown; a registration enrols its face. */
public final class FrameMatcher {

    /** The answer to the frame, and the change to announce to every matcher instance when it enrolled someone. */
    public record Outcome(MatchResult result, PersonChange change) {
    }

    private final Galleries galleries;
    private final PersonRepository people;
    private final GalleryCache cache;
    private final RecentFaces recentFaces;
    private final MatcherConfig config;

    public FrameMatcher(Galleries galleries, PersonRepository people, GalleryCache cache, RecentFaces recentFaces, MatcherConfig config) {
        this.galleries = galleries;
        this.people = people;
        this.cache = cache;
        this.recentFaces = recentFaces;
        this.config = config;
    }

    public Outcome handle(EmbeddedFrame frame) {
        MatchResult.Builder result = MatchResult.newBuilder()
                .setHeader(frame.getHeader())
                .setImageWidth(frame.getImageWidth())
                .setImageHeight(frame.getImageHeight())
                .setError(frame.getError());
        if (frame.getError() != null) {
            return new Outcome(result.build(), null);
        }
        return switch (frame.getHeader().getOperation()) {
            case PING -> new Outcome(result.build(), null);
            case DETECT -> new Outcome(result.setFaces(remember(frame.getFaces(), false)).build(), null);
            case RECOGNIZE -> recognize(frame, result);
            case REGISTER -> register(frame, result);
        };
    }

    private Outcome recognize(EmbeddedFrame frame, MatchResult.Builder result) {
        List<FaceMatch> faces = remember(frame.getFaces(), true);
        if (!frame.getFaces().isEmpty()) {
            result.setThreshold(config.threshold(frame.getFaces().get(0).getModel()));
        }
        return new Outcome(result.setFaces(faces).build(), null);
    }

    private List<FaceMatch> remember(List<FaceEmbedding> faces, boolean match) {
        List<FaceMatch> out = new ArrayList<>(faces.size());
        for (FaceEmbedding face : faces) {
            recentFaces.remember(face);
            FaceMatch.Builder answer = FaceMatch.newBuilder().setFace(face.getFace());
            if (match) {
                PersonMatch best = gallery(face.getModel()).best(Values.floats(face.getVector()));
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

    private Outcome register(EmbeddedFrame frame, MatchResult.Builder result) {
        String name = frame.getHeader().getRegistrationName();
        if (name == null || name.isBlank()) {
            return failed(result, Results.INVALID_REQUEST, "a registration needs a name");
        }
        FaceEmbedding face;
        String faceId = frame.getHeader().getFaceId();
        if (faceId != null) {
            Optional<FaceEmbedding> recent = recentFaces.find(faceId);
            if (recent.isEmpty()) {
                return failed(result, Results.FACE_NOT_FOUND, "face_id " + faceId + " is unknown or expired: faces are kept for "
                        + config.recentFaceSeconds() + " s after detection");
            }
            face = recent.get();
        } else if (frame.getFaces().isEmpty()) {
            return failed(result, Results.NO_FACE, "no face found in the photo");
        } else if (frame.getFaces().size() > 1) {
            return failed(result, Results.MULTIPLE_FACES, frame.getFaces().size()
                    + " faces found; a registration photo must show exactly one face (or register by face_id)");
        } else {
            face = frame.getFaces().get(0);
        }
        var quality = face.getFace().getQuality();
        if (quality != null && !quality.getIssues().isEmpty()) {
            return failed(result, Results.LOW_QUALITY, "the face is not fit for enrolment: " + String.join("; ", quality.getIssues()));
        }
        PersonChange change = people.register(frame.getHeader().getId(), name.strip(), face.getModel(), Values.floats(face.getVector()));
        // This instance sees its own registration at once; the others through the people topic.
        galleries.apply(change);
        cache.apply(change);
        FaceMatch enrolled = FaceMatch.newBuilder().setFace(face.getFace())
                .setPerson(new PersonMatch(change.getPersonId(), change.getName(), 1f)).setBestSimilarity(1f).build();
        return new Outcome(result.setRegisteredPersonId(change.getPersonId()).setFaces(List.of(enrolled)).build(), change);
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
        return new Outcome(result.setError(error).build(), null);
    }
}
