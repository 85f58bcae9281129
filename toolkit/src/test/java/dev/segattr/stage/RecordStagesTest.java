package dev.segattr.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.attribution.PointScheme;
import dev.segattr.sft.Evaluator;
import dev.segattr.sft.MaskedExample;
import dev.segattr.sft.TrainingData;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.TraceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record stage over a shared model gives, record by record, exactly the lines the stage's file run writes (what a
 * Spark task relies on), on the tiny golden checkpoint with few path points. Attribution's {@code seconds} is the
 * one field that differs between two runs (it is a time) and is left out of the comparison.
 */
class RecordStagesTest {

    static final String TRACES = """
            {"id": "a", "question": "What is 17 * 23?", "reasoning": "First 17 * 20 = 340 and 17 * 3 = 51, so 391.\\n\\nWait, check: 23 * 17 = 391.\\n\\nAnother check: 391.", "answer": "391"}
            {"id": "b", "question": "What is 2x + 3 = 11?", "reasoning": "Then 2x = 8.\\n\\nAlternatively, try x = 4: 2 * 4 + 3 = 11.", "answer": "4"}
            {"id": "c", "question": "Divide 391 by 23.", "reasoning": "We get 17.\\n\\nHowever, check 23 * 17 = 391.\\n\\nWait, yes.\\n\\nSo 17.", "answer": "17", "segments": ["We get 17.", "\\n\\nHowever, check 23 * 17 = 391.\\n\\nWait, yes.\\n\\nSo 17."]}
            """;

