package io.facestream.matcher.tracking;

import io.facestream.schemas.Box;

/** Box geometry for linking faces across frames. */
final class Boxes {

    private Boxes() {
    }

    static float iou(Box a, Box b) {
        float x1 = Math.max(a.getX(), b.getX());
        float y1 = Math.max(a.getY(), b.getY());
        float x2 = Math.min(a.getX() + a.getWidth(), b.getX() + b.getWidth());
        float y2 = Math.min(a.getY() + a.getHeight(), b.getY() + b.getHeight());
        float inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        float union = a.getWidth() * a.getHeight() + b.getWidth() * b.getHeight() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    static float centreX(Box b) {
        return b.getX() + b.getWidth() / 2;
    }

    static float centreY(Box b) {
        return b.getY() + b.getHeight() / 2;
    }

    /** Centre distance in units of the larger box's width: how far a face moved relative to its size. */
    static float centreDistance(Box a, Box b) {
        float d = (float) Math.hypot(centreX(a) - centreX(b), centreY(a) - centreY(b));
        return d / Math.max(1f, Math.max(a.getWidth(), b.getWidth()));
    }

    /** Width ratio, at least 1: a face does not double its size between two frames a moment apart. */
    static float sizeRatio(Box a, Box b) {
        float wa = Math.max(1f, a.getWidth()), wb = Math.max(1f, b.getWidth());
        return Math.max(wa / wb, wb / wa);
    }

    static Box shifted(Box b, float dx, float dy) {
        return new Box(b.getX() + dx, b.getY() + dy, b.getWidth(), b.getHeight());
    }
}
