package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segattr.BadInputException;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.model.CausalLM;
import dev.segattr.model.CheckpointWriter;
import dev.segattr.trace.JsonLines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A training checkpoint folder {@code epoch-N}: the model in the Hugging Face layout (config.json,
 * model.safetensors, plus the tokenizer files of the starting model), {@value #OPTIMIZER} (AdamW's moments
 * and step) and {@value #STATE} (the run's settings, data hash and figures so far). The folder is built
 * under a temporary name and renamed into place, so a checkpoint is there whole or not at all.
 */
final class TrainingCheckpoint {

    static final String STATE = "trainer_state.json";
    static final String OPTIMIZER = "optimizer.safetensors";
    private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d+)");
    /** Files of a model folder that are weights or configuration, never copied beside new weights. */
    private static final Set<String> WEIGHT_SUFFIXES = Set.of(".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".ckpt");

    /** What a resumed run needs besides the weights and the optimizer. */
    record State(int epochsDone, TrainConfig config, String dataHash, List<TrainResult.Step> steps, List<TrainResult.Epoch> epochs) {
    }

    private TrainingCheckpoint() {
    }

    static void write(Path dir, CausalLM model, AdamW adam, State state, Path copyFrom) {
        try {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
            try {
                CheckpointWriter.save(model, temp);
                adam.save(temp.resolve(OPTIMIZER));
                if (copyFrom != null) {
                    copyModelFiles(copyFrom, temp);
                }
                AtomicFile.write(temp.resolve(STATE), out ->
                        JsonLines.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(out, state));
                if (Files.exists(dir)) {
                    deleteTree(dir); // a run that redid this epoch (resumed from an earlier one)
                }
                AtomicFile.moveIntoPlace(temp, dir);
            } finally {
                deleteTree(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The complete checkpoint of the latest epoch under {@code checkpoints}, if any. */
    static Optional<Path> latest(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(checkpoints)) {
            return dirs.filter(d -> EPOCH_DIR.matcher(d.getFileName().toString()).matches())
                    .filter(d -> Files.isRegularFile(d.resolve(STATE)))
                    .max(Comparator.comparingInt(TrainingCheckpoint::epochOf));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a checkpoint's weights into {@code model} and moments into {@code adam}; returns its state. */
    static State restore(Path dir, CausalLM model, AdamW adam, TrainConfig config, String dataHash) {
        State state = readState(dir);
        if (!sameRun(state.config(), config)) {
            throw new BadInputException(dir.resolve(STATE) + ": the checkpoint was made with other settings ("
                    + state.config() + "); resume only with the settings of the interrupted run");
        }
        if (!state.dataHash().equals(dataHash)) {
            throw new BadInputException(dir.resolve(STATE) + ": the checkpoint was made on other training data "
                    + "(masked examples differ); resume only with the data of the interrupted run");
        }
        loadWeights(dir.resolve("model.safetensors"), model);
        adam.load(dir.resolve(OPTIMIZER));
        return state;
    }

    static State readState(Path dir) {
        try {
            return JsonLines.MAPPER.readValue(dir.resolve(STATE).toFile(), State.class);
        } catch (IOException e) {
            throw new BadInputException(dir.resolve(STATE) + ": not a segattr trainer state (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Keeps the latest {@code keep} epoch checkpoints (all when 0). */
    static void prune(Path checkpoints, int keep) {
        if (keep <= 0) {
            return;
        }
        try (Stream<Path> dirs = Files.list(checkpoints)) {
            List<Path> complete = dirs.filter(d -> EPOCH_DIR.matcher(d.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(TrainingCheckpoint::epochOf).reversed()).toList();
            for (Path old : complete.subList(Math.min(keep, complete.size()), complete.size())) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Same settings apart from what does not change the weights (how many checkpoints are kept). */
    private static boolean sameRun(TrainConfig a, TrainConfig b) {
        return a.withKeepCheckpoints(0).equals(b.withKeepCheckpoints(0));
    }

    private static void loadWeights(Path file, CausalLM model) {
        Map<String, NDArray> parameters = model.parameters();
        try (NDManager scope = model.manager().newSubManager(); InputStream in = Files.newInputStream(file)) {
            Map<String, NDArray> saved = new HashMap<>();
            for (NDArray a : NDList.decode(scope, in)) {
                saved.put(a.getName(), a);
            }
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray source = saved.get(e.getKey());
                if (source == null || !source.getShape().equals(e.getValue().getShape())) {
                    throw new BadInputException(file + ": tensor '" + e.getKey() + "' is missing or misshapen");
                }
                source.toType(e.getValue().getDataType(), false).copyTo(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Copies the tokenizer and other non-weight files (not config.json) of a model folder. */
    static void copyModelFiles(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                boolean weights = WEIGHT_SUFFIXES.stream().anyMatch(name::endsWith) || name.endsWith(".index.json");
                if (!weights && !name.equals("config.json") && !name.startsWith(".")) {
                    Files.copy(f, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static int epochOf(Path dir) {
        Matcher m = EPOCH_DIR.matcher(dir.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    static void deleteTree(Path dir) throws IOException {
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
