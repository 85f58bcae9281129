package dev.segattr.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segattr.BadInputException;
import dev.segattr.template.ChatTemplate;
import dev.segattr.synth.Synth;
import dev.segattr.synth.SynthConfig;
import dev.segattr.synth.SynthTrace;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A byte-level BPE trained in Java, read back by DJL here and by Hugging Face's code in the fixtures. */
class TokenizerTrainerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path trained;
    static Tokenizer tokenizer;

    /** The committed fixture tokenizer: vocab 400 on trained/corpus.txt. */
    static Path trainFixture(Path dir) {
        return new TokenizerTrainer(400).add(TokenizerFixtures.text("trained/corpus.txt")).save(dir);
    }

    @BeforeAll
    static void train() {
        trained = trainFixture(tmp.resolve("trained"));
        tokenizer = Tokenizer.load(trained);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void trainingIsDeterministicAndTheCommittedFixtureIsUpToDate() throws Exception {
        // make_tokenizer_fixtures.py read the committed files; they must be what the trainer writes today
        assertEquals(TokenizerFixtures.text("trained/tokenizer.json"), Files.readString(trained.resolve("tokenizer.json")));
        assertEquals(TokenizerFixtures.text("trained/tokenizer_config.json"),
                Files.readString(trained.resolve("tokenizer_config.json")));
    }

    @Test
    void huggingFaceReadsTheTrainedTokenizerTheSameWay() {
        JsonNode fixture = TokenizerFixtures.json("trained_encodings.json");
        JsonNode t = fixture.get("tokenizer");
        assertEquals(t.get("vocab_size").asInt(), tokenizer.vocabSize());
        assertEquals(t.get("pad_token_id").asLong(), tokenizer.padId());
        assertEquals(t.get("eos_token_id").asLong(), tokenizer.eosId());
        for (JsonNode c : fixture.get("cases")) {
            String text = c.get("text").asText();
            Encoded e = tokenizer.encode(text);
            assertArrayEquals(TokenizerFixtures.longs(c.get("ids")), e.ids(), text);
            assertArrayEquals(TokenizerFixtures.ints(c.get("start")), e.start(), text);
            assertArrayEquals(TokenizerFixtures.ints(c.get("end")), e.end(), text);
            assertEquals(c.get("decoded").asText(), tokenizer.decode(e.ids()), text);
            assertEquals(c.get("decoded_skip_special").asText(), tokenizer.decode(e.ids(), true), text);
        }
        ChatTemplate template = tokenizer.chatTemplate();
        for (JsonNode c : fixture.get("chats")) {
            List<Map<String, Object>> messages = JSON.convertValue(c.get("messages"), List.class);
            assertEquals(c.get("rendered").asText(), template.render(messages, c.get("add_generation_prompt").asBoolean()),
                    c.get("name").asText());
        }
    }

    @Test
    void anyTextRoundTripsWithConsistentOffsets() {
        for (String text : List.of("", "Wait,\n\n\nthe answer is 12345.\r\n\tDone  ", "é 中文 😀 ✓ ∑ 🧑‍🚀",
                "<|user|>Q<|assistant|><think>\nA</think> \\boxed{7}<|end|>", "x".repeat(3000))) {
            Encoded e = tokenizer.encode(text);
            assertEquals(text, tokenizer.decode(e.ids()), text);
            int previousEnd = 0;
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < e.size(); i++) {
                assertTrue(e.start()[i] <= e.end()[i] && e.start()[i] >= (i == 0 ? 0 : e.start()[i - 1]), text);
                if (e.start()[i] >= previousEnd) { // byte tokens of one character share its span
                    assertEquals(previousEnd, e.start()[i], "no gap before token " + i + " of " + text);
                    joined.append(text, e.start()[i], e.end()[i]);
                    previousEnd = e.end()[i];
                }
            }
            assertEquals(text, joined.toString());
        }
    }

    @Test
    void digitsAreSingleTokensAndSpecialsAreWhole() {
        Encoded number = tokenizer.encode("9876543210");
        assertEquals(10, number.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(String.valueOf("9876543210".charAt(i)), tokenizer.decode(new long[] {number.ids()[i]}));
        }
        String prompt = tokenizer.chatTemplate().prompt("What is 6 * 7?");
        assertEquals("<|user|>What is 6 * 7?<|assistant|><think>\n", prompt);
        long[] ids = tokenizer.encode(prompt).ids();
        assertEquals(tokenizer.requireTokenId(TokenizerTrainer.USER), ids[0]);
        assertEquals(tokenizer.requireTokenId(TokenizerTrainer.ASSISTANT), ids[ids.length - 3]);
        assertEquals(tokenizer.requireTokenId(TokenizerTrainer.THINK), ids[ids.length - 2]);
        assertEquals("\n", tokenizer.decode(new long[] {ids[ids.length - 1]}));
        assertTrue(tokenizer.isSpecial(tokenizer.eosId()));
        assertEquals(TokenizerTrainer.PAD, tokenizer.padToken());
    }

    @Test
    void segmentBoundariesFallOnTokenBoundariesInTypicalTraces() {
        Path dir = tmp.resolve("synth");
        List<SynthTrace> traces = Synth.generate(SynthConfig.defaults().withN(60).withSeed(5));
        TokenizerTrainer trainer = new TokenizerTrainer(512);
        traces.forEach(t -> trainer.add(t.question()).add(t.reasoning()));
        try (Tokenizer synthTokenizer = Tokenizer.load(trainer.save(dir))) {
            assertEquals(512, synthTokenizer.vocabSize());
            List<String> misses = new ArrayList<>();
            int segments = 0;
            for (SynthTrace trace : traces) {
                String reasoning = trace.reasoning();
                Encoded e = synthTokenizer.encode(reasoning);
                for (Segment s : Segmenter.reference().split(reasoning)) {
                    segments++;
                    if (Arrays.binarySearch(e.start(), s.start()) < 0) {
                        misses.add(trace.id() + " segment " + s.index());
                    }
                    int[] range = e.tokenRange(s.start(), s.end());
                    String tokensText = synthTokenizer.decode(Arrays.copyOfRange(e.ids(), range[0], range[1]));
                    assertEquals(s.text(), tokensText, "the segment's tokens spell the segment");
                }
            }
            assertTrue(segments > 200, "segments: " + segments);
            assertTrue(misses.isEmpty(), misses.size() + " of " + segments + " segment starts inside a token: " + misses);
        }
    }

    @Test
    void specialTokensFromOtherConfigLayouts() throws Exception {
        // tokenizer_config.json without pad token and with an AddedToken object for eos; the chat template in
        // chat_template.jinja (how newer transformers save it); stop ids also from generation_config.json
        Path dir = Files.createDirectories(tmp.resolve("layouts"));
        Files.copy(trained.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"eos_token\": {\"__type\": \"AddedToken\", \"content\": \"<|end|>\"}, \"bos_token\": \"<|system|>\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}\n");
        long user = tokenizer.requireTokenId(TokenizerTrainer.USER);
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [" + tokenizer.eosId() + ", " + user + "]}");
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(TokenizerTrainer.END, t.padToken(), "pad falls back to eos");
            assertEquals(t.eosId(), t.padId());
            assertArrayEquals(new long[] {t.eosId(), user}, t.eosIds());
            assertEquals(tokenizer.requireTokenId(TokenizerTrainer.SYSTEM), t.bosId().getAsLong());
            assertEquals("<|system|>hi", t.chatTemplate().render(List.of(Map.of("role", "user", "content", "hi")), false));
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
        Files.delete(dir.resolve("chat_template.jinja"));
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertThrows(BadInputException.class, t::padId, "no pad, eos or unk token");
            assertTrue(!t.hasChatTemplate());
            assertThrows(BadInputException.class, t::chatTemplate);
            assertTrue(t.bosId().isEmpty());
        }
    }

    @Test
    void tooSmallAVocabularyIsBadInput() {
        assertThrows(BadInputException.class, () -> new TokenizerTrainer(100));
    }
}
