package dev.segattr.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.cli.Main;
import dev.segattr.model.CausalLM;
import dev.segattr.model.CheckpointWriter;
import dev.segattr.model.ModelConfig;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.JsonLines;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the robustness tests share: tiny models that carry the embedded default's tokenizer (so that
 * {@code attribute} and {@code train} run on them as on a real checkpoint), short traces, and the command line
 * run in this JVM with its output captured.
 */
final class Fixture {

    /** The embedded default's byte-level BPE tokenizer (vocabulary 764). Tests run in toolkit/. */
    static final Path TOKENIZER = Path.of("..", "data", "model").toAbsolutePath().normalize();
    /** Real traces of the synthetic benchmark (a few hundred tokens each). */
    static final Path SYNTH = Path.of("..", "data", "synth", "test.jsonl").toAbsolutePath().normalize();

    private Fixture() {
    }

    /** A random tiny Qwen3 (hidden 32, 2 layers) in {@code dir} with the tokenizer beside it. */
    static Path model(Path dir) {
        return model(dir, c -> c);
    }

    /** As {@link #model(Path)} with the config changed first (another vocabulary, fewer positions...). */
    static Path model(Path dir, UnaryOperator<ModelConfig> change) {
        try (Tokenizer t = Tokenizer.load(TOKENIZER)) {
            ModelConfig config = ModelConfig.of("qwen3", t.vocabSize(), 32, 64, 2, 4, 2, 8)
                    .withTokens(null, List.of(t.eosId()), t.padId());
            try (CausalLM m = CausalLM.init(change.apply(config), 7)) {
                CheckpointWriter.save(m, dir);
            }
            copyTokenizer(TOKENIZER, dir);
            return dir;
        }
    }

    static void copyTokenizer(Path from, Path to) {
        try {
            for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
                Files.copy(from.resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a model folder (to damage). */
    static Path copy(Path model, Path to) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(model)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short trace record: two segments, an answer. */
    static ObjectNode trace(String id, int a, int b) {
        return JsonLines.MAPPER.createObjectNode().put("id", id).put("question", "What is " + a + " plus " + b + "?")
                .put("reasoning", a + " plus " + b + " is " + (a + b) + ".\n\nWait, let me check: " + (a + b) + " minus " + b
                        + " is " + a + ". Yes.")
                .put("answer", String.valueOf(a + b));
    }

    /** The first n records of the synthetic benchmark. */
    static List<ObjectNode> synth(int n) {
        try (var lines = JsonLines.read(SYNTH)) {
            return lines.limit(n).map(JsonLines.Line::json).toList();
        }
    }

    static Path write(Path file, List<? extends JsonNode> records) {
        StringBuilder text = new StringBuilder();
        records.forEach(r -> text.append(r).append('\n'));
        return writeText(file, text.toString());
    }

    static Path writeText(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ObjectNode> read(Path file) {
        try (var lines = JsonLines.read(file)) {
            return new ArrayList<>(lines.map(JsonLines.Line::json).toList());
        }
    }

    /** A record without its wall time (the one field that differs between two identical runs). */
    static ObjectNode timeless(ObjectNode record) {
        ObjectNode copy = record.deepCopy();
        copy.remove("seconds");
        return copy;
    }

    record Result(int code, String out, String err) {
        /** The last line on stderr: where a command says why it stopped. */
        String lastError() {
            List<String> lines = err.strip().lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** Runs the segattr command line in this JVM. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Files in a folder whose names start with a prefix (temporary and partial files). */
    static List<String> filesStartingWith(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
