package io.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** The entry point as a user meets it before any gateway answers: help, version, and clear failures with their exit codes. */
class FacestreamCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Facestream.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommandsAndImportExplainsReRuns() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: facestream", "import", "--version", "FACESTREAM_API_KEY");

        Run importHelp = run("help", "import");
        assertThat(importHelp.exitCode()).isZero();
        assertThat(importHelp.out()).contains("Usage: facestream import", "DIR", "--url", "--api-key", "--add-to-existing",
                ImportLedger.FILE_NAME, "Exit codes");
    }

    @Test
    void versionIsTheBuildsVersion() {
        Run version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("facestream ").doesNotContain("@project.version@", "unknown");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run().exitCode()).isEqualTo(2);
        assertThat(run().err()).contains("name a command");
        Run unknown = run("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate");
        assertThat(run("import").exitCode()).isEqualTo(2);
    }

    @Test
    void failuresExitWith1AndAMessage(@TempDir Path dir) throws Exception {
        Run missing = run("import", dir.resolve("nope").toString(), "--api-key", "fs_x");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("is not a folder");

        Run empty = run("import", dir.toString(), "--api-key", "fs_x");
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.err()).contains("no person folders");

        Files.createDirectories(dir.resolve("Ada Lovelace"));
        Files.write(dir.resolve("Ada Lovelace/ada.jpg"), new byte[] {1, 2, 3});
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run unreachable = run("import", dir.toString(), "--api-key", "fs_x", "--url", "http://127.0.0.1:" + port);
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach the gateway at http://127.0.0.1:" + port).doesNotContain("Exception");

        Run badUrl = run("import", dir.toString(), "--api-key", "fs_x", "--url", "ftp://example");
        assertThat(badUrl.exitCode()).isEqualTo(1);
        assertThat(badUrl.err()).contains("--url must start with http");
    }
}
