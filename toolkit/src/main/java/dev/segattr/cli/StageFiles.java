package dev.segattr.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The input and output of a stage command, {@code --in} and {@code --out}. Each command names them in its own words:
 * labels and descriptions come from the command's resource bundle (keys {@code in}, {@code in.label}, {@code out},
 * {@code out.label}, in {@code dev/segattr/cli/<Command>.properties}).
 */
final class StageFiles {

    @Option(names = "--in", required = true, paramLabel = "${bundle:in.label}", descriptionKey = "in")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "${bundle:out.label}", descriptionKey = "out")
    Path out;
}
