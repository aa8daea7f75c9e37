package io.facestream.schemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.avro.Schema;

/**
 * Writes the wire contract as plain Avro JSON at build time ({@code avro/*.avsc} and {@code avro/facestream.avpr}
 * in the schemas jar), because most Avro libraries outside Java (Python's {@code avro}, fastavro, librdkafka's
 * serdes, avsc for JavaScript) read {@code .avsc} and not the IDL. Generated from the same protocol as the Java
 * classes, so the two cannot drift apart.
 */
public final class SchemaFiles {

    private SchemaFiles() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Files.createDirectories(Path.of(args[0]));
        for (Schema schema : Facestream.PROTOCOL.getTypes()) {
            // Each file stands alone: the schemas it refers to are written inline, as Schema#toString does.
            Files.writeString(out.resolve(schema.getName() + ".avsc"), schema.toString(true) + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(out.resolve("facestream.avpr"), Facestream.PROTOCOL.toString(true) + "\n", StandardCharsets.UTF_8);
    }
}
