package dev.segattr.study;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.experiment.RunRecord;
import dev.segattr.model.CausalLM;
import dev.segattr.model.CheckpointWriter;
import dev.segattr.model.ModelConfig;
import dev.segattr.sft.ChatFormat;
import dev.segattr.sft.Evaluator;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.synth.ProblemKind;
import dev.segattr.synth.Style;
import dev.segattr.synth.Synth;
import dev.segattr.synth.SynthConfig;
import dev.segattr.synth.SynthTrace;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TokenizerTrainer;
import dev.segattr.trace.JsonLines;
import dev.segattr.viz.Charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes the embedded default in {@code data/}: the paper's setting in miniature.
 * <ul>
 *   <li>The benchmark's problems, all distinct, in three disjoint parts: a pretraining corpus, the fine-tuning set
 *       ({@code synth/train.jsonl}) and the held-out test set ({@code synth/test.jsonl}).</li>
 *   <li>The starting model, "the instruct model": a tiny Qwen3 trained from scratch by segattr in two phases on the
 *       pretraining problems. Phase 1: every problem in the {@link Style#CONCISE concise} style (the essential steps
 *       only). Phase 2: the same problems once more, a share of them in the {@link Style#VERBOSE verbose} style under
 *       the question prefix {@link #AT_LENGTH}, the rest concise. It solves a good share of the held-out problems
 *       and writes short traces when asked plainly; asked at length it rambles, and is worse for it (both are in
 *       the record). So it has read long chains of thought without writing them by default, as an instruct model
 *       has, and fine-tuning on verbose traces changes its style rather than teaching it new words.</li>
 *   <li>The fine-tuning traces, "distilled from a reasoning model": other problems written in the
 *       {@link Style#VERBOSE verbose} style, with checks, fixes, restatements and explorations cut short between the
 *       essential steps, each segment's ground-truth role recorded.</li>
 * </ul>
 * The tokenizer (byte-level BPE, every digit a token of its own) is trained on the questions and traces of the
 * pretraining (concise) and fine-tuning sets, not on the test set.
 *
 * <p>The starting model is the attribution model of the walkthrough and the starting point of every fine-tuning
 * method compared. Everything is seeded and runs in one process; {@code segattr make-default --out data} remakes
 * it byte for byte on the same machine, and the record ({@code make-default-record.json}) holds the settings,
 * seeds, inputs' hashes, timings and the starting model's held-out accuracy and output length.
 */
public final class EmbeddedDefault {

    /**
     * What to make; {@link #standard()} is what data/ holds.
     *
     * @param pretrain     concise pretraining traces (not kept in data/)
     * @param train        verbose fine-tuning traces (synth/train.jsonl)
     * @param test         held-out problems (synth/test.jsonl)
     * @param evaluate     how many test problems the record's accuracy is measured on (0: all)
     * @param maxNewTokens the generation limit of that evaluation
     * @param atLengthShare     phase 2: the share of pretraining problems written verbosely, their question
     *                          prefixed with {@link #AT_LENGTH}; the others are written concisely again
     * @param mixedEpochs       phase 2's epochs over that mixed corpus (0: no phase 2)
     * @param mixedLearningRate phase 2's peak learning rate
     */
    public record Settings(int pretrain, int train, int test, long seed, int vocabSize, int hidden, int intermediate,
                           int layers, int heads, int kvHeads, int epochs, double learningRate, int batchSize,
                           int evaluate, int maxNewTokens, double atLengthShare, int mixedEpochs,
                           double mixedLearningRate) {

        public static Settings standard() {
            return new Settings(13000, 300, 640, 20261201L, 1024, 128, 352, 4, 4, 2, 1, 3e-3, 16, 320, 256,
                    0.4, 1, 1e-3);
        }

        /** A much smaller run with the same steps, for tests. */
        public static Settings tiny() {
            return new Settings(24, 8, 8, 7L, 300, 32, 64, 2, 2, 1, 1, 2e-3, 4, 4, 48, 0.5, 1, 1e-3);
        }

        public Settings withEpochs(int e) {
            return new Settings(pretrain, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads, e,
                    learningRate, batchSize, evaluate, maxNewTokens, atLengthShare, mixedEpochs, mixedLearningRate);
        }

        public Settings withPretrain(int p) {
            return new Settings(p, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads, epochs,
                    learningRate, batchSize, evaluate, maxNewTokens, atLengthShare, mixedEpochs, mixedLearningRate);
        }

        public Settings withModel(int hidden, int intermediate, int layers, int heads, int kvHeads) {
            return new Settings(pretrain, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads, epochs,
                    learningRate, batchSize, evaluate, maxNewTokens, atLengthShare, mixedEpochs, mixedLearningRate);
        }

        public Settings withLearningRate(double lr) {
            return new Settings(pretrain, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads, epochs,
                    lr, batchSize, evaluate, maxNewTokens, atLengthShare, mixedEpochs, mixedLearningRate);
        }

        public Settings withBatchSize(int b) {
            return new Settings(pretrain, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads, epochs,
                    learningRate, b, evaluate, maxNewTokens, atLengthShare, mixedEpochs, mixedLearningRate);
        }

        public Settings withEvaluate(int n) {
            return new Settings(pretrain, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads, epochs,
                    learningRate, batchSize, n, maxNewTokens, atLengthShare, mixedEpochs, mixedLearningRate);
        }

        /** Phase 2: the share of pretraining problems written at length, its epochs (0: no phase 2) and lr. */
        public Settings withMixed(double share, int epochs, double lr) {
            return new Settings(pretrain, train, test, seed, vocabSize, hidden, intermediate, layers, heads, kvHeads,
                    this.epochs, learningRate, batchSize, evaluate, maxNewTokens, share, epochs, lr);
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

    /**
     * The kinds of the embedded default: all but {@link ProblemKind#SHARING}, whose divisions a model of this size
     * did not learn in make-default's budget (0 of 25 held out right, where it solved 21% of the others).
     */
    public static final Set<ProblemKind> KINDS =
            EnumSet.of(ProblemKind.SHOPPING, ProblemKind.AGES, ProblemKind.RATES, ProblemKind.SAVINGS);

    /** The benchmark's settings for a make-default run: {@link #KINDS}, the generator's verbose defaults. */
    public static SynthConfig synthConfig(Settings s) {
        int n = s.pretrain() + s.train() + s.test();
        return SynthConfig.defaults().withN(n).withSeed(s.seed()).withTestFraction((double) s.test() / n).withKinds(KINDS);
    }

    /**
     * What phase 2 puts before the question of a verbose pretraining trace. The starting model learns to reason at
     * length when asked to, in the words of the distilled traces, and concisely when not: as an instruct model
     * has read long chains of thought without writing them by default. Fine-tuning on verbose traces under the
     * plain question is then a change of style, not of vocabulary.
     */
    public static final String AT_LENGTH = "Think it over at length, checking as you go. ";

    /** Makes {@code data}: synth files, tokenizer and trained model; intermediate files go to {@code work}. */
    public static RunRecord make(Settings s, Path data, Path work, Consumer<String> log) {
        return make(s, data, work, null, log);
    }

    /**
     * {@link #make(Settings, Path, Path, Consumer)}, with phase 1's model taken from {@code conciseModel} when it is
     * not null (a model phase 1 made with the same settings: its files' hashes go into the record).
     */
    public static RunRecord make(Settings s, Path data, Path work, Path conciseModel, Consumer<String> log) {
        long started = System.nanoTime();
        RunRecord record = RunRecord.start("make-default", s).seed("synth", s.seed()).seed("init", s.seed())
                .seed("train", s.seed());
        // One draw of problems, written twice: the same ids and problems in both styles.
        SynthConfig synth = synthConfig(s);
        List<SynthTrace> verbose = Synth.generate(synth);
        List<SynthTrace> concise = Synth.generate(synth.withStyle(Style.CONCISE));
        List<SynthTrace> pretrain = new ArrayList<>(), pretrainVerbose = new ArrayList<>(), train = new ArrayList<>(),
                test = new ArrayList<>();
        for (int i = 0; i < verbose.size(); i++) {
            SynthTrace v = verbose.get(i);
            if (!v.problem().key().equals(concise.get(i).problem().key())) {
                throw new IllegalStateException("the concise and verbose draws differ at " + v.id());
            }
            if (v.split().equals(SynthTrace.TEST)) {
                test.add(v);
            } else if (pretrain.size() < s.pretrain()) {
                pretrain.add(concise.get(i));
                pretrainVerbose.add(v);
            } else {
                train.add(v);
            }
        }
        Synth.write(train, trainFile(data));
        Synth.write(test, testFile(data));
        Path pretrainFile = work.resolve("pretrain.jsonl");
        Synth.write(pretrain, pretrainFile);
        Path mixedFile = work.resolve("pretrain-mixed.jsonl");
        int atLength = writeMixed(pretrain, pretrainVerbose, s, mixedFile);
        log.accept(String.format("benchmark: %d pretraining (concise; phase 2: %d of them at length), %d fine-tuning (verbose), %d test problems",
                pretrain.size(), atLength, train.size(), test.size()));
        long generated = System.nanoTime();

        Path init = work.resolve("init");
        ModelConfig config;
        long parameters;
        long initialised;
        Path trained = work.resolve("trained");
        FineTune.Outcome outcome = null;
        if (conciseModel == null) {
            List<String> texts = new ArrayList<>();
            for (List<SynthTrace> part : List.of(pretrain, train)) {
                for (SynthTrace t : part) {
                    texts.add(t.question());
                    texts.add(t.reasoning());
                }
            }
            new TokenizerTrainer(s.vocabSize()).addAll(texts).save(init);
            try (Tokenizer tokenizer = Tokenizer.load(init)) {
                config = ModelConfig.of("qwen3", tokenizer.vocabSize(), s.hidden(), s.intermediate(), s.layers(), s.heads(),
                                s.kvHeads(), s.hidden() / s.heads())
                        .withTokens(null, List.of(tokenizer.eosId()), tokenizer.padId());
            }
            try (CausalLM model = CausalLM.init(config, s.seed())) {
                CheckpointWriter.save(model, init);
                parameters = model.parameterCount();
            }
            log.accept(String.format("tokenizer: %d tokens; model: qwen3, hidden %d, %d layers, %,d parameters",
                    config.vocabSize(), s.hidden(), s.layers(), parameters));
            initialised = System.nanoTime();
            // Phase 1: the concise style only, from scratch.
            outcome = pretrain(init, pretrainFile, trained, pretraining(s, s.epochs(), s.learningRate()), log);
        } else {
            trained = conciseModel;
            try (CausalLM model = CausalLM.load(conciseModel, CausalLM.device("cpu"), DataType.FLOAT32)) {
                parameters = model.parameterCount();
            }
            record.input("concise_model", conciseModel);
            record.note("phase 1 not run: its model came from " + conciseModel + " (see its training-record.json)");
            log.accept("phase 1: the concise model in " + conciseModel);
            initialised = System.nanoTime();
        }
        long pretrained = System.nanoTime();

        // Phase 2: the same problems again, a share of them written at length under AT_LENGTH.
        Path finished = trained;
        FineTune.Outcome mixed = null;
        if (s.mixedEpochs() > 0) {
            finished = work.resolve("mixed");
            mixed = pretrain(trained, mixedFile, finished, pretraining(s, s.mixedEpochs(), s.mixedLearningRate()), log);
        }
        long mixedDone = System.nanoTime();
        Path model = modelDir(data);
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "loss.png")) {
            copy(finished.resolve(name), model.resolve(name));
        }
        (mixed != null ? mixed : outcome).record().write(model.resolve("training-record.json"));

        List<Evaluator.Item> items = test.stream().map(t -> new Evaluator.Item(t.id(), t.question(), t.answer())).toList();
        if (s.evaluate() > 0 && s.evaluate() < items.size()) {
            items = items.subList(0, s.evaluate());
        }
        Evaluator.Result base = evaluate(model, items, s.maxNewTokens());
        Evaluator.writePredictions(work.resolve("base-predictions.jsonl"), base);
        log.accept(String.format("starting model on %d held-out problems: accuracy %.3f, %.1f output tokens on average, %d hit the limit of %d",
                base.questions(), base.accuracy(), base.meanOutputTokens(), base.hitLimit(), s.maxNewTokens()));
        List<Evaluator.Item> asked = items.stream()
                .map(i -> new Evaluator.Item(i.id(), AT_LENGTH + i.question(), i.answer())).toList();
        Evaluator.Result atLengthResult = evaluate(model, asked, 2 * s.maxNewTokens());
        Evaluator.writePredictions(work.resolve("base-at-length-predictions.jsonl"), atLengthResult);
        log.accept(String.format("asked to think at length: accuracy %.3f, %.1f output tokens on average",
                atLengthResult.accuracy(), atLengthResult.meanOutputTokens()));

        record.input("pretrain", pretrainFile).input("pretrain_mixed", mixedFile).input("train", trainFile(data))
                .input("test", testFile(data)).input("model", model);
        record.metric("parameters", parameters);
        if (outcome != null) {
            record.metric("pretrain_final_loss", outcome.result().finalLoss());
            record.metric("pretrain_tokens_per_epoch", outcome.data().tokens());
        }
        if (mixed != null) {
            record.metric("mixed_final_loss", mixed.result().finalLoss());
            record.metric("mixed_tokens_per_epoch", mixed.data().tokens());
            record.metric("mixed_at_length_traces", atLength);
        }
        Map<String, Object> evaluation = new LinkedHashMap<>(base.metrics());
        evaluation.put("max_new_tokens", s.maxNewTokens());
        record.metric("base_model_test", evaluation);
        Map<String, Object> lengthy = new LinkedHashMap<>(atLengthResult.metrics());
        lengthy.put("max_new_tokens", 2 * s.maxNewTokens());
        record.metric("base_model_test_at_length", lengthy);
        record.timing("benchmark", Duration.ofNanos(generated - started));
        record.timing("tokenizer_and_init", Duration.ofNanos(initialised - generated));
        record.timing("pretraining", Duration.ofNanos(pretrained - initialised));
        record.timing("pretraining_mixed", Duration.ofNanos(mixedDone - pretrained));
        record.timing("evaluation", Duration.ofSeconds((long) (base.seconds() + atLengthResult.seconds())));
        record.timing("total", Duration.ofNanos(System.nanoTime() - started));
        record.finish().write(data.resolve("make-default-record.json"));
        return record;
    }

    /** Every token of {@code corpus} supervised, from {@code from} into {@code out} (resumable), its loss chart beside it. */
    private static FineTune.Outcome pretrain(Path from, Path corpus, Path out, TrainConfig config, Consumer<String> log) {
        FineTune.Outcome outcome = FineTune.run(FineTune.Options.of(from, corpus, out)
                .withMask(TrainingData.MaskMode.FULL).withTrain(config).withResume(true), log);
        Charts.savePng(outcome.result().lossChart(), out.resolve("loss.png"));
        return outcome;
    }

    private static TrainConfig pretraining(Settings s, int epochs, double lr) {
        return TrainConfig.defaults().withEpochs(epochs).withLearningRate(lr).withBatchSize(s.batchSize())
                .withWeightDecay(0.01).withSeed(s.seed()).withMaxLength(1024).withKeepCheckpoints(1);
    }

    /**
     * Phase 2's corpus: every pretraining problem once, a seeded {@code atLengthShare} of them in the verbose style
     * with {@link #AT_LENGTH} before the question, the rest concise. Returns how many are at length.
     */
    private static int writeMixed(List<SynthTrace> concise, List<SynthTrace> verbose, Settings s, Path file) {
        Random draw = new Random(s.seed() ^ 0x5eed_a71e_4e47L);
        List<ObjectNode> rows = new ArrayList<>();
        int atLength = 0;
        for (int i = 0; i < concise.size(); i++) {
            if (draw.nextDouble() < s.atLengthShare()) {
                ObjectNode r = verbose.get(i).toJson();
                r.put("question", AT_LENGTH + verbose.get(i).question());
                rows.add(r);
                atLength++;
            } else {
                rows.add(concise.get(i).toJson());
            }
        }
        JsonLines.write(file, rows.stream());
        return atLength;
    }

    /** Greedy decoding of the held-out questions with the reference prompt, as the study evaluates. */
    private static Evaluator.Result evaluate(Path model, List<Evaluator.Item> items, int maxNewTokens) {
        try (CausalLM lm = CausalLM.load(model, CausalLM.device("cpu"), DataType.FLOAT32);
             Tokenizer tokenizer = Tokenizer.load(model)) {
            return new Evaluator(lm, tokenizer, ChatFormat.reference(tokenizer))
                    .evaluate(items, Evaluator.Settings.greedy(maxNewTokens).withBatchSize(32));
        }
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
