package dev.segattr.robustness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.cli.Main;
import dev.segattr.model.CausalLM;
import dev.segattr.model.CheckpointWriter;
import dev.segattr.model.ModelConfig;
import dev.segattr.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static dev.segattr.robustness.Fixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad traces given to {@code segattr attribute}: each stops with one line naming the file, the line and the field
 * (exit 2) and leaves no output file, or, where the trace can be scored at all, is scored with a status that says
 * what is wrong. A bad record in the middle of a file keeps the records before it: fixing the input and running
 * again completes the output, with the same records as a run that never failed.
 */
class BadInputTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void tinyModel() {
        model = Fixture.model(dir.resolve("model"));
    }

    static Fixture.Result attribute(Path in, Path out) {
        return run("attribute", "--model", model.toString(), "--in", in.toString(), "--out", out.toString(),
                "--steps", "2", "--batch", "2");
    }

    @Test
    void truncatedJson() {
        Path in = Fixture.writeText(dir.resolve("truncated.jsonl"), Fixture.trace("a", 2, 3) + "\n"
                + "{\"id\":\"b\",\"question\":\"What is 3+3?\",\"reaso");
        Path out = dir.resolve("truncated-out.jsonl");
        Fixture.Result r = attribute(in, out);
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: truncated.jsonl:2: malformed JSON (Unexpected end-of-input in field name)", r.lastError());
        assertEquals(List.of(), Fixture.filesStartingWith(dir, "truncated-out"), "nothing written: the input is checked first");
    }

    @Test
    void invalidJson() {
        Path in = Fixture.writeText(dir.resolve("invalid.jsonl"), Fixture.trace("a", 2, 3) + "\nnot json at all\n");
        Path out = dir.resolve("invalid-out.jsonl");
        Fixture.Result r = attribute(in, out);
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.lastError().startsWith("segattr attribute: invalid.jsonl:2: malformed JSON (Unrecognized token 'not'"), r.err());
        assertEquals(List.of(), Fixture.filesStartingWith(dir, "invalid-out"));
    }

    @Test
    void wrongFieldTypesStopAtTheRecordAndAFixedInputResumes() throws IOException {
        ObjectNode bad = Fixture.trace("b", 4, 5);
        bad.put("question", 7);
        Path in = Fixture.write(dir.resolve("types.jsonl"), List.of(Fixture.trace("a", 2, 3), bad, Fixture.trace("c", 6, 1)));
        Path out = dir.resolve("types-out.jsonl");
        Fixture.Result r = attribute(in, out);
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: types.jsonl:2: field 'question': expected a string, got number", r.lastError());
        assertFalse(Files.exists(out), "no output until every record is done");
        List<ObjectNode> kept = Fixture.read(out.resolveSibling("types-out.jsonl.partial"));
        assertEquals(List.of("a"), kept.stream().map(k -> k.get("id").asText()).toList(), "the record before the bad one is kept");

        Fixture.write(in, List.of(Fixture.trace("a", 2, 3), Fixture.trace("b", 4, 5), Fixture.trace("c", 6, 1)));
        Fixture.Result resumed = attribute(in, out);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming, 1 traces already in types-out.jsonl.partial"), resumed.err());
        List<ObjectNode> done = Fixture.read(out);
        assertEquals(List.of("a", "b", "c"), done.stream().map(k -> k.get("id").asText()).toList());
        assertEquals(Fixture.timeless(kept.get(0)), Fixture.timeless(done.get(0)));

        Path clean = dir.resolve("types-clean.jsonl");
        assertEquals(0, attribute(in, clean).code());
        assertEquals(Fixture.read(clean).stream().map(Fixture::timeless).toList(), done.stream().map(Fixture::timeless).toList(),
                "the resumed output equals an uninterrupted run's");
    }

    @Test
    void missingAnswer() {
        ObjectNode t = Fixture.trace("a", 2, 3);
        t.remove("answer");
        Fixture.Result r = attribute(Fixture.write(dir.resolve("noanswer.jsonl"), List.of(t)), dir.resolve("noanswer-out.jsonl"));
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: noanswer.jsonl:1: field 'answer' is missing", r.lastError());
        assertFalse(Files.exists(dir.resolve("noanswer-out.jsonl")));
    }

    @Test
    void emptyReasoning() {
        ObjectNode t = Fixture.trace("a", 2, 3).put("reasoning", "");
        Fixture.Result r = attribute(Fixture.write(dir.resolve("noreasoning.jsonl"), List.of(t)), dir.resolve("noreasoning-out.jsonl"));
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: noreasoning.jsonl:1: field 'reasoning' is empty", r.lastError());
        assertFalse(Files.exists(dir.resolve("noreasoning-out.jsonl")));
    }

    /** An empty answer is refused when read: there is nothing to score. */
    @Test
    void emptyAnswer() {
        ObjectNode t = Fixture.trace("a", 2, 3).put("answer", "");
        Fixture.Result r = attribute(Fixture.write(dir.resolve("emptyanswer.jsonl"), List.of(t)), dir.resolve("emptyanswer-out.jsonl"));
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: emptyanswer.jsonl:1: field 'answer' is empty", r.lastError());
    }

    /**
     * An answer with no token strictly inside the box: Qwen3's tokenizer writes "x}" + "}" as "x" + "}}", so the
     * only token of the answer's text reaches outside the braces. F would be an empty sum: the trace is scored with
     * status "empty answer" and zero attributions (not NaN), and the run goes on with the next trace.
     */
    @Test
    void answerThatNoTokenCarriesInsideTheBox() throws IOException {
        Path qwen = Files.createDirectories(dir.resolve("qwen3"));
        try (var in = new GZIPInputStream(Files.newInputStream(Path.of("src/test/resources/fixtures/tokenizers/qwen3/tokenizer.json.gz")))) {
            Files.copy(in, qwen.resolve("tokenizer.json"));
        }
        Files.copy(Path.of("src/test/resources/fixtures/tokenizers/qwen3/tokenizer_config.json"), qwen.resolve("tokenizer_config.json"));
        try (Tokenizer t = Tokenizer.load(qwen);
             CausalLM m = CausalLM.init(ModelConfig.of("qwen3", t.vocabSize(), 8, 16, 1, 2, 1, 4)
                     .withTokens(null, List.of(t.eosId()), t.padId()), 3)) {
            CheckpointWriter.save(m, qwen);
        }
        Path in = Fixture.write(dir.resolve("boxed.jsonl"), List.of(Fixture.trace("fused", 2, 3).put("answer", "x}"),
                Fixture.trace("fine", 2, 3)));
        Path out = dir.resolve("boxed-out.jsonl");
        Fixture.Result r = run("attribute", "--model", qwen.toString(), "--in", in.toString(), "--out", out.toString(), "--steps", "2");
        assertEquals(0, r.code(), r.err());
        List<ObjectNode> records = Fixture.read(out);
        ObjectNode fused = records.get(0);
        assertEquals("empty answer", fused.get("attribution_status").asText());
        assertEquals(0, fused.get("answer_tokens").asInt());
        assertTrue(fused.get("attribution_reason").asText().contains("no answer token"), fused.toString());
        fused.get("token_attributions").forEach(seg -> seg.forEach(v -> assertEquals(0.0, v.asDouble())));
        assertEquals(1, records.get(1).get("answer_tokens").asInt());
        assertFalse(records.get(1).get("attribution_status").asText().equals("empty answer"));
    }

    /**
     * Longer than max_position_embeddings: the documented policy is to attribute anyway (as the reference, which
     * cuts nothing) with a warning line and {@code exceeds_max_positions: true} in the record.
     */
    @Test
    void overLongTrace() {
        Path short16 = Fixture.model(dir.resolve("model16"), c -> new ModelConfig(c.modelType(), c.vocabSize(), c.hiddenSize(),
                c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(),
                c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.attentionBias(), c.mlpBias(), c.tieWordEmbeddings(),
                c.bosTokenId(), c.eosTokenIds(), c.padTokenId(), 16, c.initializerRange()));
        Path in = Fixture.write(dir.resolve("long.jsonl"), List.of(Fixture.trace("long", 2, 3)));
        Path out = dir.resolve("long-out.jsonl");
        Fixture.Result r = run("attribute", "--model", short16.toString(), "--in", in.toString(), "--out", out.toString(), "--steps", "2");
        assertEquals(0, r.code(), r.err());
        ObjectNode record = Fixture.read(out).get(0);
        assertTrue(record.get("exceeds_max_positions").asBoolean());
        int tokens = record.get("sequence_tokens").asInt();
        assertTrue(r.err().contains("warning: long has " + tokens + " tokens, more than the model's max_position_embeddings 16"), r.err());
        assertFalse(record.get("token_attributions").isNull());
    }
}
