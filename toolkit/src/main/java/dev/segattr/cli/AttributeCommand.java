package dev.segattr.cli;

import ai.djl.ndarray.types.DataType;
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
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

@Command(name = "attribute", mixinStandardHelpOptions = true,
        description = {"Integrated gradients of each trace's answer log-probability over its tokens, grouped by segment.",
                "Adds token_attributions (per segment, per token), target_logprob, baseline_logprob, convergence_delta, "
                        + "seconds, attribution_status (ok, large delta, empty answer, zero attribution, non-finite), "
                        + "attribution_reason, attribution_settings, segment_token_counts, token_logprobs and token_entropies "
                        + "(per segment), and segments when the record has none (reference segmenter).",
                "A sequence longer than the model's max_position_embeddings is attributed anyway, as the reference does "
                        + "(nothing is cut), with a warning and exceeds_max_positions: true in its record.",
                "Resumable: records go to OUT.partial as they are done; a rerun with the same options skips them, and "
                        + "OUT appears (atomically) when all are done. Records already in OUT are skipped too."})
final class AttributeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer.json)")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "tokenizer folder, if not the model's")
    Path tokenizer;

    @Option(names = "--in", required = true, paramLabel = "F", description = "traces, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "G", description = "where to write the attributed traces")
    Path out;

    @Option(names = "--steps", paramLabel = "J", description = "path points (default: ${DEFAULT-VALUE})")
    int steps = 50;

    @Option(names = "--baseline", paramLabel = "pad|zero", description = "path start: the pad token's embedding or zeros (default: ${DEFAULT-VALUE})")
    String baseline = "pad";

    @Option(names = "--points", paramLabel = "SCHEME",
            description = "reference (linspace, both ends, averaged), trapezoid or gauss-legendre (default: ${DEFAULT-VALUE})")
    String points = "reference";

    @Option(names = "--batch", paramLabel = "K", description = "path points per forward+backward pass; memory grows with K x tokens (default: ${DEFAULT-VALUE})")
    int batch = 1;

    @Option(names = "--device", paramLabel = "cpu|gpu", description = "(default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Option(names = "--dtype", paramLabel = "float32|float16",
            description = "model weights and activations (default: ${DEFAULT-VALUE}); float16 is refused: DJL 0.36 cannot differentiate through dtype casts")
    String dtype = "float32";

    @Option(names = "--delta-tolerance", paramLabel = "X",
            description = "status 'large delta' when |delta| > X |F(x) - F(x')| (default: ${DEFAULT-VALUE})")
    double deltaTolerance = IntegratedGradients.DEFAULT_DELTA_TOLERANCE;

    @Override
    public Integer call() {
        PointScheme scheme = parseScheme();
        checkOptions();
        try (CausalLM lm = CausalLM.load(model, CausalLM.device(device), dataType());
             Tokenizer tok = Tokenizer.load(tokenizer == null ? model : tokenizer)) {
            tok.checkFits(lm.config().vocabSize());
            EmbeddingModel em = EmbeddingModel.of(lm);
            Baseline start = baseline.equals("pad") ? Baseline.pad(tok.padId()) : Baseline.zero();
            if (baseline.equals("pad") && start.isZeroIn(em)) {
                spec.commandLine().getErr().println("segattr attribute: warning: " + model + ": the pad token's embedding (id "
                        + tok.padId() + ") is all zeros (an untrained checkpoint?): RMSNorm divides by ~0 at the path's start,"
                        + " expect large convergence deltas");
            }
            var ig = new IntegratedGradients(em, new IntegratedGradients.Options(PathPoints.of(scheme, steps), batch, start, deltaTolerance));
            run(tok, em, ig, lm.config().maxPositionEmbeddings());
        }
        return 0;
    }

    private void run(Tokenizer tok, EmbeddingModel em, IntegratedGradients ig, int maxPositions) {
        String settings = ig.settings();
        UnaryOperator<String> prompt = TraceLayout.promptOf(tok);
        int total = countRecords(in);
        try (PartialOutput output = PartialOutput.open(out, r -> r.path("id").asText())) {
            for (ObjectNode kept : output.keptRecords()) {
                String was = kept.path("attribution_settings").asText();
                if (!was.equals(settings)) {
                    throw new BadInputException(output.partialFile() + ": record " + kept.path("id").asText() + " was made with '"
                            + was + "', this run uses '" + settings + "': rerun with the same options or remove the file");
                }
            }
            java.io.PrintWriter err = spec.commandLine().getErr();
            if (output.doneCount() > 0) {
                err.println("segattr attribute: resuming, " + output.doneCount() + " traces already in "
                        + output.partialFile().getFileName() + (output.droppedLines() > 0 ? " (" + output.droppedLines() + " torn line dropped)" : ""));
            }
            ProgressLine progress = new ProgressLine(err, "attribute", total, output.doneCount());
            try (TraceReader reader = TraceReader.open(in)) {
                for (Trace trace : reader) {
                    if (output.isDone(trace.id())) {
                        continue;
                    }
                    ObjectNode record = attribute(trace, tok, em, ig, prompt, settings);
                    if (record.path("sequence_tokens").asInt() > maxPositions) {
                        // Positions the model was never trained on: flagged, not refused (the reference cuts nothing).
                        record.put("exceeds_max_positions", true);
                        err.println("segattr attribute: warning: " + trace.id() + " has " + record.path("sequence_tokens").asInt()
                                + " tokens, more than the model's max_position_embeddings " + maxPositions
                                + " (attributed anyway; the record says exceeds_max_positions)");
                    }
                    output.append(trace.id(), record);
                    progress.step(String.format(Locale.ROOT, "(%s: %d tokens, %.1fs, %s)", trace.id(),
                            record.path("sequence_tokens").asInt(), record.path("seconds").asDouble(),
                            record.path("attribution_status").asText()));
                }
            }
            output.commit();
        }
    }

    /** The attributed copy of one trace's record. */
    static ObjectNode attribute(Trace trace, Tokenizer tok, EmbeddingModel em, IntegratedGradients ig,
                                UnaryOperator<String> prompt, String settings) {
        List<Segment> segments = segmentsOf(trace);
        AnswerTarget target = AnswerTarget.of(tok, prompt, trace, segments);
        TokenAttribution a = target.attribute(ig);
        TokenScores scores = TokenScores.compute(em, target.ids());
        ObjectNode record = trace.copyOfRecord();
        if (!record.has("id")) {
            record.put("id", trace.id()); // resuming needs a name for every record: its line number
        }
        if (!record.has("segments")) {
            ArrayNode texts = record.putArray("segments");
            segments.forEach(s -> texts.add(s.text()));
        }
        boolean finite = a.status() != AttributionStatus.NON_FINITE;
        if (finite) {
            record.set("token_attributions", perSegment(target, a.attributions()));
        } else {
            record.putNull("token_attributions");
        }
        putNumber(record, "target_logprob", a.targetLogprob());
        putNumber(record, "baseline_logprob", a.baselineLogprob());
        putNumber(record, "convergence_delta", a.convergenceDelta());
        record.put("seconds", Math.round(a.seconds() * 1000) / 1000.0);
        record.put("attribution_status", a.status().label());
        if (!a.reason().isEmpty()) {
            record.put("attribution_reason", a.reason());
        }
        record.put("attribution_settings", settings);
        ArrayNode counts = record.putArray("segment_token_counts");
        for (int c : target.segmentTokenCounts()) {
            counts.add(c);
        }
        record.put("sequence_tokens", target.length());
        record.put("answer_tokens", target.answerTo() - target.answerFrom());
        record.set("token_logprobs", perSegment(target, scores.logprobs()));
        record.set("token_entropies", perSegment(target, scores.entropies()));
        return record;
    }

    static List<Segment> segmentsOf(Trace trace) {
        try {
            return trace.segments();
        } catch (IllegalArgumentException e) {
            throw new BadInputException("record " + trace.id() + ": field 'segments': " + e.getMessage());
        }
    }

    /** Per-segment lists of float32 values (null for a value that is not finite). */
    static ArrayNode perSegment(AnswerTarget target, double[] perToken) {
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

    private static void putNumber(ObjectNode record, String field, double v) {
        if (Double.isFinite(v)) {
            record.put(field, v);
        } else {
            record.putNull(field);
        }
    }

    static int countRecords(Path file) {
        try (var lines = JsonLines.read(file)) {
            return (int) lines.count();
        }
    }

    private PointScheme parseScheme() {
        try {
            return PointScheme.parse(points);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--points: " + e.getMessage());
        }
    }

    private void checkOptions() {
        if (steps < 1 || steps < 2 && points.startsWith("trap")) {
            throw new BadInputException("--steps must be at least " + (points.startsWith("trap") ? 2 : 1) + ", got " + steps);
        }
        if (batch < 1) {
            throw new BadInputException("--batch must be at least 1, got " + batch);
        }
        if (!baseline.equals("pad") && !baseline.equals("zero")) {
            throw new BadInputException("--baseline must be pad or zero, got '" + baseline + "'");
        }
        if (!(deltaTolerance >= 0)) {
            throw new BadInputException("--delta-tolerance must be >= 0, got " + deltaTolerance);
        }
        if (!Files.isRegularFile(in)) {
            throw new BadInputException(in + ": no such file");
        }
        if (!Files.isDirectory(model)) {
            throw new BadInputException("--model " + model + ": no such folder");
        }
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException("--out must not be the input file");
        }
    }

    private DataType dataType() {
        return switch (dtype) {
            case "float32" -> DataType.FLOAT32;
            case "float16" -> throw new BadInputException("--dtype float16: gradients cannot pass DJL 0.36's dtype"
                    + " casts (the decoder's float32 norms would cut them), so attribution runs in float32 only");
            default -> throw new BadInputException("--dtype must be float32 or float16, got '" + dtype + "'");
        };
    }
}
