package dev.segattr.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The checkpoint folder a command reads, {@code --model DIR}, described in the command's resource bundle (key {@code model}). */
final class ModelFolder {

    @Option(names = "--model", required = true, paramLabel = "DIR", descriptionKey = "model")
    Path model;
}
