package dev.segattr.sft;

import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import dev.segattr.trace.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The method's U and A through real chat templates, token for token the attribution's sequence. */
class ChatFormatTest {

    @TempDir
    Path dir;

    static final Trace TRACE = Trace.of("t", "What is 2+2?",
            "Two and two.\n\nWait, is it 4? Yes, 4.\n\nAlternatively, 2*2 = 4.", "4");

    @Test
    void qwen3TrainsOnTheAttributionsSequencePlusTheEndToken() {
        try (Tokenizer qwen = Tokenizer.load(SftFixtures.qwen3Tokenizer(dir.resolve("qwen3")))) {
            ChatFormat f = ChatFormat.reference(qwen);
            assertEquals("<|im_start|>user\nWhat is 2+2?\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
                    + "<|im_start|>assistant\n", f.prompt(TRACE));
            assertEquals("</think> So, the final answer is \\boxed{4}", f.answerPart(TRACE));

            List<Segment> segments = Segmenter.reference().split(TRACE.reasoning());
            AnswerTarget target = AnswerTarget.of(qwen, TraceLayout.promptOf(qwen), TRACE, segments);
            TokenizedTrace t = TrainingData.tokenize(qwen, f, TRACE);
            assertArrayEquals(target.ids(), Arrays.copyOf(t.ids(), t.length() - 1));
            assertEquals(qwen.eosId(), t.ids()[t.length() - 1]);
            assertArrayEquals(target.segmentTokenCounts(), LossMask.tokenCounts(t, segments));
        }
    }

    @Test
    void anR1StyleTemplateAndAnotherAnswerPart() {
        try (Tokenizer small = Tokenizer.load(Path.of("src/test/resources/fixtures/tokenizers/trained"))) {
            ChatFormat f = ChatFormat.reference(small).withAnswerTemplate("\n</think>\n\nThe answer is $\\boxed{{answer}}$.");
            assertEquals("<|user|>What is 2+2?\nPlease reason step by step, and put your final answer within \\boxed{}.<|assistant|><think>\n",
                    f.prompt(TRACE));
            assertEquals("\n</think>\n\nThe answer is $\\boxed{4}$.", f.answerPart(TRACE));
            assertThrows(BadInputException.class, () -> f.withAnswerTemplate("no placeholder"));
        }
    }

    @Test
    void aTokenizerWithoutTemplateGetsTheAttributionsPlainPrompt() throws Exception {
        Path bare = Files.createDirectories(dir.resolve("bare"));
        Files.copy(Path.of("src/test/resources/fixtures/tokenizers/trained/tokenizer.json"), bare.resolve("tokenizer.json"));
        try (Tokenizer t = Tokenizer.load(bare)) {
            assertEquals("User: What is 2+2?\nPlease reason step by step, and put your final answer within \\boxed{}.\nAssistant: <think>\n",
                    ChatFormat.reference(t).prompt(TRACE));
        }
    }
}
