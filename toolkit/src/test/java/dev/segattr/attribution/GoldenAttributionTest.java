package dev.segattr.attribution;

import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TraceLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference recipe against PyTorch: a tiny random Qwen3 checkpoint and tokenizer, a five-segment trace, 50
 * points, pad baseline; the golden values come from make_ig_fixtures.py (float32, transformers).
 */
class GoldenAttributionTest {

    static IgFixture fixture;
    static CausalLM lm;
    static Tokenizer tokenizer;
    static EmbeddingModel model;

    @BeforeAll
    static void load() {
        fixture = IgFixture.load();
        lm = CausalLM.load(fixture.dir);
        tokenizer = Tokenizer.load(fixture.dir);
        model = EmbeddingModel.of(lm);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        lm.close();
    }

    @Test
    void theTargetSequenceMatchesTransformersTokenByToken() {
        // The chat template renders U as transformers' apply_chat_template did.
        assertEquals(fixture.prompt(), TraceLayout.promptOf(tokenizer).apply(fixture.trace().question() + TraceLayout.INSTRUCTION));
        AnswerTarget target = fixture.target(tokenizer);
        assertEquals(fixture.json.get("text").asText(), target.text());
        assertArrayEquals(fixture.ids(), target.ids());
        assertEquals(fixture.json.get("answer_from").asInt(), target.answerFrom());
        assertEquals(fixture.json.get("answer_to").asInt(), target.answerTo());
        var ranges = fixture.json.get("segment_token_ranges");
        assertEquals(ranges.size(), target.segmentCount());
        for (int s = 0; s < ranges.size(); s++) {
            assertArrayEquals(new int[] {ranges.get(s).get(0).asInt(), ranges.get(s).get(1).asInt()}, target.segmentTokens(s), "segment " + s);
        }
        // The answer tokens spell the answer, no brace.
        long[] answerIds = Arrays.copyOfRange(target.ids(), target.answerFrom(), target.answerTo());
        assertEquals(fixture.json.get("answer").asText(), tokenizer.decode(answerIds));
    }

    static TokenAttribution attribute(Baseline baseline, int batch) {
        var options = IntegratedGradients.Options.reference(baseline).withBatch(batch);
        return fixture.target(tokenizer).attribute(new IntegratedGradients(model, options));
    }

    @Test
    void padBaselineMatchesPyTorchUnbatchedAndBatched() {
        double[] want = fixture.doubles("attributions");
        for (int batch : new int[] {1, 10}) {
            TokenAttribution got = attribute(Baseline.pad(tokenizer.padId()), batch);
            double error = IgFixture.relativeL2(got.attributions(), want);
            assertTrue(error < 1e-3, "batch " + batch + ": relative L2 error " + error);
            assertEquals(fixture.json.get("target_logprob").asDouble(), got.targetLogprob(), 1e-4);
            assertEquals(fixture.json.get("baseline_logprob").asDouble(), got.baselineLogprob(), 1e-4);
            assertEquals(fixture.json.get("convergence_delta").asDouble(), got.convergenceDelta(), 1e-3);
            assertEquals(AttributionStatus.OK, got.status(), got.reason());
        }
        for (var e : lm.parameters().entrySet()) {
            assertFalse(e.getValue().hasGradient(), e.getKey() + " collects gradients: the weights must stay frozen");
        }
    }

    @Test
    void zeroBaselineMatchesPyTorch() {
        TokenAttribution got = attribute(Baseline.zero(), 25);
        double error = IgFixture.relativeL2(got.attributions(), fixture.doubles("attributions_zero"));
        assertTrue(error < 1e-3, "relative L2 error " + error);
        assertEquals(fixture.json.get("zero_baseline_logprob").asDouble(), got.baselineLogprob(), 1e-4);
    }

    /** Block 0: as many positions as the logits budget allows (here all); 1 and 7: the head a few positions at a time. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void tokenLogprobsAndEntropiesMatchPyTorch(int block) {
        TokenScores scores = TokenScores.compute(model, fixture.ids(), block);
        double[] lp = fixture.doubles("token_logprobs");
        double[] h = fixture.doubles("token_entropies");
        assertTrue(Double.isNaN(scores.logprobs()[0]) && Double.isNaN(scores.entropies()[0]));
        for (int i = 1; i < lp.length; i++) {
            assertEquals(lp[i], scores.logprobs()[i], 1e-4, "log-prob of token " + i);
            assertEquals(h[i], scores.entropies()[i], 1e-4, "entropy before token " + i);
        }
    }
}
