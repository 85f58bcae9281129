package dev.segattr.stage;

import dev.segattr.tokenizer.TraceLayout;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.AttributionStatus;
import dev.segattr.attribution.Baseline;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PathPoints;
import dev.segattr.attribution.PointScheme;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.attribution.TokenScores;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.experiment.OutputLock;
import dev.segattr.trace.AttributionFields;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Integrated gradients of each trace's answer log-probability over its tokens, grouped by segment. Adds
 * {@code token_attributions} (per segment, per token), {@code target_logprob}, {@code baseline_logprob},
 * {@code convergence_delta}, {@code seconds}, {@code attribution_status}, {@code attribution_reason},
 * {@code attribution_settings}, {@code segment_token_counts}, {@code sequence_tokens}, {@code answer_tokens},
 * {@code token_logprobs} and {@code token_entropies} (per segment), and {@code segments} when the record has none.
 *
 * <p>The file run is resumable: records go to OUT.partial as they are done; a rerun with the same settings skips
 * them, and OUT appears (atomically) when all are done.
 */
public final class AttributeStage {

    public static final String NAME = "attribute";

    /** Where the straight path starts. */
    public enum BaselineKind {
        /** The pad token's embedding (the reference's). */
        PAD,
        /** All zeros. */
        ZERO;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** From "pad" or "zero"; anything else: "--baseline must be pad or zero, got 'x'". */
        public static BaselineKind parse(String name) {
            for (BaselineKind b : values()) {
                if (b.label().equals(name)) {
                    return b;
                }
            }
            throw new BadInputException("--baseline must be pad or zero, got '" + name + "'");
        }

        @Override
        public String toString() {
            return label();
        }
    }

    /**
     * @param model          the checkpoint (float16 is refused: DJL 0.36 cannot differentiate through dtype casts)
     * @param steps          path points J
     * @param baseline       the path's start
     * @param points         where on the path and with which weights
     * @param batch          path points per forward+backward pass (memory grows with it, the result does not change), or
     *                       {@link IntegratedGradients#AUTO_BATCH}: chosen per trace from its length, the model and the
     *                       memory available ({@code --batch auto}, the default; the record's
     *                       {@code attribution_points_per_pass} says which K was used)
     * @param deltaTolerance status "large delta" when |delta| > X |F(x) - F(x')|
     */
    public record Options(ModelSource model, int steps, BaselineKind baseline, PointScheme points, int batch, double deltaTolerance) {

        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(baseline, "baseline");
            Objects.requireNonNull(points, "points");
        }

        /** The command line's defaults: 50 reference points, pad baseline, K chosen per trace, CPU, float32. */
        public static Options of(Path model) {
            return new Options(ModelSource.of(model), 50, BaselineKind.PAD, PointScheme.REFERENCE, IntegratedGradients.AUTO_BATCH,
                    IntegratedGradients.DEFAULT_DELTA_TOLERANCE);
        }

        public Options withModel(ModelSource m) {
            return new Options(m, steps, baseline, points, batch, deltaTolerance);
        }

        public Options withPoints(PointScheme scheme, int j) {
            return new Options(model, j, baseline, scheme, batch, deltaTolerance);
        }

        public Options withBaseline(BaselineKind b) {
            return new Options(model, steps, b, points, batch, deltaTolerance);
        }

        public Options withBatch(int k) {
            return new Options(model, steps, baseline, points, k, deltaTolerance);
        }

        public Options withDeltaTolerance(double x) {
            return new Options(model, steps, baseline, points, batch, x);
        }

        /** Refuses settings that cannot run, with the command line's one-line messages. */
        public void validate() {
            int least = points == PointScheme.TRAPEZOID || points == PointScheme.ADAPTIVE ? 2 : 1;
            if (steps < least) {
                throw new BadInputException("--steps must be at least " + least + ", got " + steps);
            }
            if (batch < 1 && batch != IntegratedGradients.AUTO_BATCH) {
                throw new BadInputException("--batch must be auto or at least 1, got " + batch);
            }
            if (!(deltaTolerance >= 0)) {
                throw new BadInputException("--delta-tolerance must be >= 0, got " + deltaTolerance);
            }
        }

        /** The integrated-gradients settings these options describe, for this tokenizer's pad token. */
        public IntegratedGradients.Options integratedGradients(Tokenizer tokenizer) {
            Baseline start = baseline == BaselineKind.PAD ? Baseline.pad(tokenizer.padId()) : Baseline.zero();
            return new IntegratedGradients.Options(PathPoints.of(points, steps), batch, start, deltaTolerance);
        }

