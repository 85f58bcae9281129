package dev.segattr.spark;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * segattr-spark's commands take the command line's options with the command line's defaults: a user moves a run
 * to a cluster by changing the program, not the flags. The options that only one side has are listed here, each
 * with its reason; any other difference fails.
 */
class OptionsParityTest {

    /** Options of the command line that a job does not take, per command. */
    static final Map<String, Set<String>> ONLY_ON_THE_COMMAND_LINE = Map.of(
            // The HTML or CSV table of segments is a file on the machine that runs select, for one reader to open.
            "select", Set.of("--table"));

    /** Options of every job that the command line does not have: its input format, partitions and resumption. */
    static final Set<String> ONLY_IN_THE_JOB = Set.of("--format", "--partitions", "--resume");

    @Test
    void everyJobTakesTheCommandLinesOptionsWithItsDefaults() {
        CommandLine cli = dev.segattr.cli.Main.commandLine();
        CommandLine jobs = SegattrSpark.commandLine();
        List<String> differences = new ArrayList<>();
        for (String command : jobs.getSubcommands().keySet()) {
            CommandSpec job = jobs.getSubcommands().get(command).getCommandSpec();
            CommandSpec line = cli.getSubcommands().get(command).getCommandSpec();
            for (OptionSpec o : line.options()) {
                if (o.usageHelp() || o.versionHelp() || ONLY_ON_THE_COMMAND_LINE.getOrDefault(command, Set.of()).contains(o.longestName())) {
                    continue;
                }
                OptionSpec j = job.findOption(o.longestName());
                if (j == null) {
                    differences.add(command + " " + o.longestName() + ": not in the job");
                } else if (!String.valueOf(o.defaultValueString()).equals(String.valueOf(j.defaultValueString()))) {
                    differences.add(command + " " + o.longestName() + ": default " + o.defaultValueString() + " on the command line, "
                            + j.defaultValueString() + " in the job");
                }
            }
            for (OptionSpec j : job.options()) {
                if (!j.usageHelp() && !j.versionHelp() && line.findOption(j.longestName()) == null
                        && !ONLY_IN_THE_JOB.contains(j.longestName())) {
                    differences.add(command + " " + j.longestName() + ": only in the job");
                }
            }
        }
        assertEquals(List.of(), differences);
    }
}
