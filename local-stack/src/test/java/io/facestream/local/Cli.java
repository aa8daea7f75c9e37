package io.facestream.local;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.facestream.cli.Facestream;
import picocli.CommandLine;

/** One run of the {@code facestream} command in this JVM, as a user runs it: its exit code and what it printed. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Facestream.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        System.out.println("facestream " + args[0] + ": exit " + exit + "\n" + out + err);
        return new Cli(exit, out.toString(), err.toString());
    }
}
