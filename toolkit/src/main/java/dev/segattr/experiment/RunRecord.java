package dev.segattr.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The experiment record: one JSON file per run that says what was run (configuration and seeds), on what
 * (SHA-256 of every input), where (environment), and what came out (per-epoch figures, metrics, timings).
 * Running again from {@link #config} reproduces {@link #metrics}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunRecord {

    public String kind;
    public String started;
    public String finished;
    public JsonNode config;
    public Map<String, Long> seeds = new LinkedHashMap<>();
    public Map<String, Map<String, String>> inputs = new LinkedHashMap<>();
    public Map<String, Object> environment;
    public List<Map<String, Object>> epochs = new ArrayList<>();
    public Map<String, Object> metrics = new LinkedHashMap<>();
    public Map<String, Double> timings = new LinkedHashMap<>();
    public List<String> notes = new ArrayList<>();

    public RunRecord() {
    }

    /** A new record of this kind, stamped with the time and the environment. */
    public static RunRecord start(String kind, Object config) {
        RunRecord r = new RunRecord();
        r.kind = kind;
        r.started = Instant.now().toString();
        r.config = JsonLines.MAPPER.valueToTree(config);
        r.environment = Environment.capture();
        return r;
    }

    public RunRecord seed(String name, long seed) {
        seeds.put(name, seed);
        return this;
    }

    /** Records the hashes of an input file or folder under a name ("train", "model", ...). */
    public RunRecord input(String name, Path fileOrFolder) {
        inputs.put(name, Hashes.of(fileOrFolder));
        return this;
    }

    public RunRecord metric(String name, Object value) {
        metrics.put(name, value);
        return this;
    }

    /** Puts a typed value's fields into {@link #metrics}, in its order (a {@code TrainMetrics}, an {@code EvaluationMetrics}). */
    public RunRecord metrics(Object typed) {
        Map<String, Object> fields = JsonLines.MAPPER.convertValue(typed, new TypeReference<LinkedHashMap<String, Object>>() { });
        metrics.putAll(fields);
        return this;
    }

    /** The metrics read as a type (fields it does not know are ignored): {@code record.metrics(EvaluationMetrics.class).accuracy()}. */
    public <T> T metrics(Class<T> type) {
        try {
            return JsonLines.MAPPER.convertValue(metrics, type);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("record of kind " + kind + ": metrics are not " + type.getSimpleName() + " ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    public RunRecord timing(String name, Duration duration) {
        timings.put(name, duration.toNanos() / 1e9);
        return this;
    }

    public RunRecord note(String note) {
        notes.add(note);
        return this;
    }

    public RunRecord finish() {
        finished = Instant.now().toString();
        return this;
    }

    /** Writes the record atomically, pretty-printed for people. */
    public void write(Path file) {
        AtomicFile.write(file, out -> JsonLines.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(out, this));
    }

    public static RunRecord read(Path file) {
        try {
            return JsonLines.MAPPER.readValue(file.toFile(), RunRecord.class);
        } catch (IOException e) {
            throw new BadInputException(file + ": not a segattr record (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    public ObjectNode toJson() {
        return JsonLines.MAPPER.valueToTree(this);
    }
}
