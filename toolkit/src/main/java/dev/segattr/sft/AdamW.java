package dev.segattr.sft;

import ai.djl.pytorch.jni.JniUtils;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.segattr.BadInputException;
import dev.segattr.experiment.AtomicFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, step for step as {@code torch.optim.AdamW} (single-tensor path, no amsgrad):
 * <pre>
 *   t += 1
 *   p *= 1 - lr * weight_decay                        (decoupled: the decay never enters m or v)
 *   m  = lerp(m, g, 1 - beta1)                         = m + (1 - beta1) (g - m)
 *   v  = beta2 v + (1 - beta2) g g
 *   p += -(lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)     (eps outside the square root)
 * </pre>
 * The moments live in the optimizer's own manager, beside the parameters (same device and type). Scalars are
 * computed in double and applied as float32, as PyTorch does for float32 tensors; the order of the operations
 * follows PyTorch's kernels, so results agree to float32 rounding.
 */
public final class AdamW implements AutoCloseable {

    /** The settings that stay fixed during a run (the learning rate changes each step and is passed to it). */
    public record Settings(double beta1, double beta2, double eps, double weightDecay) {

        /** PyTorch's defaults (betas 0.9, 0.999; eps 1e-8; weight decay 0.01). */
        public static Settings torchDefaults() {
            return new Settings(0.9, 0.999, 1e-8, 0.01);
        }

        public Settings {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("AdamW needs eps > 0 and weight decay >= 0, got " + eps + ", " + weightDecay);
            }
        }
    }

    private final Map<String, NDArray> parameters;
    private final Settings settings;
    private final NDManager manager;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private long steps;

    /** An optimizer for these parameters (updated in place); moments start at zero. */
    public AdamW(Map<String, NDArray> parameters, Settings settings) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("AdamW needs at least one parameter");
        }
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.settings = settings;
        this.manager = parameters.values().iterator().next().getManager().newSubManager();
        for (Map.Entry<String, NDArray> e : this.parameters.entrySet()) {
            NDArray p = e.getValue();
            expAvg.put(e.getKey(), manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            expAvgSq.put(e.getKey(), manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Number of updates made so far (PyTorch's {@code state['step']}). */
    public long steps() {
        return steps;
    }

    /**
     * One update of every parameter with its gradient at learning rate {@code lr}. Every parameter must have a
     * gradient (an untouched parameter has a zero gradient, which still decays it and moves its moments, as in
     * PyTorch when its {@code grad} is a zero tensor).
     */
    public void step(Map<String, NDArray> gradients, double lr) {
        steps++;
        double biasCorrection1 = 1 - Math.pow(settings.beta1, steps);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(settings.beta2, steps));
        float decay = (float) (1 - lr * settings.weightDecay);
        float oneMinusBeta1 = (float) (1 - settings.beta1);
        float beta2 = (float) settings.beta2;
        float oneMinusBeta2 = (float) (1 - settings.beta2);
        float minusStepSize = (float) -(lr / biasCorrection1);
        float bc2Sqrt = (float) biasCorrection2Sqrt;
        float eps = (float) settings.eps;
        // The update is no part of any graph. PyTorch's grad mode is per thread and DJL turns it off only on the
        // thread that started the engine: on any other (a notebook cell's) an in-place update of a weight that
        // requires a gradient would fail, so the update turns it off here and restores it after.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            update(gradients, decay, oneMinusBeta1, beta2, oneMinusBeta2, minusStepSize, bc2Sqrt, eps);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private void update(Map<String, NDArray> gradients, float decay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                        float minusStepSize, float bc2Sqrt, float eps) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            String name = e.getKey();
            NDArray g = gradients.get(name);
            if (g == null) {
                throw new IllegalArgumentException("no gradient for parameter " + name);
            }
            NDArray p = e.getValue();
            NDArray m = expAvg.get(name);
            NDArray v = expAvgSq.get(name);
            try (NDManager scope = manager.newSubManager()) {
                p.muli(decay);
                // lerp with a weight below 0.5, as PyTorch computes it: m + w (g - m)
                NDArray diff = g.sub(m);
                diff.attach(scope);
                m.addi(diff.muli(oneMinusBeta1));
                // addcmul: v + ((1 - beta2) g) g
                NDArray gg = g.mul(oneMinusBeta2);
                gg.attach(scope);
                v.muli(beta2).addi(gg.muli(g));
                NDArray denom = v.sqrt();
                denom.attach(scope);
                denom.divi(bc2Sqrt).addi(eps);
                // addcdiv: p + ((-step_size) m) / denom
                NDArray update = m.mul(minusStepSize);
                update.attach(scope);
                p.addi(update.divi(denom));
            }
        }
    }

    /** First and second moments by parameter name (views owned by the optimizer; do not close). */
    public Map<String, NDArray> firstMoments() {
        return Collections.unmodifiableMap(expAvg);
    }

    public Map<String, NDArray> secondMoments() {
        return Collections.unmodifiableMap(expAvgSq);
    }

    /** Writes the moments and the step count as safetensors ({@code exp_avg/<name>}, {@code exp_avg_sq/<name>}, {@code step}), atomically. */
    public void save(Path file) {
        try (NDManager scope = manager.newSubManager()) {
            NDList list = new NDList();
            for (String name : parameters.keySet()) {
                NDArray m = expAvg.get(name).duplicate();
                m.attach(scope);
                m.setName("exp_avg/" + name);
                NDArray v = expAvgSq.get(name).duplicate();
                v.attach(scope);
                v.setName("exp_avg_sq/" + name);
                list.add(m);
                list.add(v);
            }
            NDArray step = scope.create(new long[] {steps});
            step.setName("step");
            list.add(step);
            AtomicFile.write(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
        }
    }

    /** Restores what {@link #save} wrote; the parameter names and shapes must match this optimizer's. */
    public void load(Path file) {
        Map<String, NDArray> byName = new HashMap<>();
        try (NDManager scope = manager.newSubManager(); InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(scope, in);
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            NDArray step = byName.get("step");
            if (step == null) {
                throw new BadInputException(file + ": not an AdamW state (no 'step')");
            }
            for (String name : parameters.keySet()) {
                copyInto(file, "exp_avg/" + name, byName, expAvg.get(name));
                copyInto(file, "exp_avg_sq/" + name, byName, expAvgSq.get(name));
            }
            steps = step.toType(DataType.INT64, false).toLongArray()[0];
        } catch (IOException e) {
            throw new UncheckedIOException("could not read optimizer state " + file + ": " + e.getMessage(), e);
        }
    }

    private static void copyInto(Path file, String key, Map<String, NDArray> byName, NDArray target) {
        NDArray source = byName.get(key);
        if (source == null) {
            throw new BadInputException(file + ": no tensor '" + key + "'");
        }
        if (!source.getShape().equals(target.getShape())) {
            throw new BadInputException(file + ": '" + key + "' has shape " + source.getShape() + ", the parameter " + target.getShape());
        }
        source.toType(target.getDataType(), false).copyTo(target);
    }

    @Override
    public void close() {
        manager.close();
    }
}
