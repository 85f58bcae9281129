package dev.segattr.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.Baseline;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PathPoints;
import dev.segattr.attribution.PointScheme;
import dev.segattr.cli.SparkBridge;
import dev.segattr.model.Tokenizer;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** {@code attribute}: integrated gradients per trace, the records {@code segattr attribute} writes. */
final class AttributeJob extends RecordJob {

    /**
     * DJL 0.36 lets one GradientCollector collect at a time in a JVM (a static flag in PtGradientCollector), so two
     * tasks of one executor attribute one after the other; give attribution one task per executor (spark.task.cpus =
     * spark.executor.cores, or one GPU per task) and its threads to PyTorch.
     */
    private static final Object GRADIENTS = new Object();

    private final ModelSpec model;
    private final int steps;
    private final String baseline;
    private final String points;
    private final int batch;
    private final double deltaTolerance;
    private String out;
    private HashMap<String, String> kept = new HashMap<>();

    AttributeJob(ModelSpec model, int steps, String baseline, String points, int batch, double deltaTolerance) {
        this.model = model;
        this.steps = steps;
        this.baseline = baseline;
        this.points = points;
        this.batch = batch;
        this.deltaTolerance = deltaTolerance;
    }

    @Override
    String command() {
        return "attribute";
    }

    @Override
    ModelSpec model() {
        return model;
    }

    @Override
    boolean uniqueIds() {
        return true;
    }

    @Override
    void validate() {
        scheme();
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
        switch (model.dtype()) {
            case "float32" -> { }
            case "float16" -> throw new BadInputException("--dtype float16: gradients cannot pass DJL 0.36's dtype"
                    + " casts (the decoder's float32 norms would cut them), so attribution runs in float32 only");
            default -> throw new BadInputException("--dtype must be float32 or float16, got '" + model.dtype() + "'");
        }
    }

    private PointScheme scheme() {
        try {
            return PointScheme.parse(points);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--points: " + e.getMessage());
        }
    }

    /** The sequence attribution runs on: prompt, reasoning and answer, in the model's tokens. */
    @Override
    long length(JsonLines.Line line) {
        Trace trace = Trace.fromJson(line);
        Tokenizer tok = ModelCache.tokenizer(model);
        return AnswerTarget.of(tok, AnswerTarget.promptOf(tok), trace, SparkBridge.segmentsOf(trace)).length();
    }

    @Override
    String madeWith(ObjectNode kept) {
        return kept.path("attribution_settings").asText();
    }

    @Override
    void resumes(String out, Map<String, String> idByMadeWith) {
        this.out = out;
        this.kept = new HashMap<>(idByMadeWith);
    }

    /** The command line's refusal to mix settings in one output. */
    private void checkKept(String settings) {
        for (var k : kept.entrySet()) {
            if (!k.getKey().equals(settings)) {
                throw new BadInputException(out + ": record " + k.getValue() + " was made with '" + k.getKey()
                        + "', this run uses '" + settings + "': rerun with the same options or remove the folder");
            }
        }
    }

    @Override
    Work open(ModelCache.Loaded loaded) {
        Tokenizer tok = loaded.tokenizer();
        EmbeddingModel em = EmbeddingModel.of(loaded.lm());
        Baseline start = baseline.equals("pad") ? Baseline.pad(tok.padId()) : Baseline.zero();
        var ig = new IntegratedGradients(em, new IntegratedGradients.Options(PathPoints.of(scheme(), steps), batch, start, deltaTolerance));
        String settings = ig.settings();
        checkKept(settings);
        UnaryOperator<String> prompt = AnswerTarget.promptOf(tok);
        int maxPositions = loaded.lm().config().maxPositionEmbeddings();
        return line -> {
            Trace trace = Trace.fromJson(line);
            ObjectNode record;
            synchronized (GRADIENTS) {
                record = SparkBridge.attribute(trace, tok, em, ig, prompt, settings);
            }
            if (record.path("sequence_tokens").asInt() > maxPositions) {
                record.put("exceeds_max_positions", true);
            }
            return record;
        };
    }
}
