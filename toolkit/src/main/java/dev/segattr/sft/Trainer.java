package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.segattr.BadInputException;
import dev.segattr.Seeds;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ThreadGradients;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Full-parameter fine-tuning of a {@link CausalLM} on masked examples (METHOD.md section 5), the way
 * transformers' Trainer does it: micro-batches right-padded, gradients accumulated over {@code gradAccum}
 * micro-batches, loss = mean cross-entropy over all supervised tokens of the update, clipping by global norm,
 * {@link AdamW}, linear warmup then cosine decay, one step of the schedule per update.
 *
 * <pre>{@code
 * TrainResult r = new Trainer(TrainConfig.defaults().withEpochs(2)).train(model, examples, out);
 * }</pre>
 *
 * <p>Determinism: the data order of epoch e comes from the seed and e alone; on the CPU the same seed and data
 * give the same weights bit for bit. After every epoch a checkpoint (weights in the Hugging Face layout,
 * optimizer moments, the run's state) goes to {@code out/checkpoints/epoch-N}, written whole or not at all;
 * {@link #resume} continues from the latest one and ends with the weights an uninterrupted run ends with.
 *
 * <p>Gradients: DJL 0.36's GradientCollector neither zeroes gradients nor lets an optimizer do it for us, so
 * they accumulate across micro-batches by themselves and are set to zero here after each update.
 */
public final class Trainer {

    private final TrainConfig config;
    private boolean resume;
    private Path copyFrom;
    private Consumer<TrainResult.Step> onStep = s -> { };
    private Consumer<TrainResult.Epoch> onEpoch = e -> { };
    private int stopAfterEpochs = Integer.MAX_VALUE;

    public Trainer(TrainConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    /** Continue from the latest checkpoint in the output folder, if there is one. */
    public Trainer resume(boolean resume) {
        this.resume = resume;
        return this;
    }

    /** Copy the tokenizer and other non-weight files of this model folder into every checkpoint. */
    public Trainer copyingFilesFrom(Path modelDir) {
        this.copyFrom = modelDir;
        return this;
    }

    /** Called after every update (progress bars, logs). */
    public Trainer onStep(Consumer<TrainResult.Step> listener) {
        this.onStep = Objects.requireNonNull(listener);
        return this;
    }

    public Trainer onEpoch(Consumer<TrainResult.Epoch> listener) {
        this.onEpoch = Objects.requireNonNull(listener);
        return this;
    }

    /**
     * Stop (as if interrupted) after this many epochs of the run in total, with their checkpoints written; the
     * schedule stays the one of the whole run. What a crash does, on purpose: for tests and for running a long
     * schedule in parts.
     */
    public Trainer stopAfterEpochs(int epochs) {
        this.stopAfterEpochs = epochs;
        return this;
    }

    public TrainConfig config() {
        return config;
    }

    /**
     * Trains {@code model} in place on {@code examples} (already masked and at most {@code maxLength} long; see
     * {@link TrainingData}) and writes a checkpoint per epoch under {@code out/checkpoints}.
     */
    public TrainResult train(CausalLM model, List<MaskedExample> examples, Path out) {
        if (examples.isEmpty()) {
            throw new BadInputException("no training examples (every trace was skipped, or the input is empty)");
        }
        for (MaskedExample e : examples) {
            if (e.length() > config.maxLength()) {
                throw new IllegalArgumentException("example " + e.id() + " has " + e.length() + " tokens, more than max length " + config.maxLength());
            }
            if (e.supervisedTokens() == 0) {
                // Its loss would be 0/0 (the reference's NaN); TrainingData leaves such traces out and says so.
                throw new IllegalArgumentException("example " + e.id() + " has no supervised token");
            }
        }
        long padId = padId(model);
        String dataHash = TrainingData.hash(examples);
        LearningRateSchedule schedule = config.schedule(examples.size());
        Path checkpoints = out.resolve("checkpoints");
        Map<String, NDArray> parameters = model.parameters();
        parameters.values().forEach(p -> p.setRequiresGradient(true));
        try (AdamW adam = new AdamW(parameters, config.adamW())) {
            List<TrainResult.Step> steps = new ArrayList<>();
            List<TrainResult.Epoch> epochs = new ArrayList<>();
            int startEpoch = 0;
            String resumedFrom = null;
            if (resume) {
                var latest = TrainingCheckpoint.latest(checkpoints);
                if (latest.isPresent()) {
                    TrainingCheckpoint.State state = TrainingCheckpoint.restore(latest.get(), model, adam, config, dataHash);
                    steps.addAll(state.steps());
                    epochs.addAll(state.epochs());
                    startEpoch = state.epochsDone();
                    resumedFrom = latest.get().toString();
                }
            }
            String last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1).checkpoint();
            for (int epoch = startEpoch; epoch < Math.min(config.epochs(), stopAfterEpochs); epoch++) {
                List<TrainResult.Step> epochSteps = runEpoch(model, adam, examples, epoch, padId, schedule, steps.size());
                steps.addAll(epochSteps);
                Path dir = checkpoints.resolve("epoch-" + (epoch + 1));
                TrainResult.Epoch summary = summarise(epoch + 1, epochSteps, out.relativize(dir).toString());
                epochs.add(summary);
                TrainingCheckpoint.write(dir, model, adam, new TrainingCheckpoint.State(epoch + 1, config, dataHash, steps, epochs), copyFrom);
                TrainingCheckpoint.prune(checkpoints, config.keepCheckpoints());
                last = summary.checkpoint();
                onEpoch.accept(summary);
            }
            return new TrainResult(List.copyOf(steps), List.copyOf(epochs), last, resumedFrom);
        } finally {
            parameters.values().forEach(p -> p.setRequiresGradient(false));
        }
    }

    /** The updates of one epoch; {@code before} updates came before it in the run. */
    private List<TrainResult.Step> runEpoch(CausalLM model, AdamW adam, List<MaskedExample> examples, int epoch, long padId,
                                            LearningRateSchedule schedule, long before) {
        List<Integer> order = order(examples.size(), epoch);
        List<List<MaskedExample>> microBatches = new ArrayList<>();
        for (int i = 0; i < order.size(); i += config.batchSize()) {
            List<MaskedExample> mb = new ArrayList<>();
            for (int j = i; j < Math.min(order.size(), i + config.batchSize()); j++) {
                mb.add(examples.get(order.get(j)));
            }
            microBatches.add(mb);
        }
        List<TrainResult.Step> steps = new ArrayList<>();
        for (int i = 0; i < microBatches.size(); i += config.gradAccum()) {
            List<List<MaskedExample>> group = microBatches.subList(i, Math.min(microBatches.size(), i + config.gradAccum()));
            long step = before + steps.size();
            TrainResult.Step s = update(model, adam, group, padId, schedule.at(step), step + 1, epoch + 1);
            steps.add(s);
            onStep.accept(s);
        }
        return steps;
    }

    /** One update from a group of micro-batches. */
    private TrainResult.Step update(CausalLM model, AdamW adam, List<List<MaskedExample>> group, long padId, double lr,
                                    long stepNumber, int epochNumber) {
        long started = System.nanoTime();
        int supervised = group.stream().flatMap(List::stream).mapToInt(MaskedExample::supervisedTokens).sum();
        long tokens = group.stream().flatMap(List::stream).mapToLong(MaskedExample::length).sum();
        double loss = 0;
        for (List<MaskedExample> mb : group) {
            try (NDManager scope = model.manager().newSubManager();
                 Batch batch = Batch.of(scope, mb, padId)) {
                if (batch.supervised() == 0) {
                    continue; // nothing to learn here; its parameters' gradient contribution is zero
                }
                try (GradientCollector collector = new ThreadGradients()) {
                    // Divided by the update's supervised count, so that the accumulated gradient is the gradient
                    // of the mean over the whole update (transformers' num_items_in_batch).
                    NDArray part = CrossEntropy.sum(model, batch.inputIds(), batch.attentionMask(), batch.labels())
                            .div(supervised);
                    collector.backward(part);
                    loss += part.getFloat();
                }
            }
        }
        float norm;
        try (NDManager scope = model.manager().newSubManager()) {
            Map<String, NDArray> gradients = gradients(model.parameters(), scope);
            norm = config.maxGradNorm() > 0 ? GradientClipping.clip(gradients.values(), config.maxGradNorm())
                    : GradientClipping.globalNorm(gradients.values());
            if (!Float.isFinite(norm)) {
                throw new IllegalStateException("gradient norm is " + norm + " at update " + stepNumber
                        + ": training diverged (lower the learning rate?)");
            }
            adam.step(gradients, lr);
            for (NDArray g : gradients.values()) {
                g.set(new NDIndex("..."), 0f); // in place: the parameter's own gradient buffer
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainResult.Step(stepNumber, epochNumber, lr, loss, norm, tokens, supervised, seconds);
    }

    /** Each parameter's gradient (handles in {@code scope}; the buffers stay the parameters'). */
    private static Map<String, NDArray> gradients(Map<String, NDArray> parameters, NDManager scope) {
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(scope);
            gradients.put(e.getKey(), g);
        }
        return gradients;
    }

    /** The example order of an epoch: from the seed and the epoch alone, so a resumed run sees the same order. */
    List<Integer> order(int n, int epoch) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        if (config.shuffle()) {
            Collections.shuffle(order, new Random(Seeds.stream(config.seed(), epoch)));
        }
        return order;
    }

    private static TrainResult.Epoch summarise(int epoch, List<TrainResult.Step> steps, String checkpoint) {
        long tokens = steps.stream().mapToLong(TrainResult.Step::tokens).sum();
        long supervised = steps.stream().mapToLong(TrainResult.Step::supervised).sum();
        double seconds = steps.stream().mapToDouble(TrainResult.Step::seconds).sum();
        double weighted = steps.stream().mapToDouble(s -> s.loss() * s.supervised()).sum();
        return new TrainResult.Epoch(epoch, supervised == 0 ? Double.NaN : weighted / supervised, steps.size(), tokens, supervised,
                seconds, seconds > 0 ? tokens / seconds : Double.NaN, tokens == 0 ? 0 : (double) supervised / tokens, checkpoint);
    }

    private static long padId(CausalLM model) {
        Long pad = model.config().padTokenId();
        return pad == null ? 0 : pad;
    }
}
