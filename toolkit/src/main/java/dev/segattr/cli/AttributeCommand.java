package dev.segattr.cli;

import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PointScheme;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "attribute", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Attribute",
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

    @Mixin
    ModelIo io;

    @Mixin
    TokenizerFolder tokenizer;

    @Option(names = "--steps", paramLabel = "J", description = "path points (default: ${DEFAULT-VALUE})")
    int steps = 50;

    @Option(names = "--baseline", paramLabel = "pad|zero", converter = Converters.Baseline.class,
            description = "path start: the pad token's embedding or zeros (default: ${DEFAULT-VALUE})")
    AttributeStage.BaselineKind baseline = AttributeStage.BaselineKind.PAD;

    @Option(names = "--points", paramLabel = "SCHEME", converter = Converters.Points.class, defaultValue = "reference",
            description = "reference (linspace, both ends, averaged), trapezoid or gauss-legendre (default: ${DEFAULT-VALUE})")
    PointScheme points;

    @Option(names = "--batch", paramLabel = "K", description = "path points per forward+backward pass; memory grows with K x tokens (default: ${DEFAULT-VALUE})")
    int batch = 1;

    @Mixin
    DeviceOption device;

    @Option(names = "--dtype", paramLabel = "float32|float16", converter = Converters.Precision.class,
            description = "model weights and activations (default: ${DEFAULT-VALUE}); float16 is refused: DJL 0.36 cannot differentiate through dtype casts")
    Dtype dtype = Dtype.FLOAT32;

    @Option(names = "--delta-tolerance", paramLabel = "X",
            description = "status 'large delta' when |delta| > X |F(x) - F(x')| (default: ${DEFAULT-VALUE})")
    double deltaTolerance = IntegratedGradients.DEFAULT_DELTA_TOLERANCE;

    @Override
    public Integer call() {
        var options = new AttributeStage.Options(new ModelSource(io.model(), tokenizer.tokenizer, device.device, dtype), steps, baseline, points, batch, deltaTolerance);
        AttributeStage.run(io.in(), io.out(), options, new StderrReport(spec.commandLine().getErr(), "attribute"));
        return 0;
    }
}
