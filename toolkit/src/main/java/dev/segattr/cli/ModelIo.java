package dev.segattr.cli;

import picocli.CommandLine.Mixin;

import java.nio.file.Path;

/** What every model stage command takes first: {@code --model DIR}, {@code --in} and {@code --out}. */
final class ModelIo {

    @Mixin
    ModelFolder folder;

    @Mixin
    StageFiles files;

    Path model() {
        return folder.model;
    }

    Path in() {
        return files.in;
    }

    Path out() {
        return files.out;
    }
}
