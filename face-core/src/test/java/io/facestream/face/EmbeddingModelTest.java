package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The model name stored with every vector and its typed form, which the matcher keys its thresholds and galleries by. */
class EmbeddingModelTest {

    @Test
    void namesAndParsesEveryRecognizerWithAndWithoutFlip() {
        for (Recognizer recognizer : Recognizer.values()) {
            for (boolean flip : new boolean[] {false, true}) {
                EmbeddingModel model = new EmbeddingModel(recognizer, flip);
                assertThat(EmbeddingModel.parse(model.name())).isEqualTo(model);
            }
        }
        assertThat(new EmbeddingModel(Recognizer.DLIB_RESNET_128, true).name()).isEqualTo("dlib-resnet-128+flip");
        assertThat(EmbeddingModel.parse("arcface-mbf-int8")).isEqualTo(new EmbeddingModel(Recognizer.ARCFACE_MBF_INT8, false));
        assertThatThrownBy(() -> EmbeddingModel.parse("facenet+flip")).isInstanceOf(IllegalArgumentException.class);
    }
}
