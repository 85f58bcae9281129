package dev.segattr.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    static CausalLM model;

    @BeforeAll
    static void load() {
        model = CausalLM.load(Fixtures.dir(Fixtures.LLAMA)); // GQA, untied head, llama3 rope
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Greedy decoding the slow way: a full forward over the whole sequence for every new token. */
    static long[] greedyWithoutCache(long[] prompt, int steps, float[][] lastLogits) {
        long[] seq = prompt.clone();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < steps; i++) {
                NDArray logits = model.forwardIds(m.create(new long[][] {seq}), null);
                float[] last = logits.get(new NDIndex("0, -1, :")).toFloatArray();
                lastLogits[0] = last;
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = Generator.argMax(last);
                logits.close();
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    @Test
    void greedyWithCacheEqualsFullForwards() {
        long[] prompt = {11, 42, 7, 99, 150, 3, 64};
        float[][] reference = new float[1][];
        long[] expected = greedyWithoutCache(prompt, 12, reference);
        Generation g = new Generator(model).generate(List.of(prompt),
                GenerationConfig.greedy(12).withStopIds(List.of()));
        assertArrayEquals(expected, g.tokens().get(0));
        assertFalse(g.stopped().get(0));
        float worst = 0;
        for (int v = 0; v < reference[0].length; v++) {
            worst = Math.max(worst, Math.abs(reference[0][v] - g.lastLogits().get(0)[v]));
        }
        System.out.printf("KV cache vs full forward, last-step logits: max abs diff %.3g%n", worst);
        assertTrue(worst < 1e-4f, "last-step logits differ by " + worst);
    }

    @Test
    void promptsOfDifferentLengthsDecodeInOneBatchAsAlone() {
        List<long[]> prompts = List.of(new long[] {5, 9, 14}, new long[] {20, 21, 22, 23, 24, 25, 26},
                new long[] {100, 3, 77, 8, 1});
        GenerationConfig config = GenerationConfig.greedy(8).withStopIds(List.of());
        Generator generator = new Generator(model);
        Generation batch = generator.generate(prompts, config);
        for (int i = 0; i < prompts.size(); i++) {
            Generation alone = generator.generate(List.of(prompts.get(i)), config);
            assertArrayEquals(alone.tokens().get(0), batch.tokens().get(i), "prompt " + i);
        }
    }

    @Test
    void rowsThatStopEarlyLeaveTheBatchWithoutChangingTheOthers() {
        List<long[]> prompts = List.of(new long[] {5, 9, 14}, new long[] {20, 21, 22, 23, 24, 25, 26},
                new long[] {100, 3, 77, 8, 1}, new long[] {11, 42, 7});
        Generator generator = new Generator(model);
        // A stop token the first row writes third: that row leaves after 3 steps, the others go on.
        long stop = generator.generate(List.of(prompts.get(0)), GenerationConfig.greedy(3).withStopIds(List.of()))
                .tokens().get(0)[2];
        for (GenerationConfig config : List.of(GenerationConfig.greedy(12).withStopIds(List.of(stop)),
                GenerationConfig.sampling(12, 1.0, 1.0, 5).withStopIds(List.of(stop)))) {
            Generation batch = generator.generate(prompts, config);
            if (config.isGreedy()) {
                assertTrue(batch.tokens().get(0).length <= 3, "row 0 ran past its stop token");
                for (int i = 0; i < prompts.size(); i++) {
                    Generation alone = generator.generate(List.of(prompts.get(i)), config);
                    assertArrayEquals(alone.tokens().get(0), batch.tokens().get(i), "prompt " + i);
                    assertEquals(alone.stopped().get(0), batch.stopped().get(i), "prompt " + i);
                }
            } else {
                Generation again = generator.generate(prompts, config);
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(again.tokens().get(i), batch.tokens().get(i), "sampled prompt " + i);
                }
            }
        }
    }

    @Test
    void rowStopsAtItsStopTokenAndKeepsIt() {
        long[] prompt = {11, 42, 7};
        Generator generator = new Generator(model);
        long[] free = generator.generate(List.of(prompt), GenerationConfig.greedy(6).withStopIds(List.of()))
                .tokens().get(0);
        long stop = free[3];
        int first = 0;
        while (free[first] != stop) {
            first++;
        }
        Generation g = generator.generate(List.of(prompt, new long[] {1, 2}),
                GenerationConfig.greedy(6).withStopIds(List.of(stop)));
        assertArrayEquals(Arrays.copyOf(free, first + 1), g.tokens().get(0));
        assertTrue(g.stopped().get(0));
    }

    @Test
    void modelEosIdsStopByDefault() {
        assertEquals(List.of(2L, 3L), model.config().eosTokenIds());
        Generation g = new Generator(model).generate(List.of(new long[] {4, 5, 6}), GenerationConfig.greedy(40));
        long[] t = g.tokens().get(0);
        for (int i = 0; i < t.length - 1; i++) {
            assertTrue(t[i] != 2 && t[i] != 3, "generation ran past an eos id");
        }
        assertEquals(g.stopped().get(0), t.length > 0 && (t[t.length - 1] == 2 || t[t.length - 1] == 3));
    }

    @Test
    void samplingIsReproducibleAndTinyTopPIsGreedy() {
        List<long[]> prompts = List.of(new long[] {8, 9, 10}, new long[] {30, 31});
        Generator generator = new Generator(model);
        GenerationConfig hot = GenerationConfig.sampling(6, 1.5, 0.95, 7).withStopIds(List.of());
        Generation a = generator.generate(prompts, hot);
        Generation b = generator.generate(prompts, hot);
        Generation c = generator.generate(prompts, GenerationConfig.sampling(6, 1.5, 0.95, 8)
                .withStopIds(List.of()));
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(a.tokens().get(i), b.tokens().get(i));
        }
        assertFalse(Arrays.equals(a.tokens().get(0), c.tokens().get(0))
                && Arrays.equals(a.tokens().get(1), c.tokens().get(1)), "another seed gave the same samples");
        Generation nucleus = generator.generate(prompts, GenerationConfig.sampling(6, 1.0, 1e-9, 3)
                .withStopIds(List.of()));
        Generation greedy = generator.generate(prompts, GenerationConfig.greedy(6).withStopIds(List.of()));
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(greedy.tokens().get(i), nucleus.tokens().get(i));
        }
    }

    @Test
    void generationLeavesNoArraysBehind() {
        int before = model.manager().getManagedArrays().size();
        new Generator(model).generate(List.of(new long[] {1, 2, 3}, new long[] {4}),
                GenerationConfig.greedy(5).withStopIds(List.of()));
        Generator generator = new Generator(model);
        long stop = generator.generate(List.of(new long[] {1, 2, 3}), GenerationConfig.greedy(2).withStopIds(List.of()))
                .tokens().get(0)[1];
        generator.generate(List.of(new long[] {1, 2, 3}, new long[] {4}, new long[] {9, 9}),
                GenerationConfig.greedy(6).withStopIds(List.of(stop)));                  // a row leaves midway
        assertEquals(before, model.manager().getManagedArrays().size());
    }
}
