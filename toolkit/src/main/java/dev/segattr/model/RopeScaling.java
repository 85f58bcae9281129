package dev.segattr.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import java.nio.file.Path;
import java.util.Set;

/**
 * How a checkpoint stretches its rotary position embedding beyond the length it was trained on: the
 * {@code rope_scaling} (transformers 4) or {@code rope_parameters} (transformers 5) entry of config.json.
 * Supported kinds, with transformers' formulas: {@code linear}, {@code llama3} and {@code yarn}. The
 * {@code dynamic} kind is refused: transformers recomputes its frequencies from the longest sequence seen so
 * far, so its logits depend on the order of earlier calls and cannot be reproduced call by call.
 *
 * @param type kind of scaling
 * @param factor context stretch factor
 * @param originalMaxPositionEmbeddings pre-training context length (llama3, yarn)
 * @param lowFreqFactor llama3 only
 * @param highFreqFactor llama3 only
 * @param betaFast yarn: extrapolation boundary, default 32
 * @param betaSlow yarn: interpolation boundary, default 1
 * @param attentionFactor yarn: scale of cos/sin; null = derived from the factor (and mscale, mscaleAllDim)
 * @param mscale yarn, optional
 * @param mscaleAllDim yarn, optional
 * @param truncate yarn: round the correction range outwards, default true
 */