        void validateDtype() {
            if (model.dtype() == Dtype.FLOAT16) {
                throw new BadInputException("--dtype float16: gradients cannot pass DJL 0.36's dtype"
                        + " casts (the decoder's float32 norms would cut them), so attribution runs in float32 only");
            }
        }
    }

    private AttributeStage() {
    }

    /** Attributes every trace of {@code in} into {@code out}, loading the options' model. */
    public static void run(Path in, Path out, Options options, StageListener listener) {
        options.validate();
        checkFiles(in, out, options);
        options.validateDtype();
        try (OutputLock lock = OutputLock.acquire(out); LoadedModel model = LoadedModel.load(options.model())) {
            write(in, out, options, model, listener);
        }
    }

    /** As {@link #run(Path, Path, Options, StageListener)} with a model already loaded (the options' model is not read). */
    public static void run(Path in, Path out, Options options, LoadedModel model, StageListener listener) {
        options.validate();
        checkFiles(in, out, options);
        try (OutputLock lock = OutputLock.acquire(out)) {
            write(in, out, options, model, listener);
        }
    }

    /** The file run, under the output's lock (a second run on {@code out} stops before the model loads). */
    private static void write(Path in, Path out, Options options, LoadedModel model, StageListener listener) {
        try (Attributor stage = open(options, model, listener)) {
            int total = JsonLines.count(in);
            try (PartialOutput output = PartialOutput.open(out, r -> r.path("id").asText())) {
                for (ObjectNode kept : output.keptRecords()) {
                    String was = kept.path(AttributionFields.ATTRIBUTION_SETTINGS).asText();
                    if (!was.equals(stage.settings)) {
                        throw new BadInputException(output.partialFile() + ": record " + kept.path("id").asText() + " was made with '"
                                + was + "', this run uses '" + stage.settings + "': rerun with the same options or remove the file");
                    }
                }
                if (output.doneCount() > 0) {
                    listener.on(new StageEvent.Resumed(NAME, output.doneCount(), output.partialFile(), output.droppedLines()));
                }
                listener.on(new StageEvent.Started(NAME, total, output.doneCount()));
                int done = output.doneCount();
                try (TraceReader reader = TraceReader.open(in)) {
                    for (Trace trace : reader) {
                        if (output.isDone(trace.id())) {
                            continue;
                        }
                        TraceRecord record = stage.attribute(trace).record();
                        output.append(trace.id(), record.json());
                        AttributionFields a = record.attribution().orElseThrow();
                        listener.on(new StageEvent.RecordDone(NAME, ++done, total, trace.id(), String.format(Locale.ROOT,
                                "(%s: %d tokens, %.1fs, %s)", trace.id(), a.sequenceTokens(), a.seconds(), a.attributionStatus())));
                    }
                }
                output.commit();
            }
        }
    }

    /** The per-record work over a loaded model (the options' model is not read). */
    public static RecordStage<TraceRecord, TraceRecord> open(Options options, LoadedModel model) {
        return open(options, model, StageListener.NONE);
    }

    /** As {@link #open(Options, LoadedModel)}, with warnings (an all-zero pad embedding, a long sequence) to a listener. */
    public static Attributor open(Options options, LoadedModel model, StageListener listener) {
        options.validate();
        options.validateDtype();
        return new Attributor(options.integratedGradients(model.tokenizer()), model, listener);
    }

    /** The per-record work with integrated-gradients settings made in code (a notebook's: custom path points, say). */
    public static Attributor open(IntegratedGradients.Options ig, LoadedModel model, StageListener listener) {
        return new Attributor(ig, model, listener);
    }

    /** One trace at a time, with the model and the integrated-gradients settings ready. */
    public static final class Attributor implements RecordStage<TraceRecord, TraceRecord> {

        private final Tokenizer tokenizer;
        private final EmbeddingModel em;
        private final IntegratedGradients ig;
        private final UnaryOperator<String> prompt;
        private final String settings;
        private final int maxPositions;
        private final StageListener listener;

        private Attributor(IntegratedGradients.Options options, LoadedModel model, StageListener listener) {
            this.tokenizer = model.tokenizer();
            this.em = model.embeddings();
            this.listener = listener;
            Baseline start = options.baseline();
            if ("pad".equals(start.describe()) && start.isZeroIn(em)) {
                listener.on(new StageEvent.Warning(NAME, model.dir() + ": the pad token's embedding (id "
                        + tokenizer.padId() + ") is all zeros (an untrained checkpoint?): RMSNorm divides by ~0 at the path's start,"
                        + " expect large convergence deltas"));
            }
            this.ig = new IntegratedGradients(em, options);
            this.settings = ig.settings();
            this.prompt = TraceLayout.promptOf(tokenizer);
            this.maxPositions = model.lm().config().maxPositionEmbeddings();
        }

        /** What {@code attribution_settings} says: "50 reference points, pad baseline, batch 1, float32". */
        public String settings() {
            return settings;
        }

        @Override
        public TraceRecord apply(TraceRecord record) {
            return record.withFields(attribute(record.trace()).record().json());
        }

        /** The trace's attributed record, and the attribution itself (what a notebook shows). */
        public Attributed attribute(Trace in) {
            Attributed done = AttributeStage.attribute(in, tokenizer, em, ig, prompt, settings);
            int tokens = done.target().length();
            if (tokens > maxPositions) {
                // Positions the model was never trained on: flagged, not refused (the reference cuts nothing).
                listener.on(new StageEvent.Warning(NAME, in.id() + " has " + tokens
                        + " tokens, more than the model's max_position_embeddings " + maxPositions
                        + " (attributed anyway; the record says exceeds_max_positions)"));
                return new Attributed(done.record().with(done.record().attribution().orElseThrow().exceedingMaxPositions()),
                        done.target(), done.result());
            }
            return done;
        }
    }

    /** The attribution of one trace, and the record the file run writes for it. */
    public record Attributed(TraceRecord record, AnswerTarget target, TokenAttribution result) {
    }

    /** The attributed copy of one trace's record. */
    static Attributed attribute(Trace trace, Tokenizer tok, EmbeddingModel em, IntegratedGradients ig,
                                UnaryOperator<String> prompt, String settings) {
        List<Segment> segments = segmentsOf(trace);
        AnswerTarget target = AnswerTarget.of(tok, prompt, trace, segments);
        TokenAttribution a = target.attribute(ig);
        TokenScores scores = TokenScores.compute(em, target.ids());
        ObjectNode record = trace.copyOfRecord();
        if (!record.has("id")) {
            record.put("id", trace.id()); // resuming needs a name for every record: its line number
        }
        if (!record.has(Trace.SEGMENTS)) {
            ArrayNode texts = record.putArray(Trace.SEGMENTS);
            segments.forEach(s -> texts.add(s.text()));
        }
        AttributionFields fields = new AttributionFields(
                a.status() == AttributionStatus.NON_FINITE ? null : AttributionFields.perSegment(target.perSegment(a.attributions())),
                AttributionFields.finite(a.targetLogprob()), AttributionFields.finite(a.baselineLogprob()),
                AttributionFields.finite(a.convergenceDelta()), Math.round(a.seconds() * 1000) / 1000.0,
                a.status().label(), a.reason().isEmpty() ? null : a.reason(), settings,
                a.pointsPerPass() > 0 ? a.pointsPerPass() : null, target.segmentTokenCounts(),
                target.length(), target.answerTo() - target.answerFrom(),
                AttributionFields.perSegment(target.perSegment(scores.logprobs())),
                AttributionFields.perSegment(target.perSegment(scores.entropies())), null);
        return new Attributed(TraceRecord.of(record).with(fields), target, a);
    }

    /** The segments attribution uses (the record's, else the reference split); segments that do not tile the reasoning are refused. */
    public static List<Segment> segmentsOf(Trace trace) {
        try {
            return trace.segments();
        } catch (IllegalArgumentException e) {
            throw new BadInputException("record " + trace.id() + ": field 'segments': " + e.getMessage());
        }
    }

    /** Per-segment lists of float32 values (null for a value that is not finite). */
    public static ArrayNode perSegment(AnswerTarget target, double[] perToken) {
        ArrayNode outer = JsonLines.MAPPER.createArrayNode();
        for (double[] seg : target.perSegment(perToken)) {
            ArrayNode inner = outer.addArray();
            for (double v : seg) {
                if (Double.isFinite(v)) {
                    inner.add((float) v);
                } else {
                    inner.addNull();
                }
            }
        }
        return outer;
    }

    private static void checkFiles(Path in, Path out, Options options) {
        if (!Files.isRegularFile(in)) {
            throw new BadInputException(in + ": no such file");
        }
        options.model().requireFolder();
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException("--out must not be the input file");
        }
    }
}
