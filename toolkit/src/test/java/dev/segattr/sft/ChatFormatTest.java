package dev.segattr.sft;

import dev.segattr.BadInputException;
import dev.segattr.model.Tokenizer;
import dev.segattr.trace.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The method's U and A through two real chat templates. */
class ChatFormatTest {

    @TempDir
    Path dir;

    static final Trace TRACE = Trace.of("t", "What is 2+2?", "2+2=4.", "4");

    @Test
    void qwen3sGenerationPromptGetsTheThinkingOpened() {
        try (Tokenizer qwen = Tokenizer.load(SftFixtures.qwen3Tokenizer(dir.resolve("qwen3")))) {
            ChatFormat f = ChatFormat.reference(qwen);
            assertEquals("<|im_start|>user\nWhat is 2+2?\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
                    + "<|im_start|>assistant\n<think>\n", f.prompt(TRACE));
            assertEquals("</think> So, the final answer is \\boxed{4}", f.answerPart(TRACE));
        }
    }

    @Test
    void anR1StyleTemplateAlreadyOpensIt() {
        try (Tokenizer small = Tokenizer.load(Path.of("src/test/resources/fixtures/tokenizers/trained"))) {
            ChatFormat f = ChatFormat.reference(small).withAnswerTemplate("\n</think>\n\nThe answer is $\\boxed{{answer}}$.");
            assertEquals("<|user|>What is 2+2?\nPlease reason step by step, and put your final answer within \\boxed{}.<|assistant|><think>\n",
                    f.prompt(TRACE));
            assertEquals("\n</think>\n\nThe answer is $\\boxed{4}$.", f.answerPart(TRACE));
            assertThrows(BadInputException.class, () -> f.withAnswerTemplate("no placeholder"));
        }
    }

    @Test
    void aTokenizerWithoutTemplateIsRefused() throws Exception {
        Path bare = Files.createDirectories(dir.resolve("bare"));
        Files.copy(Path.of("src/test/resources/fixtures/tokenizers/trained/tokenizer.json"), bare.resolve("tokenizer.json"));
        try (Tokenizer t = Tokenizer.load(bare)) {
            assertThrows(BadInputException.class, () -> ChatFormat.reference(t));
        }
    }
}
