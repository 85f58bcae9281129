package dev.segattr.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** From select's records to masked examples and to the JSON Lines that TRL reads. */
class TrainingDataTest {

    @TempDir
    static Path tmp;
    static Tokenizer qwen;

    @TempDir
    Path dir;

    static final String REASONING = "First idea.\n\nWait, second idea.\n\nAlternatively, third.\n\nHowever, fourth and last.";

    @BeforeAll
    static void load() {
        qwen = Tokenizer.load(SftFixtures.qwen3Tokenizer(tmp.resolve("qwen3")));
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    static ObjectNode record(String id, int... selected) {
        ObjectNode r = JsonLines.MAPPER.createObjectNode().put("id", id).put("question", "Q " + id)
                .put("reasoning", REASONING).put("answer", "7");
        var segments = r.putArray("segments");
        Segmenter.reference().split(REASONING).forEach(s -> segments.add(s.text()));
        var chosen = r.putArray("selected_segments");
        for (int s : selected) {
            chosen.add(s);
        }
        return r;
    }

    Path file(ObjectNode... records) {
        Path f = dir.resolve("selected.jsonl");
        JsonLines.write(f, Stream.of(records));
        return f;
    }

    static TrainingData.Settings settings(TrainingData.MaskMode mode) {
        return new TrainingData.Settings(mode, 3407, 16384, true);
    }

    @Test
    void selectiveFollowsEachRecordsSelection() {
        Path f = file(record("a", 0, 3), record("b", 0, 1, 2, 3));
        TrainingData.Built full = TrainingData.build(f, qwen, LossMaskTest.CHAT, settings(TrainingData.MaskMode.FULL));
        TrainingData.Built sel = TrainingData.build(f, qwen, LossMaskTest.CHAT, settings(TrainingData.MaskMode.SELECTIVE));
        assertEquals(List.of("a", "b"), sel.examples().stream().map(MaskedExample::id).toList());
        assertTrue(sel.examples().get(0).supervisedTokens() < full.examples().get(0).supervisedTokens());
        // every segment selected is full-CoT SFT
        assertArrayEquals(full.examples().get(1).labels(), sel.examples().get(1).labels());
        assertTrue(sel.supervisedFractionOfCompletion() < 1.0 && full.supervisedFractionOfCompletion() == 1.0);
    }

    @Test
    void aTraceWithNoSupervisedTokenIsSkippedAndTheSkipRecorded() {
        Path f = file(record("a"), record("b", 1));
        TrainingData.Settings noAnswer = new TrainingData.Settings(TrainingData.MaskMode.SELECTIVE, 1, 16384, false);
        TrainingData.Built built = TrainingData.build(f, qwen, LossMaskTest.CHAT, noAnswer);
        assertEquals(List.of("b"), built.examples().stream().map(MaskedExample::id).toList());
        assertEquals(List.of("selected.jsonl:1 (id a): no supervised token"), built.skipped());
    }

    @Test
    void longSequencesKeepTheirStartAndCountAsTruncated() {
        Path f = file(record("a", 0));
        int promptTokens = TrainingData.tokenize(qwen, LossMaskTest.CHAT, JsonLines.read(f).map(l -> dev.segattr.trace.Trace.fromJson(l)).findFirst().orElseThrow())
                .firstTokenAt(LossMaskTest.CHAT.prompt(dev.segattr.trace.Trace.of("a", "Q a", REASONING, "7")).length());
        TrainingData.Built cut = TrainingData.build(f, qwen, LossMaskTest.CHAT,
                new TrainingData.Settings(TrainingData.MaskMode.SELECTIVE, 1, promptTokens + 2, true));
        assertEquals(1, cut.truncated());
        assertEquals(promptTokens + 2, cut.examples().get(0).length());
        assertEquals(2, cut.examples().get(0).supervisedTokens());
        TrainingData.Built none = TrainingData.build(f, qwen, LossMaskTest.CHAT,
                new TrainingData.Settings(TrainingData.MaskMode.SELECTIVE, 1, promptTokens, true));
        assertEquals(0, none.examples().size());
        assertTrue(none.skipped().get(0).endsWith("no supervised token within the first " + promptTokens + " tokens"));
    }

    @Test
    void randomAndTopTokensNeedASelectionToMatch() {
        Path f = file(record("a", 0, 3));
        TrainingData.Built random = TrainingData.build(f, qwen, LossMaskTest.CHAT, settings(TrainingData.MaskMode.RANDOM));
        assertEquals(1, random.examples().size());
        ObjectNode bare = record("b");
        bare.remove("selected_segments");
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainingData.build(file(bare), qwen, LossMaskTest.CHAT, settings(TrainingData.MaskMode.RANDOM)));
        assertEquals("selected.jsonl:1: field 'selected_segments' is missing (run segattr select first, or train with --mask full)", e.getMessage());
    }

