package dev.segattr.sft;

import dev.segattr.experiment.Hashes;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop's promises: loss falls, same seed gives the same bits, a resumed run ends where an uninterrupted one does. */
class TrainerTest {

    static final ModelConfig TINY = ModelConfig.of("qwen3", 64, 32, 64, 2, 4, 2, 8).withTokens(null, List.of(2L), 0L);

    @TempDir
    Path dir;

    /** Counting sequences "1 a a+1 a+2 ..." (mod 60, ids 3..62): learnable, with the first two tokens as the prompt. */
    static List<MaskedExample> counting(int n, long seed) {
        Random random = new Random(seed);
        List<MaskedExample> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = 6 + random.nextInt(6);
            int start = random.nextInt(60);
            long[] ids = new long[length];
            long[] labels = new long[length];
            ids[0] = 1;
            for (int t = 1; t < length; t++) {
                ids[t] = 3 + (start + t) % 60;
            }
            for (int t = 0; t < length; t++) {
                labels[t] = t < 2 ? MaskedExample.IGNORE : ids[t];
            }
            examples.add(new MaskedExample("c" + i, ids, labels, length - 2));
        }
        return examples;
    }

    static TrainConfig quick() {
        return TrainConfig.defaults().withEpochs(3).withLearningRate(3e-3).withBatchSize(3).withGradAccum(2)
                .withWarmupRatio(0.1).withWeightDecay(0.01).withSeed(11);
    }

    @Test
    void lossFallsOnLearnableData() {
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            TrainResult r = new Trainer(quick().withEpochs(6).withLearningRate(1e-2).withGradAccum(1)).train(model, counting(12, 1), dir);
            double first = r.epochs().get(0).loss();
            double last = r.epochs().get(r.epochs().size() - 1).loss();
            assertTrue(last < 0.6 * first, "epoch loss went from " + first + " to " + last);
            assertEquals(6 * 4, r.steps().size()); // 12 examples / batch 3 = 4 updates per epoch
            assertTrue(r.epochs().get(0).tokensPerSecond() > 0);
            assertTrue(Files.isRegularFile(dir.resolve("checkpoints/epoch-6/model.safetensors")));
            assertTrue(Files.isRegularFile(dir.resolve("checkpoints/epoch-6/config.json")));
        }
    }

    @Test
    void sameSeedSameDataSameBits() {
        String a = trainAndHash(dir.resolve("a"), quick());
        String b = trainAndHash(dir.resolve("b"), quick());
        assertEquals(a, b);
        String other = trainAndHash(dir.resolve("c"), quick().withSeed(12));
        assertNotEquals(a, other, "another seed shuffles differently, so the weights differ");
    }

    @Test
    void resumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws Exception {
        List<MaskedExample> data = counting(12, 2);
        Path straight = dir.resolve("straight");
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            new Trainer(quick()).train(model, data, straight);
        }
        Path interrupted = dir.resolve("interrupted");
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            TrainResult part = new Trainer(quick()).stopAfterEpochs(1).train(model, data, interrupted);
            assertEquals(1, part.epochs().size());
        }
        TrainResult resumed;
        try (CausalLM model = CausalLM.init(TINY, 99)) { // other starting weights: the checkpoint must replace them all
            resumed = new Trainer(quick()).resume(true).train(model, data, interrupted);
        }
        assertEquals(interrupted.resolve("checkpoints/epoch-1").toString(), resumed.resumedFrom());
        assertEquals(3, resumed.epochs().size());
        for (String file : List.of("model.safetensors", "optimizer.safetensors")) {
            assertEquals(Hashes.sha256(straight.resolve("checkpoints/epoch-3/" + file)),
                    Hashes.sha256(interrupted.resolve("checkpoints/epoch-3/" + file)), file);
        }
        TrainingCheckpoint.State a = TrainingCheckpoint.readState(straight.resolve("checkpoints/epoch-3"));
        assertEquals(a.steps().stream().map(TrainResult.Step::loss).toList(), resumed.steps().stream().map(TrainResult.Step::loss).toList());
    }

    @Test
    void resumingWithOtherSettingsOrDataIsRefused() {
        List<MaskedExample> data = counting(6, 3);
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            new Trainer(quick()).stopAfterEpochs(1).train(model, data, dir);
        }
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            assertThrows(dev.segattr.BadInputException.class,
                    () -> new Trainer(quick().withLearningRate(1e-3)).resume(true).train(model, data, dir));
            assertThrows(dev.segattr.BadInputException.class,
                    () -> new Trainer(quick()).resume(true).train(model, counting(6, 4), dir));
        }
    }

    @Test
    void resumeWithoutCheckpointStartsFresh() {
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            TrainResult r = new Trainer(quick().withEpochs(1)).resume(true).train(model, counting(6, 3), dir);
            assertNull(r.resumedFrom());
            assertEquals(1, r.epochs().size());
        }
    }

    @Test
    void keepsOnlyTheLatestCheckpointsWhenAsked() throws Exception {
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            new Trainer(quick().withKeepCheckpoints(1)).train(model, counting(6, 3), dir);
        }
        try (var files = Files.list(dir.resolve("checkpoints"))) {
            assertEquals(List.of("epoch-3"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void parametersStopCollectingGradientsAfterTraining() {
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            new Trainer(quick().withEpochs(1)).train(model, counting(3, 3), dir);
            assertTrue(model.parameters().values().stream().noneMatch(p -> p.hasGradient()));
        }
    }

    @Test
    void updatesPerEpochCountAShortLastGroup() {
        TrainConfig c = TrainConfig.defaults().withBatchSize(2).withGradAccum(3);
        assertEquals(2, c.updatesPerEpoch(7));   // 4 micro-batches -> groups of 3 and 1
        assertEquals(1, c.updatesPerEpoch(6));
        assertEquals(Arrays.asList(1L, 10L), Arrays.asList(c.withEpochs(1).schedule(2).total(), c.withEpochs(10).schedule(2).total()));
    }

    private String trainAndHash(Path out, TrainConfig config) {
        try (CausalLM model = CausalLM.init(TINY, 5)) {
            new Trainer(config).train(model, counting(12, 2), out);
        }
        return Hashes.sha256(out.resolve("checkpoints/epoch-3/model.safetensors"));
    }
}
