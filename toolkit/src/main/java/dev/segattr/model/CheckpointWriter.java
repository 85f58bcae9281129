package dev.segattr.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segattr.experiment.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a model as a Hugging Face checkpoint folder: config.json and model.safetensors (float32, transformers'
 * names; the tied head is left out as transformers leaves it out), the counterpart of {@link Checkpoint}, which
 * reads them. Nothing half-written is ever visible: a new folder is built beside the target and renamed into
 * place; into an existing folder (one holding tokenizer files, say) each file is replaced atomically and stale
 * sharded weights are removed.
 */
public final class CheckpointWriter {

    private CheckpointWriter() {
    }

    /** Saves {@code model} into {@code dir} (created, or updated in place). */
    public static void save(CausalLM model, Path dir) {
        Path target = dir.toAbsolutePath();
        try {
            if (Files.exists(target)) {
                writeInto(model, target);
                removeStaleShards(target);
            } else {
                Files.createDirectories(target.getParent());
                Path temp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
                try {
                    writeInto(model, temp);
                    AtomicFile.moveIntoPlace(temp, target);
                } finally {
                    deleteTree(temp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the model to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeInto(CausalLM model, Path dir) {
        AtomicFile.write(dir.resolve(Checkpoint.SINGLE), out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 20);
            SafetensorsFile.write(buffered, model.parameters());
            buffered.flush();
        });
        model.config().write(dir.resolve("config.json"));
    }

    private static void removeStaleShards(Path dir) throws IOException {
        Path index = dir.resolve(Checkpoint.INDEX);
        if (!Files.exists(index)) {
            return;
        }
        JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        for (JsonNode shard : (Iterable<JsonNode>) map::elements) {
            Path file = dir.resolve(shard.asText()).normalize();
            if (file.getParent().equals(dir.normalize()) && !file.getFileName().toString().equals(Checkpoint.SINGLE)) {
                Files.deleteIfExists(file);
            }
        }
        Files.delete(index);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
