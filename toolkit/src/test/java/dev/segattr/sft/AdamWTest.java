package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AdamW, clipping and the schedule against torch.optim.AdamW, clip_grad_norm_ and transformers'
 * get_cosine_schedule_with_warmup on the same gradients (fixtures/sft/adamw, made by make_sft_fixtures.py).
 * Tolerance: 1e-6 relative to the largest value, i.e. float32 rounding of a few operations.
 */
class AdamWTest {

    static final Path FIXTURE = SftFixtures.dir("adamw");
    static final double TOLERANCE = 1e-6;

    @TempDir
    Path dir;

    @Test
    void threeUpdatesAgreeWithPyTorch() {
        JsonNode fixture = SftFixtures.json(FIXTURE.resolve("steps.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> t = SftFixtures.tensors(manager, FIXTURE.resolve("tensors.safetensors"));
            Map<String, NDArray> params = startingParameters(fixture, t);
            try (AdamW adam = new AdamW(params, settings(fixture))) {
                runSteps(fixture, t, params, adam, 1, 3);
                assertEquals(3, adam.steps());
            }
            for (String name : params.keySet()) {
                double err = SftFixtures.relativeError(params.get(name), t.get("end/" + name));
                assertTrue(err < TOLERANCE, name + ": relative error " + err);
            }
        }
    }

    @Test
    void savedStateContinuesExactlyWhereItStopped() {
        JsonNode fixture = SftFixtures.json(FIXTURE.resolve("steps.json"));
        Path state = dir.resolve("optimizer.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> t = SftFixtures.tensors(manager, FIXTURE.resolve("tensors.safetensors"));
            Map<String, NDArray> straight = startingParameters(fixture, t);
            try (AdamW adam = new AdamW(straight, settings(fixture))) {
                runSteps(fixture, t, straight, adam, 1, 3);
            }
            Map<String, NDArray> resumed = startingParameters(fixture, t);
            try (AdamW first = new AdamW(resumed, settings(fixture))) {
                runSteps(fixture, t, resumed, first, 1, 2);
                first.save(state);
            }
            try (AdamW second = new AdamW(resumed, settings(fixture))) {
                second.load(state);
                assertEquals(2, second.steps());
                runSteps(fixture, t, resumed, second, 3, 3);
            }
            for (String name : straight.keySet()) {
                assertTrue(straight.get(name).contentEquals(resumed.get(name)), name + " differs after resuming");
            }
        }
    }

    @Test
    void scheduleIsTransformersCosineWithWarmup() {
        JsonNode s = SftFixtures.json(FIXTURE.resolve("steps.json")).get("schedule");
        LearningRateSchedule schedule = new LearningRateSchedule(s.get("peak").asDouble(), s.get("warmup").asLong(), s.get("total").asLong());
        for (int k = 0; k < s.get("lrs").size(); k++) {
            assertEquals(s.get("lrs").get(k).asDouble(), schedule.at(k), 1e-18, "update " + k);
        }
        // transformers: warmup steps = ceil(total * ratio)
        assertEquals(1, LearningRateSchedule.withWarmupRatio(3e-5, 0.05, 10).warmup());
        assertEquals(0, LearningRateSchedule.withWarmupRatio(3e-5, 0.0, 10).warmup());
    }

    @Test
    void smallGradientsAreLeftAloneLargeOnesScaledToTheLimit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {3f, 0f});
            NDArray b = manager.create(new float[] {4f});
            assertEquals(5f, GradientClipping.clip(List.of(a, b), 10.0));
            assertEquals(3f, a.getFloat(0));
            assertEquals(5f, GradientClipping.clip(List.of(a, b), 1.0));
            assertEquals(1.0, Math.hypot(a.getFloat(0), b.getFloat(0)), 1e-6);
        }
    }

    private static AdamW.Settings settings(JsonNode fixture) {
        JsonNode s = fixture.get("settings");
        return new AdamW.Settings(s.get("betas").get(0).asDouble(), s.get("betas").get(1).asDouble(),
                s.get("eps").asDouble(), s.get("weight_decay").asDouble());
    }

    private static Map<String, NDArray> startingParameters(JsonNode fixture, Map<String, NDArray> t) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (JsonNode name : fixture.get("parameters")) {
            params.put(name.asText(), t.get("start/" + name.asText()).duplicate());
        }
        return params;
    }

    /** Updates {@code from..to} (1-based) as the fixture made them: clip, then AdamW at the scheduled rate. */
    private static void runSteps(JsonNode fixture, Map<String, NDArray> t, Map<String, NDArray> params, AdamW adam, int from, int to) {
        JsonNode s = fixture.get("settings");
        LearningRateSchedule schedule = new LearningRateSchedule(s.get("lr").asDouble(), s.get("warmup_steps").asLong(), s.get("total_steps").asLong());
        for (int step = from; step <= to; step++) {
            JsonNode expected = fixture.get("steps").get(step - 1);
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (String name : params.keySet()) {
                grads.put(name, t.get("grad/" + step + "/" + name).duplicate());
            }
            float norm = GradientClipping.clip(grads.values(), s.get("max_grad_norm").asDouble());
            assertEquals(expected.get("grad_norm").asDouble(), norm, 1e-6 * norm, "norm at step " + step);
            double lr = schedule.at(step - 1);
            assertEquals(expected.get("lr").asDouble(), lr, 1e-15, "lr at step " + step);
            adam.step(grads, lr);
            grads.values().forEach(NDArray::close);
        }
    }
}
