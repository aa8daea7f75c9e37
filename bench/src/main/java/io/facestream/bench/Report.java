package io.facestream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The bench's Markdown table. */
final class Report {

    private final String arguments;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, QualityBench.Detection> detections = new java.util.LinkedHashMap<>();
    private final Map<String, List<FaceFinding.Row>> faceFinding = new java.util.LinkedHashMap<>();

    Report(String arguments) {
        this.arguments = arguments;
    }

    void detection(String detector, QualityBench.Detection detection) {
        detections.put(detector, detection);
    }

    void faceFinding(String detector, List<FaceFinding.Row> rows) {
        faceFinding.put(detector, rows);
    }

    void row(Map<String, Object> row) {
        rows.add(row);
    }

    List<Map<String, Object>> rows() {
        return rows;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Recognition quality\n\n");
        md.append("Produced by `FACESTREAM_MODEL_MIRROR=../shared/models mvn -B -q install -DskipTests && "
                + "java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar").append(arguments.isBlank() ? "" : " " + arguments)
                .append("` on this repository's CI machine kind (2 cores), over `../shared/data`.\n")
                .append("The same face library as the services: decode → detector → least-squares 5-point alignment → embedding (+flip: averaged with the mirrored face) → cosine.\n\n");
        md.append("## Verification (10-fold: threshold chosen on 9 folds, applied to the 10th; a pair without a face counts as wrong)\n\n");
        md.append("| detector | recognizer | set | pairs | no face | accuracy | AUC |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            for (var entry : row.entrySet()) {
                if (entry.getValue() instanceof QualityBench.Verification v) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.2f %% ± %.2f | %.4f |%n", row.get("detector"),
                            row.get("recognizer"), entry.getKey(), v.pairs(), v.failures(), 100 * v.accuracy(), 100 * v.std(), v.auc()));
                }
            }
        }
        md.append("\n## Service threshold (false-accept rate of impostor pairs ≤ 0.1 %)\n\n");
        md.append("Impostors: every pair of photos of two different people in the LFW and CelebA identity sets; genuine: every pair of one person's photos.\n\n");
        md.append("| detector | recognizer | impostor pairs | genuine pairs | threshold at FAR 1e-3 | TAR | false-reject rate | threshold at FAR 1e-4 | TAR |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            QualityBench.Calibration c = (QualityBench.Calibration) row.get("calibration");
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.4f | %.2f %% | %.2f %% | %.4f | %.2f %% |%n", row.get("detector"), row.get("recognizer"), c.impostorPairs(),
                    c.genuinePairs(), c.threshold(), 100 * c.tarAtFar(), 100 * c.falseRejectRate(), c.strictThreshold(), 100 * c.tarAtStrictFar()));
        }
        md.append("\n## Impostor tail (MatcherConfig.IMPOSTOR_TAILS: the similarity each share of impostor pairs reaches)\n\n");
        md.append("| detector | recognizer | 1e-2 | 1e-3 | 1e-4 | 1e-5 | 1e-6 |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            ImpostorTailRow.append(md, row);
        }
        md.append("\n## Identification by gallery size (LFW + CelebA: one enrolment photo per person, people with several photos first, "
                + "then single-photo distractors; every third single-photo person never enrolled, probing as a stranger)\n\n");
        md.append("Margin policies: a face is named only if its best person also beats the second-best by the margin. Their parameters "
                + "(most true accepts with at most 1 % of strangers named, at the largest gallery) are chosen on one half of the people "
                + "(probe people and strangers alternate) and applied to the other, both ways (2-fold; the two choices are shown as a / b).\n\n");
        md.append("| detector | recognizer | policy | gallery | threshold | margin | probes | true accept | strangers | strangers named |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked")
            List<GallerySize> sizes = (List<GallerySize>) row.get("identification by gallery size");
            if (sizes == null) {
                continue;
            }
            for (GallerySize g : sizes) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %d | %.2f %% | %d | %.2f %% |%n", row.get("detector"), row.get("recognizer"),
                        g.policy(), g.gallery(), g.threshold(), g.margin(), g.probes(), 100 * g.trueAccept(), g.strangers(), 100 * g.strangersNamed()));
            }
        }
        md.append("\n## Margin trade-off (largest gallery, every probe and stranger, in-sample: the most true accepts for at most so many strangers named)\n\n");
        md.append("| detector | recognizer | strangers named | threshold alone | true accept | threshold | margin | true accept |\n|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked")
            List<GallerySize.TradeOff> curve = (List<GallerySize.TradeOff>) row.get("margin trade-off");
            for (GallerySize.TradeOff t : curve == null ? List.<GallerySize.TradeOff>of() : curve) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %d of %d (%.2f %%) | %.4f | %.2f %% | %.4f | %.4f | %.2f %% |%n", row.get("detector"),
                        row.get("recognizer"), t.strangersNamed(), t.strangers(), 100.0 * t.strangersNamed() / Math.max(1, t.strangers()),
                        t.thresholdOnly(), 100 * t.thresholdOnlyTrueAccept(), t.threshold(), t.margin(), 100 * t.trueAccept()));
            }
        }
        md.append("\n## Negative examples (\"not this person\"; people with several photos alternate between enrolled and strangers, "
                + "single-photo people enrolled as distractors; at the pair threshold, each stranger's first photo that is named someone "
                + "becomes a negative example of that person; their other photos and the enrolled people's probes are matched again)\n\n");
        md.append("| detector | recognizer | threshold | gallery | negatives | stranger photos | named the targeted person before → after | "
                + "named anyone before → after | probes | true accepts before → after |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            if (row.get("negative examples") instanceof QualityBench.Negatives n) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %d | %d | %d | %d → %d | %d → %d | %d | %d → %d |%n", row.get("detector"),
                        row.get("recognizer"), n.threshold(), n.gallery(), n.negatives(), n.strangerPhotos(), n.targetedBefore(), n.targetedAfter(),
                        n.falseBefore(), n.falseAfter(), n.probes(), n.trueBefore(), n.trueAfter()));
            }
        }
        md.append("\n## Identification (one enrolment photo per person; half the single-photo people never enrolled)\n\n");
        md.append("| detector | recognizer | set | gallery | probes | strangers | rank-1 | true accept at threshold | strangers falsely accepted |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            for (var entry : row.entrySet()) {
                if (entry.getValue() instanceof QualityBench.Identification id) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %.2f %% | %.2f %% | %.2f %% |%n", row.get("detector"), row.get("recognizer"),
                            entry.getKey().replace("identification ", "").replace(", strict", " (FAR 1e-4 threshold)").replaceAll("^(LFW|CelebA)$", "$1 (FAR 1e-3 threshold)"), id.galleryPeople(), id.probes(), id.strangerProbes(),
                            100 * id.rank1(), 100 * id.openSetTrueAccept(), 100 * id.strangerFalseAccept()));
                }
            }
        }
        md.append("\n## Several photos per person (CelebA: two enrolled, the rest probes; acceptance at the FAR 1e-4 threshold)\n\n");
        md.append("| detector | recognizer | people | probes | rank-1 best-of | rank-1 mean template | accepted best-of | accepted mean template |\n|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            if (!(row.get("enrolment") instanceof QualityBench.Enrolment e)) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f %% | %.2f %% | %.2f %% | %.2f %% |%n", row.get("detector"), row.get("recognizer"),
                    e.people(), e.probes(), 100 * e.bestOfRank1(), 100 * e.templateRank1(), 100 * e.bestOfAccept(), 100 * e.templateAccept()));
        }
        md.append("\n## Speed on this CPU (one thread)\n\n");
        md.append("Each image is detected once per detector; every recognizer's row shows that detector's times.\n\n");
        md.append("| detector | recognizer | decode ms/image p50 / p95 | detect ms/image p50 / p95 | align+embed ms/face p50 / p95 |\n|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            QualityBench.Speed s = (QualityBench.Speed) row.get("speed");
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f |%n", row.get("detector"), row.get("recognizer"), s.decodeMedianMs(),
                    s.decodeP95Ms(), s.detectMedianMs(), s.detectP95Ms(), s.embedMedianMs(), s.embedP95Ms()));
        }
        if (!faceFinding.isEmpty()) {
            md.append("\n## Photos without a face (FaceFinding: the detector alone, with the padded retry the services run, and every photo padded)\n\n");
            faceFinding.forEach((detector, found) -> md.append("### ").append(detector).append("\n\n").append(FaceFinding.markdown(found)).append("\n"));
        }
        if (!detections.isEmpty()) {
            md.append("\n## Detection (each detector at its default score threshold)\n\n");
            md.append("| detector | LFW photos with the face found | group photos: faces found (expected) |\n|---|---|---|\n");
            detections.forEach((detector, detection) -> md.append(String.format(Locale.ROOT, "| %s | %d of %d (%.2f %%) | %s |%n", detector,
                    detection.lfwFound(), detection.lfwImages(), 100.0 * detection.lfwFound() / detection.lfwImages(),
                    String.join("; ", detection.groups()))));
            md.append("\nAnnotated group photos (boxes and landmarks) are written to `target/bench-images/<detector>/`.\n");
        }
        return md.toString();
    }

    /** One row of the impostor-tail table. */
    private static final class ImpostorTailRow {
        static void append(StringBuilder md, Map<String, Object> row) {
            QualityBench.Calibration c = (QualityBench.Calibration) row.get("calibration");
            md.append("| ").append(row.get("detector")).append(" | ").append(row.get("recognizer"));
            for (double t : c.tail().threshold()) {
                md.append(String.format(Locale.ROOT, " | %.4f", t));
            }
            md.append(" |\n");
        }
    }
}
