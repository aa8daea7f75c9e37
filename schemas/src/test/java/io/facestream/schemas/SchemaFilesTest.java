package io.facestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaFilesTest {

    @TempDir
    Path dir;

    @Test
    void eachAvscStandsAloneAndHasTheFingerprintTheServicesWriteAndExpect() throws Exception {
        SchemaFiles.main(new String[] {dir.toString()});

        for (Schema generated : new Schema[] {Frame.getClassSchema(), MatchResult.getClassSchema(), PersonChange.getClassSchema()}) {
            // A fresh parser: nothing but the file itself may be needed to read it.
            Schema fromFile = new Schema.Parser().parse(dir.resolve(generated.getName() + ".avsc").toFile());
            assertThat(SchemaNormalization.parsingFingerprint64(fromFile)).isEqualTo(SchemaNormalization.parsingFingerprint64(generated));
        }
        assertThat(dir.resolve("facestream.avpr")).exists();
    }
}
