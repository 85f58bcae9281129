package dev.segattr.model;

import java.util.List;

/**
 * How {@link Generator} picks tokens.
 *
 * @param maxNewTokens most tokens to add to each prompt
 * @param temperature 0 for greedy decoding (argmax); above 0, logits are divided by it before sampling
 * @param topP nucleus sampling: sample among the most probable tokens whose probabilities sum to at least
 *     topP (1 = the whole vocabulary)
 * @param seed seed of the sampler; the same prompts, config and seed give the same tokens
 * @param stopIds a row ends after producing one of these (the stop token is kept in the output); null means
 *     the model's eos ids (config.json), an empty list means never stop early
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, long seed, List<Long> stopIds) {

    public GenerationConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        stopIds = stopIds == null ? null : List.copyOf(stopIds);
    }

    /** Greedy decoding that stops at the model's eos ids. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 1, 0, null);
    }

    /** Temperature / top-p sampling that stops at the model's eos ids. */
    public static GenerationConfig sampling(int maxNewTokens, double temperature, double topP, long seed) {
        if (temperature <= 0) {
            throw new IllegalArgumentException("sampling needs a temperature > 0, got " + temperature);
        }
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, null);
    }

    public GenerationConfig withStopIds(List<Long> ids) {
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, ids);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
