package io.facestream.matcher.gallery;

import static io.facestream.matcher.TestInfra.unit;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Values;

class GalleryTest {

    static PersonChange person(long id, float[]... faces) {
        List<List<Float>> embeddings = new ArrayList<>();
        for (float[] face : faces) {
            embeddings.add(Values.floatList(face));
        }
        return PersonChange.newBuilder().setPersonId(id).setKind(PersonChangeKind.UPSERT).setName("p" + id).setModel("m")
                .setEmbeddings(embeddings).setChangedAt(Instant.now()).build();
    }

    @Test
    void bestOfTakesTheClosestFaceAndMeanTemplateTheirNormalisedMean() {
        PersonChange twoPhotos = person(1, unit(1, 0, 0), unit(0, 1, 0));
        float[] probe = unit(1, 0, 0);

        Gallery bestOf = new Gallery("m", Gallery.Matching.BEST_OF);
        bestOf.apply(twoPhotos);
        Gallery template = new Gallery("m", Gallery.Matching.MEAN_TEMPLATE);
        template.apply(twoPhotos);

        assertThat(bestOf.best(probe).getSimilarity()).isEqualTo(1f);
        // mean of (1,0,0) and (0,1,0), normalised: (0.707, 0.707, 0)
        assertThat(template.best(probe).getSimilarity()).isCloseTo(0.7071f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(template.compare(1, unit(1, 1, 0)).getSimilarity()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void theBestPeopleAreDistinctAndSkipThoseTheProbeIsANegativeExampleOf() {
        Gallery gallery = new Gallery("m", Gallery.Matching.BEST_OF);
        gallery.apply(person(1, unit(1, 0, 0), unit(0.99f, 0.1f, 0)));   // two faces near the probe: one person
        gallery.put(2, "p2", new float[][] {unit(0.9f, 0.3f, 0)}, new float[][] {unit(1, 0.05f, 0)});   // "not p2" is the probe's twin
        gallery.apply(person(3, unit(0.8f, 0.6f, 0)));
        float[] probe = unit(1, 0.05f, 0);

        assertThat(gallery.best(probe, 2f, 2)).extracting(PersonMatch::getPersonId).as("no veto").containsExactly(1L, 2L);
        assertThat(gallery.best(probe, 0.9f, 2)).extracting(PersonMatch::getPersonId).as("p2 vetoed").containsExactly(1L, 3L);
        assertThat(gallery.best(probe, 0.9f, 5)).extracting(PersonMatch::getPersonId).as("fewer than asked").containsExactly(1L, 3L);
    }

    @Test
    void aDeletedOrRemovedPersonIsNeverTheBestMatch() {
        Gallery gallery = new Gallery("m", Gallery.Matching.BEST_OF);
        gallery.apply(person(1, unit(1, 0, 0)));
        gallery.apply(person(2, unit(0, 1, 0)));
        gallery.apply(PersonChange.newBuilder().setPersonId(1).setKind(PersonChangeKind.DELETE).setModel("m").setChangedAt(Instant.now()).build());
        assertThat(gallery.best(unit(1, 0, 0)).getPersonId()).isEqualTo(2);
        gallery.remove(2);
        assertThat(gallery.best(unit(1, 0, 0))).isNull();
        assertThat(gallery.size()).isZero();
    }

    @Test
    void comparisonsCountWhatAProbeIsComparedWith() {
        Gallery bestOf = new Gallery("m", Gallery.Matching.BEST_OF);
        Gallery template = new Gallery("m", Gallery.Matching.MEAN_TEMPLATE);
        for (Gallery gallery : List.of(bestOf, template)) {
            gallery.apply(person(1, unit(1, 0, 0), unit(0, 1, 0)));
            gallery.apply(person(2, unit(0, 0, 1)));
            gallery.apply(person(2, unit(0, 0, 1), unit(0, 1, 1)));   // a face added: the whole state again
        }
        assertThat(bestOf.comparisons()).isEqualTo(4);
        assertThat(template.comparisons()).isEqualTo(2);
        bestOf.remove(1);
        bestOf.apply(PersonChange.newBuilder().setPersonId(2).setKind(PersonChangeKind.DELETE).setModel("m").setChangedAt(Instant.now()).build());
        assertThat(bestOf.comparisons()).isZero();
    }

    @Test
    void aNegativeExampleSkipsItsPersonForProbesCloseToItOnly() {
        Gallery gallery = new Gallery("m", Gallery.Matching.BEST_OF);
        PersonChange ada = person(1, unit(1, 0, 0));
        ada.setNegatives(List.of(Values.floatList(unit(1, 1, 0))));
        gallery.apply(ada);
        gallery.apply(person(2, unit(0, 1, 0)));
        assertThat(gallery.best(unit(1, 0.9f, 0), 0.9f).getPersonId()).as("close to the negative: the next person").isEqualTo(2);
        assertThat(gallery.best(unit(1, 0.9f, 0)).getPersonId()).as("without a veto threshold negatives are ignored").isEqualTo(1);
        assertThat(gallery.best(unit(1, -0.2f, 0), 0.9f).getPersonId()).as("far from the negative: still Ada").isEqualTo(1);
    }
}