    static Path modelDir;
    static LoadedModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws URISyntaxException {
        modelDir = Path.of(RecordStagesTest.class.getResource("/fixtures/attribution/ig_qwen3").toURI());
        model = LoadedModel.load(ModelSource.of(modelDir));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static AttributeStage.Options fewPoints() {
        return AttributeStage.Options.of(modelDir).withPoints(PointScheme.GAUSS_LEGENDRE, 4).withBatch(2);
    }

    Path traces() throws IOException {
        Path in = dir.resolve("traces.jsonl");
        Files.writeString(in, TRACES);
        return in;
    }

    static List<TraceRecord> records(Path file) {
        try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
            return lines.map(TraceRecord::of).toList();
        }
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    static String withoutSeconds(TraceRecord r) {
        ObjectNode json = r.json().deepCopy();
        json.remove("seconds");
        return TraceRecord.of(json).toJson();
    }

    @Test
    void attributeLogprobsAndSelectPerRecordAreTheFileRunsLines() throws IOException {
        Path in = traces();
        Path attributed = dir.resolve("attributed.jsonl");
        AttributeStage.run(in, attributed, fewPoints(), model, StageListener.NONE);
        List<TraceRecord> fromFile = records(attributed);
        List<TraceRecord> perRecord = new ArrayList<>();
        try (RecordStage<TraceRecord, TraceRecord> stage = AttributeStage.open(fewPoints(), model)) {
            for (TraceRecord r : records(in)) {
                perRecord.add(stage.apply(r));
            }
        }
        assertEquals(3, fromFile.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(withoutSeconds(fromFile.get(i)), withoutSeconds(perRecord.get(i)));
        }

        Path scored = dir.resolve("logprobs.jsonl");
        LogprobsStage.run(in, scored, LogprobsStage.Options.of(modelDir), model, StageListener.NONE);
        try (RecordStage<TraceRecord, TraceRecord> stage = LogprobsStage.open(LogprobsStage.Options.of(modelDir), model)) {
            assertEquals(lines(scored), records(in).stream().map(stage::apply).map(TraceRecord::toJson).toList());
        }

        for (SelectStage.Policy policy : SelectStage.Policy.values()) {
            if (policy == SelectStage.Policy.ABLATION) {
                continue; // reads segattr ablate's segment_ablation, which attribute does not write (AblateCommandTest)
            }
            Path selected = dir.resolve("selected-" + policy.label() + ".jsonl");
            SelectStage.Options options = SelectStage.Options.reference().withPolicy(policy);
            SelectStage.run(attributed, selected, options, StageListener.NONE);
            try (RecordStage<TraceRecord, TraceRecord> stage = SelectStage.open(options)) {
                assertEquals(lines(selected), fromFile.stream().map(stage::apply).map(TraceRecord::toJson).toList(), policy.label());
                // Chained in memory (attribute's records straight into select, as a Spark task does): the same figures.
                assertEquals(fromFile.stream().map(stage::apply).map(RecordStagesTest::withoutSeconds).toList(),
                        perRecord.stream().map(stage::apply).map(RecordStagesTest::withoutSeconds).toList(), policy.label());
            }
        }
    }

    @Test
    void exportPerRecordIsTheFileRunsLinesAndSaysWhenATraceHasNoSupervisedToken() throws IOException {
        // Trace b selects nothing of its reasoning; with the answer unsupervised it has no token with loss.
        Path selected = dir.resolve("selected.jsonl");
        Files.writeString(selected, TRACES.replace("\"answer\": \"391\"}", "\"answer\": \"391\", \"selected_segments\": [0, 2]}")
                .replace("\"answer\": \"4\"}", "\"answer\": \"4\", \"selected_segments\": []}")
                .replace("\"answer\": \"17\",", "\"answer\": \"17\", \"selected_segments\": [1],"));
        ExportStage.Options options = ExportStage.Options.of(modelDir);
        options = new ExportStage.Options(modelDir, options.mask(), options.seed(), options.maxLength(), false, null);
        Path exported = dir.resolve("exported.jsonl");
        TrainingData.Built built = ExportStage.run(selected, exported, options, StageListener.NONE);
        assertEquals(2, built.examples().size());
        assertEquals(1, built.skipped().size(), built.skipped().toString());
        List<Optional<MaskedExample>> perRecord;
        try (RecordStage<TraceRecord, Optional<MaskedExample>> stage = ExportStage.open(options, model)) {
            perRecord = records(selected).stream().map(stage::apply).toList();
        }
        assertTrue(perRecord.get(1).isEmpty());
        assertEquals(lines(exported), perRecord.stream().flatMap(Optional::stream)
                .map(e -> TraceRecord.of(TrainingData.toJson(e)).toJson()).toList());
    }

    @Test
    void evaluateAllAtOnceIsTheFileRunsPredictions() throws IOException {
        Path questions = dir.resolve("questions.jsonl");
        Files.writeString(questions, """
                {"id": "q1", "question": "What is 17 * 23?", "answer": "391"}
                {"id": "q2", "question": "What is 2 + 2?", "answer": 4}
                {"id": "q3", "question": "Divide 391 by 23.", "answer": "17"}
                """);
        EvaluateStage.Options options = new EvaluateStage.Options(ModelSource.of(modelDir), Evaluator.Settings.greedy(5).withBatchSize(2));
        Path predictions = dir.resolve("predictions.jsonl");
        EvaluateStage.Outcome outcome = EvaluateStage.run(questions, predictions, options, StageListener.NONE);
        assertEquals(3, outcome.result().questions());
        assertTrue(Files.isRegularFile(dir.resolve("predictions.record.json")));
        try (EvaluateStage.Evaluations stage = EvaluateStage.open(options, model)) {
            assertEquals(lines(predictions), stage.applyAll(records(questions)).stream()
                    .map(p -> TraceRecord.of(p.toJson()).toJson()).toList());
            // Greedy decoding of one question alone gives what it gave in its batch.
            assertEquals(lines(predictions).get(2), TraceRecord.of(stage.apply(records(questions).get(2)).toJson()).toJson());
        }
    }

    @Test
    void attributionResumesFromAPartialOutputWithoutTheCommandLine() throws IOException {
        Path in = traces();
        Path out = dir.resolve("attributed.jsonl");
        Path whole = dir.resolve("whole.jsonl");
        AttributeStage.run(in, whole, fewPoints(), model, StageListener.NONE);
        // A run killed after its first record, in the middle of its second line.
        List<String> done = lines(whole);
        Path partial = dir.resolve("attributed.jsonl.partial");
        Files.writeString(partial, done.get(0) + "\n" + done.get(1).substring(0, 40));
        List<StageEvent> events = new ArrayList<>();
        AttributeStage.run(in, out, fewPoints(), model, events::add);

        assertTrue(Files.notExists(partial));
        List<String> resumed = lines(out);
        assertEquals(3, resumed.size());
        assertEquals(done.get(0), resumed.get(0)); // kept as it was, seconds included: not attributed again
        for (int i = 1; i < 3; i++) {
            assertEquals(withoutSeconds(TraceRecord.parse("w", i, done.get(i))), withoutSeconds(TraceRecord.parse("r", i, resumed.get(i))));
        }
        assertEquals(new StageEvent.Resumed("attribute", 1, partial, 1), events.get(0));
        assertEquals(new StageEvent.Started("attribute", 3, 1), events.get(1));
        // Two records attributed in this run, counted from the one kept: 2/3, then 3/3.
        List<Integer> counts = events.stream().filter(e -> e instanceof StageEvent.RecordDone)
                .map(e -> ((StageEvent.RecordDone) e).done()).toList();
        assertEquals(List.of(2, 3), counts);
    }
}
