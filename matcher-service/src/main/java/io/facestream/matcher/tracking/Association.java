package io.facestream.matcher.tracking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import io.facestream.schemas.Box;
import io.facestream.schemas.TrackState;

/**
 * Which face of a frame continues which track: by where the track's face should be now (its last box moved on by its
 * velocity) and by how alike the face and the track's running-mean embedding are. Greedy, best pair first: a frame holds
 * a handful of faces, so the optimal assignment would buy nothing measurable.
 */
final class Association {

    /** Overlap with the predicted box that counts as "the same place". */
    static final float MIN_IOU = 0.05f;
    /** Or the centre moved at most this many face widths from where it was predicted. */
    static final float MAX_JUMP = 1.0f;
    /** A face does not grow or shrink by more than this between two frames of one track. */
    static final float MAX_SIZE_RATIO = 1.6f;
    /**
     * Embedding similarity is compared on the recognizer's own scale: z = (similarity − threshold) / (1 − threshold), so
     * 0 is the calibrated match threshold (1 in 10,000 impostor pairs above it) for every recognizer. Below VETO_Z the
     * embedding says "someone else" even at the same place (dlib at threshold 0.944: similarity under 0.86).
     */
    static final float VETO_Z = -0.5f;
    /** Weight of the appearance term against the overlap (0..1): enough to decide which is which when two faces cross. */
    static final float APPEARANCE_WEIGHT = 0.5f;
    /** Velocity extrapolation is trusted for at most this long; after that the face is searched around its last box. */
    private static final float MAX_PREDICTION_SECONDS = 0.5f;

    private Association() {
    }

    record Face(Box box, float[] embedding) {
    }

    /** For each face, the index of the track it continues, or -1 for a new track. */
    static int[] assign(List<TrackState> tracks, List<Face> faces, long now, float threshold) {
        List<float[]> pairs = new ArrayList<>();
        for (int t = 0; t < tracks.size(); t++) {
            for (int f = 0; f < faces.size(); f++) {
                float score = score(tracks.get(t), faces.get(f), now, threshold);
                if (!Float.isNaN(score)) {
                    pairs.add(new float[] {score, t, f});
                }
            }
        }
        pairs.sort(Comparator.comparingDouble((float[] p) -> p[0]).reversed());
        int[] faceToTrack = new int[faces.size()];
        Arrays.fill(faceToTrack, -1);
        boolean[] taken = new boolean[tracks.size()];
        for (float[] pair : pairs) {
            int t = (int) pair[1], f = (int) pair[2];
            if (!taken[t] && faceToTrack[f] < 0) {
                taken[t] = true;
                faceToTrack[f] = t;
            }
        }
        return faceToTrack;
    }

    /** How well the face continues the track; NaN when it cannot. */
    static float score(TrackState track, Face face, long now, float threshold) {
        Box predicted = predicted(track, now);
        float iou = Boxes.iou(predicted, face.box());
        float jump = Boxes.centreDistance(predicted, face.box());
        float z = z(track, face, threshold);
        boolean place = Boxes.sizeRatio(predicted, face.box()) <= MAX_SIZE_RATIO && (iou >= MIN_IOU || jump <= MAX_JUMP);
        boolean looksAlike = Float.isNaN(z) || z >= VETO_Z;
        // At or above the calibrated threshold the recognizer itself would call the two faces one person: link them
        // wherever the face reappeared within the timeout (a face hidden while it crossed the room).
        boolean sameperson = !Float.isNaN(z) && z >= 0;
        if (!((place && looksAlike) || sameperson)) {
            return Float.NaN;
        }
        float nearness = Math.max(0, 1 - jump / MAX_JUMP) / 2;
        float appearance = Float.isNaN(z) ? 0 : APPEARANCE_WEIGHT * Math.max(-2f, Math.min(1f, z));
        return iou + nearness + appearance;
    }

    static Box predicted(TrackState track, long now) {
        float dt = Math.min(MAX_PREDICTION_SECONDS, Math.max(0, now - track.getLastSeen().toEpochMilli()) / 1000f);
        return Boxes.shifted(track.getBox(), track.getVelocityX() * dt, track.getVelocityY() * dt);
    }

    /** Similarity on the recognizer's scale (see VETO_Z); NaN without embeddings or a usable threshold. */
    static float z(TrackState track, Face face, float threshold) {
        List<Float> mean = track.getEmbedding();
        float[] e = face.embedding();
        if (e == null || mean.isEmpty() || mean.size() != e.length || threshold <= 0 || threshold >= 1) {
            return Float.NaN;
        }
        double dot = 0;
        for (int i = 0; i < e.length; i++) {
            dot += mean.get(i) * e[i];
        }
        return (float) ((dot - threshold) / (1 - threshold));
    }
}
