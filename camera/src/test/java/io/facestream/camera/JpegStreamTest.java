package io.facestream.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.facestream.face.TestPhotos;

/** Real JPEGs (the committed test photos, from cameras and phones: EXIF, thumbnails) cut out of one stream unchanged. */
class JpegStreamTest {

    @Test
    void concatenatedPhotosComeBackByteForByte() throws IOException {
        byte[][] photos = {TestPhotos.bytes(TestPhotos.A1), TestPhotos.bytes(TestPhotos.B1), TestPhotos.bytes(TestPhotos.A2), TestPhotos.bytes(TestPhotos.B2)};
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] photo : photos) {
            stream.write(photo);
        }
        JpegStream jpegs = new JpegStream(new ByteArrayInputStream(stream.toByteArray()));
        for (byte[] photo : photos) {
            assertThat(jpegs.next()).isEqualTo(photo);
        }
        assertThat(jpegs.next()).isNull();
    }

    @Test
    void aStreamCutInsideAnImageOrNotJpegFails() {
        byte[] photo = TestPhotos.bytes(TestPhotos.A1);
        JpegStream cut = new JpegStream(new ByteArrayInputStream(Arrays.copyOf(photo, photo.length / 2)));
        assertThatThrownBy(cut::next).isInstanceOf(EOFException.class);
        JpegStream png = new JpegStream(new ByteArrayInputStream(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        assertThatThrownBy(png::next).hasMessageContaining("not a JPEG stream");
    }
}
