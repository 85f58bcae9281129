package dev.segattr.cli;

import dev.segattr.BadInputException;
import dev.segattr.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code segattr} command. Exit codes: 0 done, 2 bad input or bad usage (one line on stderr saying what
 * and where), 1 anything else (a failure of segattr itself, with its stack trace).
 */
@Command(name = "segattr",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Segment-level attribution and selective fine-tuning of long reasoning traces.",
        subcommands = {
                SegmentCommand.class,
                SynthCommand.class,
                AttributeCommand.class,
                AblateCommand.class,
                SelectCommand.class,
                LogprobsCommand.class,
                TrainCommand.class,
                ExportCommand.class,
                EvaluateCommand.class,
                MakeDefaultCommand.class,
                RunCommand.class,
                WalkthroughCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    public static final int BAD_INPUT = 2;

    static {
        // Nothing is ever downloaded at run time: libtorch comes from the jar on the class path.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // Charts are drawn off screen: a server or CI machine has no display.
        System.setProperty("java.awt.headless", "true");
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (the tests call this). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, args) -> {
            // An enum option's converter refused a value: its own one line, as when the command runs.
            if (e.getCause() instanceof BadInputException bad) {
                cli.getErr().println("segattr " + e.getCommandLine().getCommandName() + ": " + bad.getMessage());
                cli.getErr().flush();
                return BAD_INPUT;
            }
            return usage.handleParseException(e, args);
        });
        cli.setExecutionExceptionHandler((e, line, parse) -> {
            if (e instanceof BadInputException || e instanceof UncheckedIOException) {
                // The root's writer: a caller (or a test) that redirected it sees the message.
                cli.getErr().println("segattr " + line.getCommandName() + ": " + e.getMessage());
                cli.getErr().flush();
                return BAD_INPUT;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Versions v = Versions.ofThisBuild();
            return new String[] {"segattr " + v.segattr() + " (DJL " + v.djl() + ", PyTorch " + v.pytorch() + ")"};
        }
    }
}
