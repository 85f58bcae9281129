package dev.segattr.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Qwen3 tokenizer against ids and offsets that Hugging Face's tokenizers wrote (fixtures). */
class TokenizerTest {

    @TempDir
    static Path tmp;
    static Tokenizer qwen;
    static JsonNode fixture;

    @BeforeAll
    static void load() {
        qwen = Tokenizer.load(TokenizerFixtures.qwen3(tmp.resolve("qwen3")));
        fixture = TokenizerFixtures.json("qwen3_encodings.json");
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    @Test
    void idsAndCharOffsetsMatchHuggingFace() {
        for (JsonNode c : fixture.get("cases")) {
            String text = c.get("text").asText();
            Encoded e = qwen.encode(text);
            String what = "text: " + text.substring(0, Math.min(40, text.length()));
            assertArrayEquals(TokenizerFixtures.longs(c.get("ids")), e.ids(), what);
            assertArrayEquals(TokenizerFixtures.ints(c.get("start")), e.start(), what);
            assertArrayEquals(TokenizerFixtures.ints(c.get("end")), e.end(), what);
            assertEquals(c.get("decoded").asText(), qwen.decode(e.ids()), what);
        }
    }

    @Test
    void offsetsAreJavaCharIndicesAfterSurrogatePairs() {
        String text = "a 😀 b\r\nc 中文 é";
        Encoded e = qwen.encode(text);
        StringBuilder joined = new StringBuilder();
        int previousEnd = 0;
        for (int i = 0; i < e.size(); i++) {
            assertTrue(e.start()[i] <= e.end()[i] && e.end()[i] <= text.length());
            assertFalse(Character.isLowSurrogate(text.charAt(Math.min(e.start()[i], text.length() - 1)))
                    && e.start()[i] > 0 && Character.isHighSurrogate(text.charAt(e.start()[i] - 1)),
                    "a span starts inside a surrogate pair");
            if (e.start()[i] >= previousEnd) { // tokens splitting one character share its span: count it once
                joined.append(text, e.start()[i], e.end()[i]);
                previousEnd = e.end()[i];
            }
        }
        assertEquals(text, joined.toString());
        // the token after the emoji: " b" (code point offsets would point one char too early, at the low surrogate)
        int b = text.indexOf(" b");
        int[] range = e.tokenRange(b, b + 2);
        assertEquals(" b", text.substring(e.start()[range[0]], e.end()[range[0]]));
    }

    @Test
    void longTraceIsNotTruncated() {
        JsonNode last = fixture.get("cases").get(fixture.get("cases").size() - 1);
        String text = last.get("text").asText();
        Encoded e = qwen.encode(text);
        assertTrue(e.size() > 5000, "tokens: " + e.size());
        assertEquals(last.get("ids").size(), e.size());
        assertEquals(text.length(), e.end()[e.size() - 1]);
        assertEquals(text, qwen.decode(e.ids()));
    }

    @Test
    void specialTokensInTextAreSingleTokensAndNoneAreAdded() {
        JsonNode t = fixture.get("tokenizer");
        assertArrayEquals(new long[] {t.get("think_id").asLong()}, qwen.encode("<think>").ids());
        Encoded e = qwen.encode("<|im_start|>user\n<think>\nhi</think>");
        assertEquals(t.get("im_start_id").asLong(), e.ids()[0]);
        assertEquals(0, e.start()[0]);
        assertEquals("<|im_start|>".length(), e.end()[0]);
        assertEquals(0, qwen.encode("").size());
        assertTrue(qwen.isSpecial(t.get("im_start_id").asLong()));
        assertEquals("user\n<think>\nhi</think>", qwen.decode(e.ids(), true), "<think> is not special in Qwen3");
    }

    @Test
    void specialTokenIdsAndVocabulary() {
        JsonNode t = fixture.get("tokenizer");
        assertEquals(t.get("vocab_size").asInt(), qwen.vocabSize());
        assertEquals(t.get("pad_token_id").asLong(), qwen.padId());
        assertEquals("<|endoftext|>", qwen.padToken());
        assertEquals(t.get("eos_token_id").asLong(), qwen.eosId());
        assertArrayEquals(new long[] {t.get("eos_token_id").asLong()}, qwen.eosIds());
        assertTrue(qwen.bosId().isEmpty(), "Qwen3 has no bos token");
        assertEquals(t.get("the_id").asLong(), qwen.requireTokenId("Ġthe"));
        assertEquals("Ġthe", qwen.tokenString(t.get("the_id").asLong()));
        assertEquals(t.get("think_id").asLong(), qwen.requireTokenId("<think>"));
        assertTrue(qwen.tokenId("no such token").isEmpty());
        assertThrows(BadInputException.class, () -> qwen.requireTokenId("no such token"));
        assertTrue(qwen.hasChatTemplate());
    }

    @Test
    void chatTemplateComesFromTokenizerConfigWithItsSpecialTokens() {
        JsonNode userCase = null;
        for (JsonNode c : TokenizerFixtures.json("chat_templates.json").get("cases")) {
            if (c.get("template").asText().equals("qwen3") && c.get("name").asText().equals("user")
                    && c.get("add_generation_prompt").asBoolean()) {
                userCase = c;
            }
        }
        String question = userCase.get("messages").get(0).get("content").asText();
        String prompt = qwen.chatTemplate().prompt(question);
        assertEquals(userCase.get("rendered").asText(), prompt);
        // the rendered prompt tokenizes with its specials as single tokens
        Encoded e = qwen.encode(prompt);
        assertEquals(fixture.get("tokenizer").get("im_start_id").asLong(), e.ids()[0]);
        assertEquals(prompt, qwen.decode(e.ids()));
    }

    @Test
    void checkFitsRejectsAModelWithASmallerVocabulary() {
        qwen.checkFits(151936); // Qwen3's embedding table is padded beyond the tokenizer
        qwen.checkFits(qwen.vocabSize());
        BadInputException e = assertThrows(BadInputException.class, () -> qwen.checkFits(1000));
        assertTrue(e.getMessage().contains("vocab_size is 1000"), e.getMessage());
    }

    @Test
    void badInputIsReportedWithTheFile() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        BadInputException missing = assertThrows(BadInputException.class, () -> Tokenizer.load(empty));
        assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("tokenizer.json"), "{\"model\": ");
        assertThrows(BadInputException.class, () -> Tokenizer.load(broken));
        assertThrows(BadInputException.class, () -> qwen.decode(new long[] {-1}));
        assertThrows(BadInputException.class, () -> qwen.decode(new long[] {qwen.vocabSize()}));
    }
}
