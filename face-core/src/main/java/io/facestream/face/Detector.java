package io.facestream.face;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.facestream.models.ModelManifest;
import io.facestream.models.ModelSpec;
import io.facestream.models.ModelStore;

/**
 * The detectors facestream can run, by their manifest name: everything about one detector in one place. Adding a
 * detector is a constant here, its class, and its entry in the model manifest (file, sha256, licence).
 *
 * <p>Each detector scores on its own scale, so each has its own measured default settings and its own score limit
 * for the enrolment quality gate; the other quality limits (size, sharpness, pose) are the same for all.
 */
public enum Detector {

    /**
     * YuNet. Score 0.8: YuNet scored every one of the 1,549 real LFW faces 0.85 or more (OpenCV's usual 0.9 would lose
     * some), but scored two patches of a landscape painting behind refs/biden/biden2.jpg 0.63 and 0.70, which a lower
     * threshold would report as faces. Enrolment: real faces score 0.85 and above.
     */
    YUNET("yunet", new DetectorSettings(0.8f, 0.3f, 640), FaceQuality.Rules.defaults()) {
        @Override
        FaceDetector open(ModelStore models, DetectorSettings settings) {
            return YuNetDetector.create(models, settings);
        }
    },

    /**
     * SCRFD-500M. SCRFD scores real faces lower than the others (LFW median 0.82, never above 0.92); at insightface's
     * own default, 0.5, 3 of the 1,549 LFW faces are lost (scores 0.28, 0.46, 0.49), which cost the bench 2 LFW pairs
     * and a rank-1 miss (docs/quality.md). 0.27 keeps every LFW face: measured with ArcFace, LFW dev pairs go from
     * 99.29 % to 100 %, CelebA from 94.06 % to 94.14 % with no photo left without a face, rank-1 from 98.8 % to 100 %.
     * The price is boxes between 0.27 and 0.5, about half of them hands, shoulders or trophies around LFW faces; the
     * enrolment gate marks every face under 0.6 low quality, so such boxes never enrol anyone and are flagged in
     * answers (SCRFD reports non-faces under 0.5). NMS 0.4 as insightface.
     */
    SCRFD_500M("scrfd-500m", new DetectorSettings(0.27f, 0.4f, 640), FaceQuality.Rules.defaults().withMinScore(0.6f)) {
        @Override
        FaceDetector open(ModelStore models, DetectorSettings settings) {
            return ScrfdDetector.create(modelName(), models, settings);
        }
    },

    /**
     * SCRFD-2.5G: insightface's 0.5. Its lowest LFW faces score 0.247, 0.32 and 0.49, but at 0.24 it also reports a
     * fourth face in groups/fr_obama_and_biden.jpg (2–3 labelled), so it keeps the default and loses those three.
     * Enrolment as SCRFD-500M: 0.6.
     */
    SCRFD_2_5G("scrfd-2.5g", new DetectorSettings(0.5f, 0.4f, 640), FaceQuality.Rules.defaults().withMinScore(0.6f)) {
        @Override
        FaceDetector open(ModelStore models, DetectorSettings settings) {
            return ScrfdDetector.create(modelName(), models, settings);
        }
    },

    /**
     * RetinaFace MobileNet-0.25. Score 0.9: its softmax scores every LFW face 0.992 or more (median 1.000), but it also
     * reports many small boxes on necks, hands and textures at 0.5–0.9 around those faces (biubug6's demo shows 0.6 and
     * up); at 0.9 the group photos give their labelled counts and the baseball crowd 21 faces. NMS 0.4 as biubug6.
     * Enrolment: 0.95, below its real faces (0.992 and up) and above its false boxes.
     */
    RETINAFACE_MNET025("retinaface-mnet025", new DetectorSettings(0.9f, 0.4f, 640), FaceQuality.Rules.defaults().withMinScore(0.95f)) {
        @Override
        FaceDetector open(ModelStore models, DetectorSettings settings) {
            return RetinaFaceDetector.create(models, settings);
        }
    };

    private final String modelName;
    private final DetectorSettings defaultSettings;
    private final FaceQuality.Rules enrolmentRules;

    Detector(String modelName, DetectorSettings defaultSettings, FaceQuality.Rules enrolmentRules) {
        this.modelName = modelName;
        this.defaultSettings = defaultSettings;
        this.enrolmentRules = enrolmentRules;
    }

    abstract FaceDetector open(ModelStore models, DetectorSettings settings);

    /** Name in the model manifest, in FACESTREAM_DETECTOR and in answers. */
    public String modelName() {
        return modelName;
    }

    /** The measured defaults (see each constant). */
    public DetectorSettings defaultSettings() {
        return defaultSettings;
    }

    /** The enrolment quality gate for this detector's faces (its own score scale). */
    public FaceQuality.Rules enrolmentRules() {
        return enrolmentRules;
    }

    /** The manifest entry: file, sha256, licence, source. Licences live there, next to the files they govern. */
    public ModelSpec model(ModelManifest manifest) {
        return manifest.get(modelName);
    }

    public PaddedRetry create(ModelStore models) {
        return create(models, defaultSettings);
    }

    /**
     * With settings of the caller's, e.g. {@code defaultSettings().withScoreThreshold(t)} from a service's configuration.
     * Every detector the services and the bench run looks again at a padded copy of a photo where it found no face
     * ({@link PaddedRetry}): the one place that decides how a photo's faces are found.
     */
    public PaddedRetry create(ModelStore models, DetectorSettings settings) {
        return new PaddedRetry(open(models, settings));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Detector::modelName).toList();
    }

    public static Detector named(String name) {
        return Arrays.stream(values()).filter(d -> d.modelName.equals(name.strip().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown detector " + name + "; available: " + names()));
    }
}
