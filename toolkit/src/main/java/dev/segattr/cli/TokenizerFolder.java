package dev.segattr.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --tokenizer DIR}: the tokenizer's folder when it is not the model's. */
final class TokenizerFolder {

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "tokenizer folder, if not the model's")
    Path tokenizer;
}
