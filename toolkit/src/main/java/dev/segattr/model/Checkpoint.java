package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segattr.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face checkpoint folder: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json} (its {@code weight_map}: tensor name -> shard file).
 */
final class Checkpoint implements AutoCloseable {

    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final Path dir;
    private final Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
    private final Map<Path, SafetensorsFile> files = new LinkedHashMap<>();

    private Checkpoint(Path dir) {
        this.dir = dir;
    }

    static Checkpoint open(Path dir) {
        Checkpoint c = new Checkpoint(dir);
        try {
            if (Files.isRegularFile(dir.resolve(SINGLE))) {
                SafetensorsFile f = c.file(dir.resolve(SINGLE));
                f.entries().keySet().forEach(name -> c.byName.put(name, f));
            } else if (Files.isRegularFile(dir.resolve(INDEX))) {
                c.readIndex(dir.resolve(INDEX));
            } else {
                throw new BadInputException(dir + ": no " + SINGLE + " or " + INDEX
                        + " (only safetensors checkpoints are supported)");
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void readIndex(Path index) {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new BadInputException(index + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (map == null || !map.isObject()) {
            throw new BadInputException(index + ": field 'weight_map': missing or not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path shard = dir.resolve(e.getValue().asText());
            if (!Files.isRegularFile(shard)) {
                throw new BadInputException(index + ": tensor '" + e.getKey() + "' is in " + shard.getFileName()
                        + ", which does not exist");
            }
            SafetensorsFile f = file(shard);
            if (!f.entries().containsKey(e.getKey())) {
                throw new BadInputException(shard + ": tensor '" + e.getKey() + "' is missing (" + INDEX
                        + " says it is here)");
            }
            byName.put(e.getKey(), f);
        }
    }

    private SafetensorsFile file(Path path) {
        return files.computeIfAbsent(path, SafetensorsFile::open);
    }

    Set<String> names() {
        return byName.keySet();
    }

    /** Reads a tensor that must exist with exactly the shape the config implies. */
    NDArray read(String name, Shape expected, NDManager manager, DataType dtype) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new BadInputException(dir + ": tensor '" + name + "' is missing from the checkpoint");
        }
        long[] shape = f.entries().get(name).shape();
        if (!Arrays.equals(shape, expected.getShape())) {
            throw new BadInputException(f.file() + ": tensor '" + name + "' has shape "
                    + new Shape(shape) + ", config.json implies " + expected);
        }
        NDArray array = f.read(name, manager, dtype);
        long bad = nonFinite(array);
        if (bad > 0) {
            array.close();
            throw new BadInputException(f.file() + ": tensor '" + name + "' holds " + bad
                    + " NaN or infinite value" + (bad == 1 ? "" : "s") + ": the checkpoint is broken");
        }
        return array;
    }

    /** How many values of a tensor are NaN or infinite (a broken or diverged checkpoint). */
    private static long nonFinite(NDArray array) {
        try (NDArray nan = array.isNaN(); NDArray inf = array.isInfinite(); NDArray either = nan.logicalOr(inf);
             NDArray count = either.countNonzero()) {
            return count.getLong();
        }
    }

    /** The file that holds a tensor (for messages). */
    Path fileOf(String name) {
        SafetensorsFile f = byName.get(name);
        return f == null ? dir : f.file();
    }

    @Override
    public void close() {
        files.values().forEach(SafetensorsFile::close);
    }
}
