package io.facestream.camera;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts a stream of concatenated JPEG files (ffmpeg's {@code image2pipe} with {@code mjpeg}) into single images,
 * byte for byte as ffmpeg wrote them: nothing is decoded or re-encoded in Java.
 *
 * <p>An image ends at the EOI marker ({@code FF D9}) after its scan. Searching for {@code FF D9} alone is not
 * enough in general (marker segments such as an EXIF thumbnail may hold those bytes), so segments before the scan
 * are skipped by their length, and inside the entropy-coded scan {@code FF} is always followed by {@code 00}
 * (stuffing) or a restart marker unless a real marker begins.
 */
final class JpegStream {

    private static final int MARKER = 0xFF;
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;

    private final InputStream in;

    JpegStream(InputStream in) {
        this.in = in;
    }

    /** The next whole image, or null when the stream ends between images. */
    byte[] next() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        ByteArrayOutputStream image = new ByteArrayOutputStream(64 * 1024);
        int second = read();
        if (first != MARKER || second != SOI) {
            throw new IOException(String.format("not a JPEG stream: starts with %02X %02X", first, second));
        }
        image.write(first);
        image.write(second);
        while (true) {
            int marker = nextMarker(image);
            if (marker == EOI) {
                return image.toByteArray();
            }
            copySegment(image);
            if (marker == SOS && scan(image)) {
                return image.toByteArray();
            }
        }
    }

    /** Reads {@code FF xx} (skipping fill bytes) and returns xx. */
    private int nextMarker(ByteArrayOutputStream image) throws IOException {
        int b = read();
        if (b != MARKER) {
            throw new IOException(String.format("corrupt JPEG: expected a marker, found %02X", b));
        }
        image.write(b);
        int marker;
        do {
            marker = read();
            image.write(marker);
        } while (marker == MARKER);
        return marker;
    }

    private void copySegment(ByteArrayOutputStream image) throws IOException {
        int high = read();
        int low = read();
        image.write(high);
        image.write(low);
        int length = (high << 8 | low) - 2;
        if (length < 0) {
            throw new IOException("corrupt JPEG: segment length " + (length + 2));
        }
        byte[] segment = in.readNBytes(length);
        if (segment.length < length) {
            throw new EOFException("JPEG stream ended inside a segment");
        }
        image.write(segment, 0, length);
    }

    /** Copies entropy-coded data up to the next real marker; true when that marker was EOI (the image is complete). */
    private boolean scan(ByteArrayOutputStream image) throws IOException {
        while (true) {
            int b = read();
            image.write(b);
            if (b != MARKER) {
                continue;
            }
            int next = read();
            while (next == MARKER) {
                image.write(next);
                next = read();
            }
            image.write(next);
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                continue;
            }
            if (next == EOI) {
                return true;
            }
            // Another marker after a scan (progressive JPEG: DHT, SOS, ...): the segment follows.
            if (next == SOS) {
                copySegment(image);
                continue;
            }
            copySegment(image);
            return false;
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("JPEG stream ended inside an image");
        }
        return b;
    }
}
