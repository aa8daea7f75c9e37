package io.facestream.matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.facestream.face.Vectors;
import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.Faces;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operations;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Values;

/**
 * Answers one embedded frame: every face becomes a known person or unknown, and a verification gets its verdict.
 * This is the read path; frames that change who is enrolled go to the {@link PeopleWriter}, the only writer of people,
 * and the gateway's reads of people to the {@link PeopleReader}.
 */
public final class FrameMatcher {

    private final Lookup lookup;
    private final RecentFaces recentFaces;
    private final PeopleWriter people;
    private final PeopleReader directory;

    /** @param dataSource the people tables, which the matcher owns (its Flyway migrations, {@link MatcherService#migrate}) */
    public FrameMatcher(DataSource dataSource, Galleries galleries, PersonRepository repository, GalleryCache cache, RecentFaces recentFaces,
                        Erasures erasures, MatcherConfig config) {
        this.lookup = new Lookup(galleries::of, erasures, config);
        this.recentFaces = recentFaces;
        this.people = new PeopleWriter(galleries, repository, cache, recentFaces, erasures, lookup, config.recentFaceSeconds());
        this.directory = new PeopleReader(dataSource);
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
        // Cameras write straight to Kafka; only the gateway, which checks API keys, may read or change who is enrolled.
        if (Operations.gatewayOnly(header.getOperation()) && header.getSourceKind() == SourceKind.CAMERA) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, header.getOperation() + " is not accepted from a camera");
        }
        return switch (header.getOperation()) {
            case PING -> new Outcome(result.build());
            case DETECT -> new Outcome(result.setFaces(remember(frame.getFaces(), null)).build());
            case RECOGNIZE -> recognize(frame, result);
            case VERIFY -> verify(frame, result);
            case REGISTER, ADD_FACE, REMOVE_FACE, RENAME, ERASE, ADD_NEGATIVE, REMOVE_NEGATIVE -> people.handle(frame, result);
            case LIST_PEOPLE, GET_PERSON -> directory.handle(frame, result);
        };
    }

    private Outcome recognize(EmbeddedFrame frame, MatchResult.Builder result) {
        Lookup.Threshold threshold = frame.getFaces().isEmpty() ? null : lookup.identification(frame.getFaces().get(0).getModel());
        List<FaceMatch> faces = remember(frame.getFaces(), threshold);
        if (threshold != null) {
            result.setThreshold(threshold.value()).setThresholdReason(threshold.reason());
        }
        return new Outcome(result.setFaces(faces).build());
    }

    /** Keeps every face for 60 s; with a threshold, also names it (one threshold per frame: all its faces share a recognizer). */
    private List<FaceMatch> remember(List<FaceEmbedding> faces, Lookup.Threshold threshold) {
        List<FaceMatch> out = new ArrayList<>(faces.size());
        for (FaceEmbedding face : faces) {
            recentFaces.remember(face);
            FaceMatch.Builder answer = FaceMatch.newBuilder().setFace(face.getFace());
            if (threshold != null) {
                Lookup.Closest closest = lookup.closest(face, threshold);
                if (closest.best() != null) {
                    answer.setBestSimilarity(closest.best().getSimilarity());
                    answer.setPerson(Lookup.named(closest, threshold));
                }
            }
            out.add(answer.build());
        }
        return out;
    }

    /**
     * The frame's face (the largest, if there are several) against an enrolled person or a face detected within the
     * last minute; the verdict is the similarity against the threshold, decided here and sent as {@code samePerson}.
     */
    private Outcome verify(EmbeddedFrame frame, MatchResult.Builder result) {
        FrameHeader header = frame.getHeader();
        if (frame.getFaces().isEmpty()) {
            return Outcome.failed(result, ErrorCode.NO_FACE, "no face found in the photo");
        }
        FaceEmbedding probe = Faces.largest(frame.getFaces(), FaceEmbedding::getFace);
        recentFaces.remember(probe);
        result.setThreshold(lookup.pairThreshold(probe.getModel())).setThresholdReason("pair threshold (1 impostor pair in 10,000): 1:1 verification");
        float similarity;
        PersonMatch person = null;
        if (header.getPersonId() != null) {
            PersonMatch compared = lookup.compare(header.getPersonId(), probe);
            if (compared == null) {
                return Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + header.getPersonId() + " does not exist or has no face enrolled");
            }
            similarity = compared.getSimilarity();
            person = compared;
        } else if (header.getFaceId() != null) {
            Optional<FaceEmbedding> other = recentFaces.find(header.getFaceId());
            if (other.isEmpty() || !other.get().getModel().equals(probe.getModel())) {
                return Outcome.failed(result, ErrorCode.FACE_NOT_FOUND, "face_id " + header.getFaceId() + " is unknown or expired");
            }
            similarity = Vectors.dot(Values.floats(probe.getVector()), Values.floats(other.get().getVector()));
        } else {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "VERIFY needs a person id or a face_id to compare with");
        }
        boolean same = lookup.verified(similarity, probe.getModel());
        FaceMatch.Builder answer = FaceMatch.newBuilder().setFace(probe.getFace()).setBestSimilarity(similarity);
        if (person != null && same) {
            answer.setPerson(person);
        }
        return new Outcome(result.setSamePerson(same).setFaces(List.of(answer.build())).build());
    }
}
