package dev.segattr.attribution;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Integrated gradients on a smooth toy model: completeness, quadrature, derivative, batching, bad cases. */
class IntegratedGradientsTest {

    static ToyModel model;
    static final long[] IDS = {3, 17, 5, 9, 22, 1, 8, 30, 12, 4, 7, 2};
    static final int FROM = 9;
    static final int TO = 12;

    @BeforeAll
    static void setUp() {
        model = new ToyModel(40, 16, 7);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    static TokenAttribution run(PointScheme scheme, int steps, int batch) {
        var options = IntegratedGradients.Options.reference(Baseline.token(0)).withPoints(scheme, steps).withBatch(batch);
        return new IntegratedGradients(model, options).attribute(IDS, FROM, TO);
    }

    @Test
    void deltaShrinksAsPointsGrow() {
        double previous = Double.POSITIVE_INFINITY;
        for (int steps : new int[] {4, 8, 16, 32, 64}) {
            TokenAttribution a = run(PointScheme.REFERENCE, steps, 8);
            double delta = Math.abs(a.convergenceDelta());
            assertTrue(delta < previous, "J=" + steps + ": |delta| " + delta + " after " + previous);
            previous = delta;
        }
        // The reference scheme's error is first order: about 1/(2J) of the gradient's change along the path.
        assertTrue(previous < 0.05 * Math.abs(run(PointScheme.REFERENCE, 64, 8).targetLogprob() - run(PointScheme.REFERENCE, 64, 8).baselineLogprob()));
    }

    @Test
    void aZeroStartIsRecognisedWhateverItsKind() {
        assertFalse(Baseline.token(0).isZeroIn(model));
        assertTrue(Baseline.zero().isZeroIn(model));
        assertTrue(Baseline.vector(new float[16]).isZeroIn(model));
        var row = new ai.djl.ndarray.index.NDIndex("39"); // a token no other test reads
        try (NDArray saved = model.embedding.get(row).duplicate()) {
            model.embedding.set(row, 0f); // as the pad row of a freshly initialised Hugging Face model
            assertTrue(Baseline.token(39).isZeroIn(model));
            model.embedding.set(row, saved);
        }
    }

    @Test
    void gaussLegendreBeatsTheReferenceSchemeAtEqualPoints() {
        for (int steps : new int[] {4, 8, 16}) {
            double reference = Math.abs(run(PointScheme.REFERENCE, steps, 16).convergenceDelta());
            double trapezoid = Math.abs(run(PointScheme.TRAPEZOID, steps, 16).convergenceDelta());
            double gauss = Math.abs(run(PointScheme.GAUSS_LEGENDRE, steps, 16).convergenceDelta());
            assertTrue(gauss < reference, "J=" + steps + ": gauss " + gauss + " reference " + reference);
            assertTrue(trapezoid < reference, "J=" + steps + ": trapezoid " + trapezoid + " reference " + reference);
        }
        TokenAttribution gl = run(PointScheme.GAUSS_LEGENDRE, 16, 16);
        assertEquals(AttributionStatus.OK, gl.status());
        assertEquals(gl.targetLogprob() - gl.baselineLogprob(), gl.sum(), 1e-4, "completeness");
    }

    @Test
    void onePointGivesTheDirectionalDerivativeOfFAlongThePath() {
        double alpha = 0.37;
        var ig = new IntegratedGradients(model, IntegratedGradients.Options.reference(Baseline.token(0))
                .withPath(PathPoints.custom(new double[] {alpha}, new double[] {1})));
        // sum_i (x - x')_i . grad F(x' + alpha (x - x')) = d/d alpha F(x' + alpha (x - x'))
        double analytic = ig.attribute(IDS, FROM, TO).sum();
        double h = 1e-2;
        double[] f = ig.targetAlongPath(IDS, FROM, TO, alpha - 2 * h, alpha - h, alpha + h, alpha + 2 * h);
        double fourthOrder = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h);
        assertEquals(fourthOrder, analytic, 1e-3 * Math.abs(analytic) + 1e-5);
    }

