package dev.segattr.attribution;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-token log-probs and entropies, whole or a block of positions at a time (golden values: GoldenAttributionTest). */
class TokenScoresTest {

    static ToyModel model;
    static final long[] IDS = {3, 17, 5, 9, 22, 1, 8, 30, 12, 4, 7, 2};

    @BeforeAll
    static void setUp() {
        model = new ToyModel(40, 16, 7);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    @Test
    void blocksOfAnySizeGiveTheSameScores() {
        TokenScores whole = TokenScores.compute(model, IDS);
        for (int block : new int[] {1, 4, 11, 50}) {
            TokenScores blocks = TokenScores.compute(model, IDS, block);
            assertArrayEquals(whole.logprobs(), blocks.logprobs(), 1e-5, "block " + block);
            assertArrayEquals(whole.entropies(), blocks.entropies(), 1e-5, "block " + block);
        }
    }

    @Test
    void scoresAreLogProbabilitiesAndEntropiesOfTheNextToken() {
        TokenScores s = TokenScores.compute(model, IDS, 5);
        assertTrue(Double.isNaN(s.logprobs()[0]), "nothing predicts the first token");
        for (int i = 1; i < IDS.length; i++) {
            assertTrue(s.logprobs()[i] < 0, "log p of token " + i);
            assertTrue(s.entropies()[i] > 0 && s.entropies()[i] <= Math.log(40) + 1e-6, "entropy before token " + i);
        }
        assertEquals(IDS.length, s.length());
    }

    @Test
    void noArrayOutlivesTheCall() {
        TokenScores.compute(model, IDS, 3);
        int before = model.manager().getManagedArrays().size();
        TokenScores.compute(model, IDS, 3);
        assertEquals(before, model.manager().getManagedArrays().size());
    }
}
