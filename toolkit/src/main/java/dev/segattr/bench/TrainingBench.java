package dev.segattr.bench;

import dev.segattr.model.CausalLM;
import dev.segattr.sft.MaskedExample;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainResult;
import dev.segattr.sft.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fine-tuning throughput through {@link Trainer}: updates of {@code trainBatch} random examples of
 * {@code seqLen} tokens, every token supervised. The first update is a warm-up; the epoch's checkpoint goes to
 * a temporary folder that is deleted (its writing is not timed). The model's weights change: run it last.
 */
final class TrainingBench {

    private TrainingBench() {
    }

    static BenchReport.Training run(CausalLM model, BenchOptions o, double peakGflops) {
        int updates = o.trainSteps() + 1;
        List<MaskedExample> examples = new ArrayList<>();
        for (int i = 0; i < updates * o.trainBatch(); i++) {
            long[] ids = RandomIds.of(o.seqLen(), model.config().vocabSize(), o.seed() + 100 + i);
            examples.add(new MaskedExample("bench-" + i, ids, ids.clone(), ids.length));
        }
        TrainConfig config = TrainConfig.defaults().withEpochs(1).withBatchSize(o.trainBatch())
                .withMaxLength(o.seqLen()).withShuffle(false).withKeepCheckpoints(1);
        Path out = null;
        SectionProbe probe = SectionProbe.start();
        try {
            out = Files.createTempDirectory("segattr-bench-train");
            // CPU time between consecutive step reports: the update's own (the first one, with setup, is dropped)
            List<Long> cpuMarks = new ArrayList<>();
            cpuMarks.add(Repeats.processCpuNanos());
            TrainResult result = new Trainer(config).onStep(s -> cpuMarks.add(Repeats.processCpuNanos()))
                    .train(model, examples, out);
            BenchReport.SectionMemory memory = probe.stop();
            double[] seconds = result.steps().stream().skip(1).mapToDouble(TrainResult.Step::seconds).toArray();
            double[] cpu = new double[seconds.length];
            for (int i = 0; i < cpu.length; i++) {
                cpu[i] = (cpuMarks.get(i + 2) - cpuMarks.get(i + 1)) / 1e9;
            }
            double best = BenchReport.best(seconds);
            long tokens = (long) o.trainBatch() * o.seqLen();
            double flop = o.trainBatch() * new Flops(model.config()).trainingStep(o.seqLen());
            return new BenchReport.Training(o.seqLen(), o.trainBatch(), o.trainSteps(), seconds, cpu, tokens / best,
                    BenchReport.Work.of(flop, best, peakGflops), memory);
        } catch (IOException e) {
            throw new UncheckedIOException("bench: could not make a temporary folder: " + e.getMessage(), e);
        } finally {
            probe.close();
            deleteTree(out);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary folder left behind is not worth failing the figures for
        }
    }
}