    @Test
    void adaptivePointsKeepCompleteness() {
        // A proper quadrature of the path: the attributions still sum to F(x) - F(x') up to the quadrature error,
        // here as small as Gauss-Legendre's at the same J (the toy's path is smooth).
        TokenAttribution adaptive = run(PointScheme.ADAPTIVE, 16, 4);
        TokenAttribution gauss = run(PointScheme.GAUSS_LEGENDRE, 16, 4);
        assertEquals(gauss.targetLogprob(), adaptive.targetLogprob(), 1e-5, "F(x) from the probe's end");
        assertEquals(gauss.baselineLogprob(), adaptive.baselineLogprob(), 1e-5, "F(x') from the probe's start");
        assertTrue(adaptive.relativeDelta() < 0.01, adaptive.toString());
        assertEquals("adaptive(16)", adaptive.settings().split(",")[0]);
    }

    @Test
    void batchingDoesNotChangeTheResult() {
        TokenAttribution one = run(PointScheme.REFERENCE, 10, 1);
        TokenAttribution three = run(PointScheme.REFERENCE, 10, 3);  // 3 + 3 + 3 + 1
        TokenAttribution all = run(PointScheme.REFERENCE, 10, 10);
        for (TokenAttribution other : new TokenAttribution[] {three, all}) {
            for (int i = 0; i < IDS.length; i++) {
                assertEquals(one.attributions()[i], other.attributions()[i], 1e-5 * (1 + Math.abs(one.attributions()[i])));
            }
            assertEquals(one.targetLogprob(), other.targetLogprob(), 1e-5);
        }
    }

    @Test
    void modelParametersCollectNoGradient() {
        run(PointScheme.REFERENCE, 4, 2);
        for (NDArray p : model.parameters()) {
            assertFalse(p.hasGradient(), "a parameter was marked for gradients");
        }
    }

    @Test
    void anEmptyAnswerIsReportedNotNaN() {
        var ig = new IntegratedGradients(model, IntegratedGradients.Options.reference(Baseline.token(0)));
        TokenAttribution a = ig.attribute(IDS, 12, 12);
        assertEquals(AttributionStatus.EMPTY_ANSWER, a.status());
        assertEquals(IDS.length, a.length());
        assertEquals(0.0, a.sum(), 0);
        assertEquals(0.0, a.convergenceDelta(), 0);
        assertFalse(a.reason().isEmpty());
    }

    @Test
    void aBaselineEqualToTheInputGivesZeroAttribution() {
        long[] same = {6, 6, 6, 6};
        var ig = new IntegratedGradients(model, IntegratedGradients.Options.reference(Baseline.token(6)).withPoints(PointScheme.REFERENCE, 3));
        TokenAttribution a = ig.attribute(same, 2, 4);
        assertEquals(AttributionStatus.ZERO_ATTRIBUTION, a.status());
        assertEquals(a.targetLogprob(), a.baselineLogprob(), 0);
    }

    @Test
    void nonFiniteValuesAreReported() {
        float[] nan = new float[16];
        java.util.Arrays.fill(nan, Float.NaN);
        var ig = new IntegratedGradients(model, IntegratedGradients.Options.reference(Baseline.vector(nan)).withPoints(PointScheme.REFERENCE, 2));
        TokenAttribution a = ig.attribute(IDS, FROM, TO);
        assertEquals(AttributionStatus.NON_FINITE, a.status());
        assertTrue(a.reason().contains("NaN"), a.reason());
        assertFalse(a.status().usable());
    }

    @Test
    void aFloat16ModelIsRefusedBecauseCastsCutTheGradient() {
        EmbeddingModel half = new EmbeddingModel() {
            public ai.djl.ndarray.NDManager manager() {
                return model.manager();
            }

            public ai.djl.ndarray.types.DataType dataType() {
                return ai.djl.ndarray.types.DataType.FLOAT16;
            }

            public long vocabSize() {
                return model.vocabSize();
            }

            public NDArray embed(NDArray ids) {
                return model.embed(ids);
            }

            public NDArray logits(NDArray x) {
                return model.logits(x);
            }
        };
        var e = assertThrows(IllegalArgumentException.class,
                () -> new IntegratedGradients(half, IntegratedGradients.Options.reference(Baseline.zero())));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void answerRangeIsChecked() {
        var ig = new IntegratedGradients(model, IntegratedGradients.Options.reference(Baseline.zero()));
        assertThrows(IllegalArgumentException.class, () -> ig.attribute(IDS, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> ig.attribute(IDS, 5, 13));
        assertThrows(IllegalArgumentException.class, () -> new IntegratedGradients(model,
                IntegratedGradients.Options.reference(Baseline.vector(new float[3]))).attribute(IDS, 5, 6));
    }
}
