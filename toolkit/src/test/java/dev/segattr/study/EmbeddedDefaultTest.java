package dev.segattr.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.tokenizer.Encoded;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.synth.Role;
import dev.segattr.synth.Roles;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make-default on the tiny setting: the same settings twice give the same files; the parts share no problem. */
class EmbeddedDefaultTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Written by make-default but holding wall-clock times (and the run's paths): compared field by field. */
    private static final Set<String> RECORDS = Set.of("make-default-record.json", "model/training-record.json");

    @TempDir
    Path dir;

    @Test
    void theSameSettingsTwiceGiveTheSameFiles() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        EmbeddedDefault.make(EmbeddedDefault.Settings.tiny(), a.resolve("data"), a.resolve("work"), line -> { });
        EmbeddedDefault.make(EmbeddedDefault.Settings.tiny(), b.resolve("data"), b.resolve("work"), line -> { });

        List<String> files = files(a.resolve("data"));
        assertEquals(files, files(b.resolve("data")));
        assertTrue(files.containsAll(List.of("model/model.safetensors", "model/tokenizer.json", "synth/train.jsonl",
                "synth/test.jsonl", "make-default-record.json")), files.toString());
        for (String f : files) {
            if (!RECORDS.contains(f)) {
                assertArrayEquals(Files.readAllBytes(a.resolve("data").resolve(f)), Files.readAllBytes(b.resolve("data").resolve(f)), f);
            }
        }
        JsonNode ra = JSON.readTree(a.resolve("data/make-default-record.json").toFile());
        JsonNode rb = JSON.readTree(b.resolve("data/make-default-record.json").toFile());
        for (String field : List.of("config", "seeds")) {
            assertEquals(ra.get(field), rb.get(field), field);
        }
        // the inputs' hashes: all the same but the training record's own (it holds its timings)
        ((ObjectNode) ra.path("inputs").path("model")).remove("training-record.json");
        ((ObjectNode) rb.path("inputs").path("model")).remove("training-record.json");
        assertEquals(ra.get("inputs"), rb.get("inputs"));
        JsonNode base = ra.path("metrics").path("base_model_test");
        assertEquals(base.path("accuracy"), rb.path("metrics").path("base_model_test").path("accuracy"));
        assertEquals(base.path("mean_output_tokens"), rb.path("metrics").path("base_model_test").path("mean_output_tokens"));
        assertEquals(ra.path("metrics").path("pretrain_final_loss"), rb.path("metrics").path("pretrain_final_loss"));
        // the record says what the starting model does on held-out problems, and how long each part took
        assertEquals(EmbeddedDefault.Settings.tiny().evaluate(), base.path("questions").asInt());
        assertTrue(base.has("mean_output_tokens") && base.has("hit_length_limit"), base.toString());
        for (String t : List.of("benchmark", "pretraining", "evaluation", "total")) {
            assertTrue(ra.path("timings").has(t), t);
        }
    }

    @Test
    void phase2FromPhase1sModelGivesTheSameModelAsTheWholeRun() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        EmbeddedDefault.make(EmbeddedDefault.Settings.tiny(), a.resolve("data"), a.resolve("work"), line -> { });
        EmbeddedDefault.make(EmbeddedDefault.Settings.tiny(), b.resolve("data"), b.resolve("work"),
                a.resolve("work/trained"), line -> { });
        for (String f : List.of("model/model.safetensors", "model/tokenizer.json", "synth/train.jsonl", "synth/test.jsonl")) {
            assertArrayEquals(Files.readAllBytes(a.resolve("data").resolve(f)), Files.readAllBytes(b.resolve("data").resolve(f)), f);
        }
        JsonNode rb = JSON.readTree(b.resolve("data/make-default-record.json").toFile());
        assertTrue(rb.path("inputs").has("concise_model"), "the record names the phase-1 model it started from");
    }

    @Test
    void pretrainingTrainAndTestShareNoProblemAndOnlyTheFineTuningTracesAreVerbose() throws IOException {
        EmbeddedDefault.Settings s = EmbeddedDefault.Settings.tiny();
        Path data = dir.resolve("data"), work = dir.resolve("work");
        EmbeddedDefault.make(s, data, work, line -> { });
        List<Trace> pretrain = read(work.resolve("pretrain.jsonl"));
        List<Trace> train = read(EmbeddedDefault.trainFile(data));
        List<Trace> test = read(EmbeddedDefault.testFile(data));
        assertEquals(List.of(s.pretrain(), s.train(), s.test()), List.of(pretrain.size(), train.size(), test.size()));
        Set<String> seen = new HashSet<>();
        for (List<Trace> part : List.of(pretrain, train, test)) {
            for (Trace t : part) {
                assertTrue(seen.add(t.question()), "a question in two parts: " + t.question());
            }
        }
        // concise: essential segments only; verbose: other roles too
        assertTrue(pretrain.stream().allMatch(t -> Roles.of(t).stream().allMatch(r -> r == Role.ESSENTIAL)));
        Set<Role> verbose = train.stream().flatMap(t -> Roles.of(t).stream()).collect(Collectors.toSet());
        assertTrue(verbose.size() > 1, "the fine-tuning traces carry more than essential segments: " + verbose);
        // phase 2: the same problems once each; those asked at length are verbose, the others concise
        List<Trace> mixed = read(work.resolve("pretrain-mixed.jsonl"));
        assertEquals(pretrain.size(), mixed.size());
        int atLength = 0;
        for (int i = 0; i < mixed.size(); i++) {
            Trace m = mixed.get(i);
            boolean asked = m.question().startsWith(EmbeddedDefault.AT_LENGTH);
            atLength += asked ? 1 : 0;
            assertEquals(pretrain.get(i).question(), asked ? m.question().substring(EmbeddedDefault.AT_LENGTH.length()) : m.question());
            assertEquals(pretrain.get(i).answer(), m.answer());
            assertEquals(!asked, Roles.of(m).stream().allMatch(r -> r == Role.ESSENTIAL), m.id());
        }
        assertTrue(atLength > 0 && atLength < mixed.size(), atLength + " of " + mixed.size() + " at length");

        // The default's tokenizer (read through DJL's HuggingFaceTokenizer): every trace round-trips, and every
        // digit is a token of its own, so "100" is the three tokens 1, 0, 0 as in Qwen2's and Llama 3's tokenizers.
        try (Tokenizer tokenizer = Tokenizer.load(EmbeddedDefault.modelDir(data))) {
            for (Trace t : train) {
                String text = t.question() + t.reasoning();
                Encoded e = tokenizer.encode(text);
                assertEquals(text, tokenizer.decode(e.ids()));
                for (int i = 0; i < e.ids().length; i++) {
                    String piece = text.substring(e.start()[i], e.end()[i]);
                    assertTrue(!piece.matches(".*\\d.*") || piece.matches("\\d"), "a token with a digit and more: '" + piece + "'");
                }
            }
            assertEquals(3, tokenizer.encode("100").ids().length);
        }
    }

    private static List<Trace> read(Path file) {
        try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
            return lines.map(Trace::fromJson).toList();
        }
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }
}
