package io.facestream.models;

/** One entry of the model manifest. {@code download} is null where upstream publishes no direct file. */
public record ModelSpec(String name, String role, String file, String sha256, String licence, String source, String download) {
}