public record RopeScaling(String type, double factor, Integer originalMaxPositionEmbeddings,
                          Double lowFreqFactor, Double highFreqFactor, Double betaFast, Double betaSlow,
                          Double attentionFactor, Double mscale, Double mscaleAllDim, Boolean truncate) {

    static final Set<String> SUPPORTED = Set.of("linear", "llama3", "yarn");

    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, null, null, null, null, null, null, null, null, null);
    }

    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor,
                                     int originalMaxPositionEmbeddings) {
        return new RopeScaling("llama3", factor, originalMaxPositionEmbeddings, lowFreqFactor, highFreqFactor,
                null, null, null, null, null, null);
    }

    public static RopeScaling yarn(double factor, int originalMaxPositionEmbeddings) {
        return new RopeScaling("yarn", factor, originalMaxPositionEmbeddings, null, null, null, null, null, null,
                null, null);
    }

    /**
     * Reads a scaling entry; null for none ({@code rope_type} "default" or an absent entry).
     *
     * @param maxPositionEmbeddings fallback for original_max_position_embeddings, as transformers does
     */
    static RopeScaling read(JsonNode node, int maxPositionEmbeddings, Path file, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new BadInputException(file + ": field '" + field + "': expected an object, got " + node);
        }
        String type = node.hasNonNull("rope_type") ? node.get("rope_type").asText()
                : node.hasNonNull("type") ? node.get("type").asText() : "default";
        if (type.equals("default")) {
            return null;
        }
        if (!SUPPORTED.contains(type)) {
            throw new BadInputException(file + ": field '" + field + "': rope type '" + type
                    + "' is not supported (supported: default, linear, llama3, yarn)");
        }
        if (!node.hasNonNull("factor") || !node.get("factor").isNumber()) {
            throw new BadInputException(file + ": field '" + field + "': rope type '" + type
                    + "' needs a numeric 'factor'");
        }
        double factor = node.get("factor").asDouble();
        Integer original = node.hasNonNull("original_max_position_embeddings")
                ? node.get("original_max_position_embeddings").asInt() : maxPositionEmbeddings;
        if (type.equals("llama3")) {
            for (String key : new String[] {"low_freq_factor", "high_freq_factor"}) {
                if (!node.hasNonNull(key)) {
                    throw new BadInputException(file + ": field '" + field + "': rope type 'llama3' needs '"
                            + key + "'");
                }
            }
        }
        return new RopeScaling(type, factor, type.equals("linear") ? null : original,
                number(node, "low_freq_factor"), number(node, "high_freq_factor"),
                number(node, "beta_fast"), number(node, "beta_slow"), number(node, "attention_factor"),
                number(node, "mscale"), number(node, "mscale_all_dim"),
                node.hasNonNull("truncate") ? node.get("truncate").asBoolean() : null);
    }

    /** The entry as transformers writes it under {@code rope_scaling}. */
    void write(ObjectNode out) {
        out.put("rope_type", type);
        out.put("factor", factor);
        putIfSet(out, "original_max_position_embeddings", originalMaxPositionEmbeddings);
        putIfSet(out, "low_freq_factor", lowFreqFactor);
        putIfSet(out, "high_freq_factor", highFreqFactor);
        putIfSet(out, "beta_fast", betaFast);
        putIfSet(out, "beta_slow", betaSlow);
        putIfSet(out, "attention_factor", attentionFactor);
        putIfSet(out, "mscale", mscale);
        putIfSet(out, "mscale_all_dim", mscaleAllDim);
        if (truncate != null) {
            out.put("truncate", truncate);
        }
    }

    /**
     * Rotary inverse frequencies for one head, after scaling (transformers' modeling_rope_utils).
     *
     * @param base the plain inverse frequencies 1 / theta^(2i/d), i = 0..d/2-1
     */
    double[] scale(double[] base, double theta, int headDim) {
        double[] out = new double[base.length];
        switch (type) {
            case "linear" -> {
                for (int i = 0; i < base.length; i++) {
                    out[i] = base[i] / factor;
                }
            }
            case "llama3" -> {
                // Long wavelengths are interpolated by the factor, short ones kept, the middle band blended.
                double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
                double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
                for (int i = 0; i < base.length; i++) {
                    double wavelen = 2 * Math.PI / base[i];
                    double f = wavelen > lowWavelen ? base[i] / factor : base[i];
                    if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                        double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        f = (1 - smooth) * f / factor + smooth * f;
                    }
                    out[i] = f;
                }
            }
            case "yarn" -> {
                double fast = betaFast == null || betaFast == 0 ? 32 : betaFast;
                double slow = betaSlow == null || betaSlow == 0 ? 1 : betaSlow;
                double low = correctionDim(fast, headDim, theta);
                double high = correctionDim(slow, headDim, theta);
                if (truncate == null || truncate) {
                    low = Math.floor(low);
                    high = Math.ceil(high);
                }
                low = Math.max(low, 0);
                high = Math.min(high, headDim - 1);
                if (low == high) {
                    high += 0.001; // as transformers: avoids a division by zero in the ramp
                }
                for (int i = 0; i < base.length; i++) {
                    double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
                    double extrapolation = 1 - ramp;
                    out[i] = base[i] / factor * (1 - extrapolation) + base[i] * extrapolation;
                }
            }
            default -> throw new IllegalStateException("rope type " + type);
        }
        return out;
    }

    /** Factor on cos and sin: 1 except for yarn, whose attention temperature grows with the stretch. */
    double attentionScaling() {
        if (!type.equals("yarn")) {
            return 1.0;
        }
        if (attentionFactor != null) {
            return attentionFactor;
        }
        if (mscale != null && mscaleAllDim != null && mscale != 0 && mscaleAllDim != 0) {
            return yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim);
        }
        return yarnMscale(factor, 1);
    }

    private double correctionDim(double rotations, int dim, double theta) {
        return dim * Math.log(originalMaxPositionEmbeddings / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }

    private static double yarnMscale(double scale, double m) {
        return scale <= 1 ? 1.0 : 0.1 * m * Math.log(scale) + 1.0;
    }

    private static Double number(JsonNode node, String key) {
        return node.hasNonNull(key) ? node.get(key).asDouble() : null;
    }

    private static void putIfSet(ObjectNode out, String key, Number value) {
        if (value instanceof Integer i) {
            out.put(key, i);
        } else if (value != null) {
            out.put(key, value.doubleValue());
        }
    }
}
