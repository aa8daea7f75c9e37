package io.facestream.replay;

import java.time.Instant;
import java.util.List;

import io.facestream.schemas.Box;

/**
 * A replay's answer: per enrolled person and camera, when they were seen. Everything in it is ordered (people by id,
 * appearances by camera and time, cameras by id), and only {@link #generatedAt} depends on when it was made, so two
 * replays of one range give the same report.
 *
 * @param source        {@code frames} (the frames reprocessed by the models) or {@code results} (the results and
 *                      events topics as the live pipeline answered them, no models run)
 * @param unknownTracks tracks nobody was named in: the input of clustering (their sample faces carry embeddings and
 *                      crops in memory only; the written report lists the tracks without either)
 */
public record TimelineReport(String source, Instant from, Instant to, Instant generatedAt, String model, List<String> camerasAsked,
                             List<Long> peopleAsked, List<CameraSummary> cameras, List<PersonTimeline> people,
                             List<UnknownTrack> unknownTracks, List<Event> events) {

    /** What was read of one camera in the range. */
    public record CameraSummary(String camera, long frames, long framesWithFaces, long faces, Instant firstFrame, Instant lastFrame) {
    }

    public record PersonTimeline(long personId, String name, List<Appearance> appearances) {
    }

    /**
     * One stay of a person in front of a camera: one track, or several of the same person on the same camera less than
     * {@link TimelineBuilder#MERGE_GAP_MS} apart (a face lost for a moment and found again).
     *
     * @param crop the best face (highest similarity to the person) as a JPEG, or null when the source has no pixels
     *             (a report from results)
     */
    public record Appearance(String camera, Instant firstSeen, Instant lastSeen, long durationMs, float bestSimilarity, int frames,
                             List<String> tracks, Instant bestTime, byte[] crop) {
    }

    /**
     * A track with no name: the hook for clustering strangers (docs/clustering.md, "For the replay"). {@code embedding}
     * is the mean direction of all its faces' vectors of recognizer {@code model} (one vector per track, as clustering
     * wants); {@code samples} are a few of its best faces (by detector score) with their own embedding and crop (the
     * box grown by half its size on each side, so the enrolment gate can detect it again). Reports from results have
     * neither vectors nor crops.
     */
    public record UnknownTrack(String camera, String trackId, Instant firstSeen, Instant lastSeen, int frames, float bestSimilarity,
                               String model, float[] embedding, List<UnknownFace> samples) {
    }

    /** One face of an unknown track; {@code partition}/{@code offset} point at its frame on the frames topic. */
    public record UnknownFace(Instant time, int partition, long offset, Box box, float score, String model, float[] embedding, byte[] crop) {
    }

    /** A track event from facestream.events (reports from results only): what the live tracker announced. */
    public record Event(Instant time, String camera, String trackId, String kind, Long personId, String name, float confidence) {
    }
}
