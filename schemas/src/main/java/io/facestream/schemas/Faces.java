package io.facestream.schemas;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** Rules about the faces of a frame that more than one service applies. */
public final class Faces {

    private Faces() {
    }

    /**
     * Verification compares one face per photo: the largest box (by area), the person the photo is of rather than
     * someone behind them. The gateway picks the reference photo's face with it, the matcher the probe's.
     */
    public static <T> T largest(List<T> faces, Function<T, DetectedFace> face) {
        return faces.stream().max(Comparator.comparingDouble(f -> face.apply(f).getBox().getWidth() * face.apply(f).getBox().getHeight()))
                .orElseThrow();
    }
}
