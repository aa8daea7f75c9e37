package io.facestream.camera;

/** One sampled frame of one camera, ready to publish: a whole JPEG as the decoder wrote it. */
public record CapturedFrame(String cameraId, long sequence, long captureTime, byte[] jpeg) {
}
