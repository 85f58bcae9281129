package dev.segattr.cli;

import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PointScheme;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.ModelSource;
import picocli.CommandLine.Option;

import java.io.Serializable;

/**
 * The attribution options of {@code segattr attribute}, a mixin so that every front end that attributes (the command
 * line, segattr-spark's {@code attribute}) reads the same flags with the same defaults and refusals. Serializable:
 * a Spark job ships it to its executors.
 */
public final class AttributionOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    @Option(names = "--steps", paramLabel = "J", description = "path points (default: ${DEFAULT-VALUE})")
    int steps = 50;

    @Option(names = "--baseline", paramLabel = "pad|zero", converter = Converters.Baseline.class,
            description = "path start: the pad token's embedding or zeros (default: ${DEFAULT-VALUE})")
    AttributeStage.BaselineKind baseline = AttributeStage.BaselineKind.PAD;

    @Option(names = "--points", paramLabel = "SCHEME", converter = Converters.Points.class, defaultValue = "reference",
            description = "reference (linspace, both ends, averaged), trapezoid, gauss-legendre, or adaptive (Gauss-Legendre "
                    + "panels placed where F changes along the path, from a forward-only probe) (default: ${DEFAULT-VALUE})")
    PointScheme points;

    @Option(names = "--batch", paramLabel = "auto|K", converter = Converters.Batch.class, defaultValue = "auto",
            description = "path points per forward+backward pass; memory grows with K x tokens. auto: chosen per trace "
                    + "from its length, the model and the memory available (the record's attribution_points_per_pass) "
                    + "(default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--dtype", paramLabel = "float32|float16", converter = Converters.Precision.class,
            description = "model weights and activations (default: ${DEFAULT-VALUE}); float16 is refused: DJL 0.36 cannot differentiate through dtype casts")
    Dtype dtype = Dtype.FLOAT32;

    @Option(names = "--delta-tolerance", paramLabel = "X",
            description = "status 'large delta' when |delta| > X |F(x) - F(x')| (default: ${DEFAULT-VALUE})")
    double deltaTolerance = IntegratedGradients.DEFAULT_DELTA_TOLERANCE;

    /** The stage's options for the model behind {@code source}. */
    public AttributeStage.Options options(ModelSource source) {
        return new AttributeStage.Options(source, steps, baseline, points, batch, deltaTolerance);
    }

    /** The weights' precision the model is to be loaded in. */
    public Dtype dtype() {
        return dtype;
    }
}