    @Test
    void topTokensUsesTheRecordsAttributions() {
        ObjectNode r = record("a", 0, 3);
        var tokens = TrainingData.tokenize(qwen, LossMaskTest.CHAT, dev.segattr.trace.Trace.of("a", "Q a", REASONING, "7"));
        List<Segment> segments = Segmenter.reference().split(REASONING);
        int[] counts = LossMask.tokenCounts(tokens, segments);
        var attributions = r.putArray("token_attributions");
        for (int s = 0; s < counts.length; s++) {
            var seg = attributions.addArray();
            for (int i = 0; i < counts[s]; i++) {
                seg.add(s == 2 ? 10.0 + i : 0.01); // segment 2 holds the largest |attribution|
            }
        }
        TrainingData.Built built = TrainingData.build(file(r), qwen, LossMaskTest.CHAT,
                new TrainingData.Settings(TrainingData.MaskMode.TOP_TOKENS, 1, 16384, false));
        MaskedExample e = built.examples().get(0);
        int target = counts[0] + counts[3];
        assertEquals(target, e.supervisedTokens());
        int seg2 = tokens.firstTokenAt(LossMaskTest.CHAT.prompt(dev.segattr.trace.Trace.of("a", "Q a", REASONING, "7")).length() + segments.get(2).start());
        for (int i = 0; i < Math.min(target, counts[2]); i++) {
            int pos = seg2 + counts[2] - 1 - i; // largest attributions last in segment 2
            assertEquals(e.inputIds()[pos], e.labels()[pos], "token " + pos);
        }
        // attributions grouped differently from this tokenizer: refused
        ((com.fasterxml.jackson.databind.node.ArrayNode) attributions.get(0)).add(0.5);
        assertThrows(BadInputException.class, () -> TrainingData.build(file(r), qwen, LossMaskTest.CHAT,
                new TrainingData.Settings(TrainingData.MaskMode.TOP_TOKENS, 1, 16384, false)));
    }

    @Test
    void exportIsWhatTrlTakesAndReadsBack() throws IOException {
        TrainingData.Built built = TrainingData.build(file(record("a", 0, 3)), qwen, LossMaskTest.CHAT, settings(TrainingData.MaskMode.SELECTIVE));
        Path out = dir.resolve("masked.jsonl");
        TrainingData.export(out, built.examples());
        JsonNode line = JsonLines.MAPPER.readTree(Files.readAllLines(out).get(0));
        assertEquals(List.of("id", "input_ids", "labels"), iterable(line.fieldNames()));
        assertEquals(-100, line.get("labels").get(0).asInt());
        MaskedExample back = TrainingData.readExported(out).get(0);
        assertArrayEquals(built.examples().get(0).inputIds(), back.inputIds());
        assertArrayEquals(built.examples().get(0).labels(), back.labels());
        assertEquals(TrainingData.hash(built.examples()), TrainingData.hash(List.of(new MaskedExample("a", back.inputIds(), back.labels(), 0))));
    }

    @Test
    void badSelectionsNameTheLineAndField() {
        assertThrows(BadInputException.class, () -> TrainingData.build(file(record("a", 9)), qwen, LossMaskTest.CHAT,
                settings(TrainingData.MaskMode.SELECTIVE)));
        ObjectNode r = record("a");
        r.putArray("selected_segments").add("x");
        BadInputException e = assertThrows(BadInputException.class, () -> TrainingData.build(file(r), qwen, LossMaskTest.CHAT,
                settings(TrainingData.MaskMode.SELECTIVE)));
        assertTrue(e.getMessage().startsWith("selected.jsonl:1: field 'selected_segments[0]'"), e.getMessage());
        assertThrows(BadInputException.class, () -> TrainingData.MaskMode.parse("half"));
        assertEquals(TrainingData.MaskMode.TOP_TOKENS, TrainingData.MaskMode.parse("top-tokens"));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
