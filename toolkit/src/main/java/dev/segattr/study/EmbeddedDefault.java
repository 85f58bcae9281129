package dev.segattr.study;

import dev.segattr.experiment.AtomicFile;
import dev.segattr.experiment.RunRecord;
import dev.segattr.model.CausalLM;
import dev.segattr.model.CheckpointWriter;
import dev.segattr.model.ModelConfig;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TokenizerTrainer;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.synth.Synth;
import dev.segattr.synth.SynthConfig;
import dev.segattr.synth.SynthTrace;
import dev.segattr.viz.Charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Makes the embedded default in {@code data/}: the synthetic benchmark's train and test files, a tokenizer
 * trained on the benchmark, and a tiny Qwen3 model trained from scratch by segattr on a pretraining split
 * (full-CoT supervision) that shares no problem with the test split.
 *
 * <p>The tiny model plays two parts in the walkthrough, as the paper's models do: it is the attribution model
 * (it must already solve some problems, or its gradients say nothing), and it is the starting point of every
 * fine-tuning method compared. Everything is seeded; {@code segattr make-default --out data} remakes it.
 */
public final class EmbeddedDefault {

    /** What to make; {@link #standard()} is what data/ holds. */
    public record Settings(int pretrain, int train, int test, long seed, int vocabSize, int hidden, int intermediate,
                           int layers, int heads, int kvHeads, int epochs, double learningRate, int batchSize) {

        public static Settings standard() {
            return new Settings(1200, 240, 100, 20261127L, 1024, 128, 352, 4, 4, 2, 4, 2e-3, 8);
        }

        /** A much smaller run with the same steps, for tests. */
        public static Settings tiny() {
            return new Settings(24, 8, 8, 7L, 300, 32, 64, 2, 2, 1, 1, 2e-3, 4);
        }

        public Settings withEpochs(int e) {
            return new Settings(pretrain, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads, e, learningRate, batchSize);
        }
    }

    private EmbeddedDefault() {
    }

    /** The files the walkthrough reads, under a data folder. */
    public static Path trainFile(Path data) {
        return data.resolve("synth/train.jsonl");
    }

    public static Path testFile(Path data) {
        return data.resolve("synth/test.jsonl");
    }

    public static Path modelDir(Path data) {
        return data.resolve("model");
    }

    /** Makes {@code data}: synth files, tokenizer and trained model; intermediate files go to {@code work}. */
    public static RunRecord make(Settings s, Path data, Path work, Consumer<String> log) {
        long started = System.nanoTime();
        RunRecord record = RunRecord.start("make-default", s).seed("synth", s.seed()).seed("init", s.seed());
        int n = s.pretrain() + s.train() + s.test();
        List<SynthTrace> all = Synth.generate(SynthConfig.defaults().withN(n).withSeed(s.seed())
                .withTestFraction((double) s.test() / n));
        List<SynthTrace> trainSplit = all.stream().filter(t -> t.split().equals(SynthTrace.TRAIN)).toList();
        List<SynthTrace> pretrain = trainSplit.subList(0, s.pretrain());
        List<SynthTrace> train = trainSplit.subList(s.pretrain(), trainSplit.size());
        List<SynthTrace> test = all.stream().filter(t -> t.split().equals(SynthTrace.TEST)).toList();
        Synth.write(train, trainFile(data));
        Synth.write(test, testFile(data));
        Path pretrainFile = work.resolve("pretrain.jsonl");
        Synth.write(pretrain, pretrainFile);
        log.accept(String.format("benchmark: %d pretraining, %d train, %d test traces", pretrain.size(), train.size(), test.size()));

        Path init = work.resolve("init");
        List<String> texts = new ArrayList<>();
        for (SynthTrace t : trainSplit) {
            texts.add(t.question());
            texts.add(t.reasoning());
        }
        new TokenizerTrainer(s.vocabSize()).addAll(texts).save(init);
        ModelConfig config;
        try (Tokenizer tokenizer = Tokenizer.load(init)) {
            config = ModelConfig.of("qwen3", tokenizer.vocabSize(), s.hidden(), s.intermediate(), s.layers(), s.heads(),
                            s.kvHeads(), s.hidden() / s.heads())
                    .withTokens(null, List.of(tokenizer.eosId()), tokenizer.padId());
        }
        try (CausalLM model = CausalLM.init(config, s.seed())) {
            CheckpointWriter.save(model, init);
        }
        log.accept(String.format("tokenizer: %d tokens; model: qwen3, hidden %d, %d layers", config.vocabSize(), s.hidden(), s.layers()));

        Path trained = work.resolve("trained");
        TrainConfig train0 = TrainConfig.defaults().withEpochs(s.epochs()).withLearningRate(s.learningRate())
                .withBatchSize(s.batchSize()).withWeightDecay(0.01).withSeed(s.seed()).withMaxLength(1024).withKeepCheckpoints(1);
        FineTune.Outcome outcome = FineTune.run(FineTune.Options.of(init, pretrainFile, trained)
                .withMask(TrainingData.MaskMode.FULL).withTrain(train0).withResume(true), log);
        Charts.savePng(outcome.result().lossChart(), trained.resolve("loss.png"));
        Path model = modelDir(data);
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "loss.png")) {
            copy(trained.resolve(name), model.resolve(name));
        }
        outcome.record().write(model.resolve("training-record.json"));
        record.input("pretrain", pretrainFile).input("train", trainFile(data)).input("test", testFile(data)).input("model", model);
        record.metric("pretrain_final_loss", outcome.result().epochs().get(outcome.result().epochs().size() - 1).loss());
        record.timing("total", Duration.ofNanos(System.nanoTime() - started));
        record.finish().write(data.resolve("make-default-record.json"));
        return record;
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Path temp = Files.createTempFile(to.getParent(), "." + to.getFileName(), ".tmp");
            Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
            AtomicFile.moveIntoPlace(temp, to);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + from + " to " + to, e);
        }
    }
}
