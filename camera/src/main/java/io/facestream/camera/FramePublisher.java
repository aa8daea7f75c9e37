package io.facestream.camera;

/** Where a camera's frames go; the Kafka one is {@link KafkaFramePublisher}. Must be safe to call from several cameras' threads. */
public interface FramePublisher {

    void publish(CapturedFrame frame);
}
