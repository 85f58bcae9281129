package dev.segattr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.experiment.Hashes;
import dev.segattr.model.CausalLM;
import dev.segattr.model.CheckpointWriter;
import dev.segattr.model.ModelConfig;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.segattr.cli.SegmentCommandTest.readAll;
import static dev.segattr.cli.SegmentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * train, export and evaluate from the command line, on a tiny Qwen3 model (hidden 64, 2 layers) with the toolkit's
 * own small tokenizer: the model learns two question-answer traces by heart, and evaluate then finds both answers.
 */
class SftCommandsTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path traces;
    static Path questions;

    static final String[][] QA = {
            {"What is 3 plus 4?", "3 plus 4 makes 7.", "7"},
            {"Add five and four, please.", "five and four: 9.", "9"},
    };

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        model = Files.createDirectories(dir.resolve("model"));
        Path tokenizer = Path.of("src/test/resources/fixtures/tokenizers/trained");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tokenizer.resolve(f), model.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        try (Tokenizer t = Tokenizer.load(model)) {
            ModelConfig config = ModelConfig.of("qwen3", t.vocabSize(), 64, 128, 2, 4, 2, 16)
                    .withTokens(null, List.of(t.eosId()), t.padId());
            try (CausalLM m = CausalLM.init(config, 1)) {
                CheckpointWriter.save(m, model);
            }
        }
        // 8 copies of each trace (ids differ), so that an epoch is 4 updates of batch 4
        List<com.fasterxml.jackson.databind.node.ObjectNode> records = new ArrayList<>();
        for (int copy = 0; copy < 8; copy++) {
            for (int q = 0; q < QA.length; q++) {
                var r = Trace.of("q" + q + "-" + copy, QA[q][0], QA[q][1], QA[q][2]).copyOfRecord();
                r.putArray("segments").add(QA[q][1]);
                r.putArray("selected_segments").add(0);
                records.add(r);
            }
        }
        traces = dir.resolve("selected.jsonl");
        JsonLines.write(traces, records.stream());
        questions = dir.resolve("questions.jsonl");
        JsonLines.write(questions, Stream.of(
                JsonLines.MAPPER.createObjectNode().put("id", "a").put("question", QA[0][0]).put("answer", 7),
                JsonLines.MAPPER.createObjectNode().put("id", "b").put("problem", QA[1][0]).put("answer", "9")));
    }

    @Test
    void trainThenEvaluateFindsTheLearnedAnswers() throws IOException {
        Path out = dir.resolve("trained");
        SegmentCommandTest.Result trained = run("train", "--model", model.toString(), "--in", traces.toString(), "--out", out.toString(),
                "--mask", "selective", "--epochs", "12", "--lr", "1e-2", "--batch", "4", "--warmup", "0.1", "--keep-checkpoints", "1");
        assertEquals(0, trained.code(), trained.err());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "record.json", "loss.png",
                "checkpoints/epoch-12/model.safetensors", "checkpoints/epoch-12/optimizer.safetensors", "checkpoints/epoch-12/tokenizer.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertFalse(Files.exists(out.resolve("checkpoints/epoch-11")), "--keep-checkpoints 1");
        assertEquals(Hashes.sha256(out.resolve("model.safetensors")), Hashes.sha256(out.resolve("checkpoints/epoch-12/model.safetensors")));

        JsonNode record = JsonLines.MAPPER.readTree(out.resolve("record.json").toFile());
        assertEquals("train", record.get("kind").asText());
        assertEquals(48, record.get("metrics").get("loss_per_update").size());
        assertEquals(12, record.get("epochs").size());
        double first = record.get("epochs").get(0).get("loss").asDouble();
        double last = record.get("epochs").get(11).get("loss").asDouble();
        assertTrue(last < 0.1 * first, "loss " + first + " -> " + last);
        assertTrue(record.get("epochs").get(0).get("tokens_per_second").asDouble() > 0);
        assertTrue(record.get("metrics").get("supervised_fraction").asDouble() > 0.3);
        assertEquals(3407, record.get("seeds").get("train").asLong());
        assertTrue(record.get("inputs").get("data").has("selected.jsonl"));

        Path predictions = dir.resolve("predictions.jsonl");
        SegmentCommandTest.Result evaluated = run("evaluate", "--model", out.toString(), "--in", questions.toString(),
                "--out", predictions.toString(), "--max-new-tokens", "40");
        assertEquals(0, evaluated.code(), evaluated.err());
        JsonNode summary = JsonLines.MAPPER.readTree(evaluated.out());
        assertEquals(1.0, summary.get("accuracy").asDouble(), evaluated.out());
        assertEquals(0, summary.get("hit_length_limit").asInt());
        List<JsonNode> items = readAll(predictions);
        assertEquals("3 plus 4 makes 7.</think> So, the final answer is \\boxed{7}", items.get(0).get("outputs").get(0).get("text").asText());
        assertEquals("9", items.get(1).get("outputs").get(0).get("extracted").asText());
        assertTrue(Files.isRegularFile(dir.resolve("predictions.record.json")));

        // Sampling: n outputs per question, pass@k, reproducible from the seed.
        Path sampled = dir.resolve("sampled.jsonl");
        String[] sampling = {"evaluate", "--model", out.toString(), "--in", questions.toString(), "--out", sampled.toString(),
                "--max-new-tokens", "8", "--samples", "4", "--temperature", "1.0", "--seed", "5", "--batch", "3"};
        SegmentCommandTest.Result s = run(sampling);
        assertEquals(0, s.code(), s.err());
        JsonNode sSummary = JsonLines.MAPPER.readTree(s.out());
        assertEquals(4, sSummary.get("samples_per_question").asInt());
        assertEquals(List.of("pass@1", "pass@2", "pass@4"), fieldNames(sSummary.get("pass_at_k")));
        assertEquals(8, sSummary.get("hit_length_limit").asInt(), "8 tokens cannot reach the answer: every output hits the limit");
        assertEquals(0.0, sSummary.get("accuracy").asDouble());
        String firstRun = Files.readString(sampled);
        assertEquals(0, run(sampling).code());
        assertEquals(firstRun, Files.readString(sampled), "same seed, same samples");

        // Export: the sequences train trained on, for TRL.
        Path exported = dir.resolve("masked.jsonl");
        SegmentCommandTest.Result e = run("export", "--model", model.toString(), "--in", traces.toString(), "--out", exported.toString());
        assertEquals(0, e.code(), e.err());
        List<JsonNode> lines = readAll(exported);
        assertEquals(16, lines.size());
        assertEquals(lines.get(0).get("input_ids").size(), lines.get(0).get("labels").size());
        assertEquals(-100, lines.get(0).get("labels").get(0).asInt());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws IOException {
        Path out = dir.resolve("bad");
        String m = model.toString();
        String in = traces.toString();
        assertBad(run("train", "--model", dir.resolve("none").toString(), "--in", in, "--out", out.toString()), "--model");
        assertBad(run("train", "--model", m, "--in", in, "--out", out.toString(), "--mask", "half"), "--mask");
        assertBad(run("train", "--model", m, "--in", in, "--out", out.toString(), "--lr", "-1"), "learning rate");
        assertBad(run("train", "--model", m, "--in", in, "--out", out.toString(), "--batch", "0"), "batch size");
        assertBad(run("train", "--model", m, "--in", dir.resolve("none.jsonl").toString(), "--out", out.toString()), "no such file");
        Files.createDirectories(out.resolve("checkpoints"));
        assertBad(run("train", "--model", m, "--in", in, "--out", out.toString()), "--resume");
        assertBad(run("evaluate", "--model", m, "--in", in, "--out", dir.resolve("e.jsonl").toString(), "--greedy", "--samples", "3"), "--greedy");
        Path noAnswer = dir.resolve("noanswer.jsonl");
        Files.writeString(noAnswer, "{\"id\": \"x\", \"question\": \"q\"}\n");
        assertBad(run("evaluate", "--model", m, "--in", noAnswer.toString(), "--out", dir.resolve("e.jsonl").toString()),
                "noanswer.jsonl:1: field 'answer'");
        assertEquals(2, run("train", "--model", m).code(), "missing options");
    }

    private static void assertBad(SegmentCommandTest.Result r, String mentions) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(mentions), r.err());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
