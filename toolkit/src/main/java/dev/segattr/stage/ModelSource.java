package dev.segattr.stage;

import dev.segattr.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a model comes from and how it is loaded.
 *
 * @param dir       Hugging Face checkpoint folder (config.json, *.safetensors, and the tokenizer unless {@code tokenizer} says)
 * @param tokenizer tokenizer folder, or null for {@code dir}
 * @param device    where it runs
 * @param dtype     its weights and activations
 */
public record ModelSource(Path dir, Path tokenizer, ComputeDevice device, Dtype dtype) {

    public ModelSource {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(dtype, "dtype");
    }

    /** The folder's model and tokenizer, on the CPU, in float32. */
    public static ModelSource of(Path dir) {
        return new ModelSource(dir, null, ComputeDevice.CPU, Dtype.FLOAT32);
    }

    public ModelSource withTokenizer(Path t) {
        return new ModelSource(dir, t, device, dtype);
    }

    public ModelSource withDevice(ComputeDevice d) {
        return new ModelSource(dir, tokenizer, d, dtype);
    }

    public ModelSource withDtype(Dtype t) {
        return new ModelSource(dir, tokenizer, device, t);
    }

    /** The folder holding tokenizer.json. */
    public Path tokenizerDir() {
        return tokenizer == null ? dir : tokenizer;
    }

    /** "--model DIR: no such folder" when the folder is missing. */
    public void requireFolder() {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--model " + dir + ": no such folder");
        }
    }
}
