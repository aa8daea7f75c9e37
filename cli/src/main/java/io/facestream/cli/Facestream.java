package io.facestream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code facestream} command. Each task is a subcommand in its own class, registered in
 * {@link #subcommands}; it reaches a gateway through {@link GatewayOptions} and reports failures by throwing
 * {@link CliException}, which ends the run with its message and exit code 1 (usage errors exit 2).
 */
@Command(name = "facestream", mixinStandardHelpOptions = true, versionProvider = Facestream.Version.class,
        description = "Work with a running facestream: its gateway, or its Kafka cluster as a camera.",
        footer = {"", "Subcommands that talk to a gateway take --url (or FACESTREAM_URL) and --api-key (or FACESTREAM_API_KEY); "
                + "camera and replay talk to Kafka (--bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS).",
                "Run 'facestream help COMMAND' for a command's options."},
        subcommands = {ImportCommand.class, CameraCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Facestream implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. 'facestream import DIR'");
    }

    /** The command line as the launcher and tests run it: usage errors exit 2, failures 1 with their message on stderr. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Facestream());
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            PrintWriter err = cl.getErr();
            if (e instanceof CliException) {
                err.println("facestream " + cl.getCommandName() + ": " + e.getMessage());
            } else {
                err.println("facestream " + cl.getCommandName() + " failed: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        // slf4j-simple, the runnable jar's logger: the Kafka client's warnings and errors only, on stderr.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(commandLine().execute(args));
    }

    /** The build's version, written into version.properties when the jar is made. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Facestream.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"facestream " + properties.getProperty("version", "(unknown version)")};
        }
    }
}
