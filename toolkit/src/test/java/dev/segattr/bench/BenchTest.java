package dev.segattr.bench;

import dev.segattr.model.CausalLM;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Bench} on a tiny random model: every section gives finite, consistent figures. */
class BenchTest {

    static final BenchOptions TINY = BenchOptions.defaults().withAttribution(32, 4, 2).withRepeats(1)
            .withTraining(2, 1).withGeneration(8, 4).withPeakSize(128);

    @Test
    void everySectionReportsThroughputWorkAndMemory() {
        try (CausalLM model = Bench.initModel(64, 2, 128, 3)) {
            BenchReport r = Bench.run(model, "init", TINY);
            assertTrue(r.matmulPeakGflops() > 0);
            assertEquals(64, r.model().hidden());
            assertEquals("qwen3", r.model().modelType());

            BenchReport.Attribution a = r.attribution();
            assertEquals(2, a.passes());
            double best = BenchReport.best(a.seconds());
            assertEquals(32 * 4 / best, a.tokenPointsPerSecond(), 1e-9);
            assertEquals(new Flops(model.config()).integratedGradients(32, 4, 4) / 1e9, a.work().gflop(), 1e-12);
            assertTrue(a.work().peakFraction() > 0, "fraction " + a.work().peakFraction());
            assertTrue(a.memory().peakResidentMb() >= a.memory().residentBeforeMb() - 1);
            // libtorch's arrays are native memory, measured on glibc (the peak is sampled: a blip can fall between)
            assertTrue(a.memory().nativeBeforeMb() > 0 && a.memory().peakNativeMb() >= a.memory().nativeBeforeMb(),
                    a.memory().nativeBeforeMb() + " -> " + a.memory().peakNativeMb());
            assertTrue(a.cpuSeconds()[0] > 0);

            BenchReport.Convergence c = r.convergence();
            assertEquals(4, c.schemes().size(), "reference, trapezoid, gauss-legendre, adaptive");
            for (BenchReport.SchemeConvergence s : c.schemes()) {
                // a scheme that reached 5% says with how many points, and its delta is within it
                assertTrue(s.steps() < 0 || s.relativeDelta() <= ConvergenceBench.TARGET && s.seconds().length == 1, s.toString());
            }

            BenchReport.Generation g = r.generation();
            assertTrue(g.sameTokens(), "the KV cache must not change greedy tokens");
            assertTrue(g.cached().newTokensPerSecond() > 0 && g.uncached().newTokensPerSecond() > 0);
            assertTrue(g.cached().work().gflop() < g.uncached().work().gflop());

            BenchReport.Training t = r.training();
            assertEquals(1, t.seconds().length);
            assertEquals(2 * 32 / t.seconds()[0], t.tokensPerSecond(), 1e-9);
            assertTrue(r.peakResidentMb() >= a.memory().peakResidentMb());
            assertTrue(r.peakNativeMb() >= a.memory().peakNativeMb());

            String json = r.toJson();
            assertTrue(json.contains("\"token_points_per_second\"") && json.contains("\"peak_fraction\""), json);
        }
    }

    @Test
    void onlyTheChosenSectionsRun() {
        try (CausalLM model = Bench.initModel(64, 2, 128, 3)) {
            BenchReport r = Bench.run(model, "init", TINY.withSections(EnumSet.of(Section.GENERATION)));
            assertNull(r.attribution());
            assertNull(r.training());
            assertNotNull(r.generation());
            assertTrue(!r.toJson().contains("\"attribution\""));
        }
    }

    @Test
    void sectionListsParse() {
        assertEquals(EnumSet.of(Section.ATTRIBUTION, Section.TRAINING), Section.parseList("attribution, training"));
        assertEquals(EnumSet.allOf(Section.class), Section.parseList(""));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Section.parseList("attr"));
        assertTrue(e.getMessage().contains("unknown section 'attr'"), e.getMessage());
    }
}
