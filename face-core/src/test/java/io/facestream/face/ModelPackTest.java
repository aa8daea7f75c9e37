package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.facestream.models.ModelManifest;

class ModelPackTest {

    /** Unset, the pack is one every user may run and every machine can fetch: each model has a public download or a package to convert from. */
    @Test
    void theDefaultIsPermissiveAndPubliclyFetchable() {
        ModelPack pack = ModelPack.named(null);
        assertThat(pack).isEqualTo(ModelPack.named(" ")).isEqualTo(ModelPack.PERMISSIVE);
        ModelManifest manifest = ModelManifest.load();
        for (String model : new String[] {pack.detector().modelName(), pack.recognizer().modelName()}) {
            assertThat(manifest.get(model).download() != null || manifest.get(model).build() != null).as(model).isTrue();
            assertThat(manifest.get(model).licence()).as(model).doesNotContainIgnoringCase("non-commercial").doesNotContainIgnoringCase("research");
        }
    }

    @Test
    void theResearchPackIsOneSettingAway() {
        assertThat(ModelPack.named("Research")).isEqualTo(ModelPack.RESEARCH);
        assertThat(ModelPack.RESEARCH.detector()).isEqualTo(Detector.SCRFD_500M);
        assertThatThrownBy(() -> ModelPack.named("fast")).hasMessageContaining("permissive").hasMessageContaining("research");
    }
}
