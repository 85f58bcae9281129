package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Autoregressive decoding with a KV cache. Prompts of different lengths run as one batch, left-padded:
 * the prompt pass fills the cache, then each step feeds one token per row and attends to the cache.
 * Positions count only real tokens, so a row decodes exactly as it would alone. Rows that have stopped leave
 * the batch, so a batch costs about the sum of its outputs' lengths rather than its longest output times its size.
 */
public final class Generator {

    private final CausalLM model;

    public Generator(CausalLM model) {
        this.model = model;
    }

    public Generation generate(List<long[]> prompts, GenerationConfig config) {
        if (prompts.isEmpty()) {
            return new Generation(List.of(), List.of(), List.of());
        }
        int batch = prompts.size();
        int promptLength = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (prompts.stream().anyMatch(p -> p.length == 0)) {
            throw new IllegalArgumentException("every prompt needs at least one token");
        }
        Set<Long> stops = new HashSet<>(config.stopIds() == null ? model.config().eosTokenIds() : config.stopIds());
        long pad = model.config().padTokenId() == null ? 0 : model.config().padTokenId();
        int capacity = promptLength + Math.max(0, config.maxNewTokens() - 1);

        long[][] ids = new long[batch][promptLength];
        long[][] mask = new long[batch][capacity];
        for (int b = 0; b < batch; b++) {
            long[] p = prompts.get(b);
            int offset = promptLength - p.length;                 // left padding
            Arrays.fill(ids[b], 0, offset, pad);
            System.arraycopy(p, 0, ids[b], offset, p.length);
            Arrays.fill(mask[b], offset, promptLength, 1);
        }

        List<List<Long>> out = new ArrayList<>();
        boolean[] finished = new boolean[batch];
        float[][] lastLogits = new float[batch][0];
        for (int b = 0; b < batch; b++) {
            out.add(new ArrayList<>());
        }
        // live[r] = the prompt in row r of the cache. Rows that have stopped are dropped once they are a quarter of
        // the batch: each drop copies the cache, so dropping in a few large steps keeps the copies cheap.
        int[] live = new int[batch];
        for (int b = 0; b < batch; b++) {
            live[b] = b;
        }
        Random random = new Random(config.seed());
        try (NDManager session = model.manager().newSubManager();
             KvCache cache = model.newCache(session, batch, Math.max(1, capacity))) {
            long[][] step = ids;
            int filled = promptLength;
            for (int n = 0; n < config.maxNewTokens(); n++) {
                float[][] logits = nextLogits(session, step, mask, filled, cache);      // (rows, V)
                int stillLive = 0;
                for (int r = 0; r < live.length; r++) {
                    int b = live[r];
                    if (finished[b]) {
                        continue;
                    }
                    long token = config.isGreedy() ? argMax(logits[r]) : sample(logits[r], config, random);
                    out.get(b).add(token);
                    lastLogits[b] = logits[r];
                    finished[b] = stops.contains(token);
                    stillLive += finished[b] ? 0 : 1;
                }
                if (stillLive == 0 || n == config.maxNewTokens() - 1) {
                    break;
                }
                if (4 * (live.length - stillLive) >= live.length) {
                    int[] next = new int[stillLive];
                    long[] rows = new long[stillLive];
                    long[][] kept = new long[stillLive][];
                    for (int r = 0, w = 0; r < live.length; r++) {
                        if (!finished[live[r]]) {
                            rows[w] = r;
                            kept[w] = mask[r];
                            next[w++] = live[r];
                        }
                    }
                    cache.keep(rows);
                    mask = kept;
                    live = next;
                }
                step = new long[live.length][1];
                for (int r = 0; r < live.length; r++) {
                    List<Long> o = out.get(live[r]);
                    step[r][0] = finished[live[r]] ? pad : o.get(o.size() - 1);
                    mask[r][filled] = 1;
                }
                filled++;
            }
        }
        List<long[]> tokens = new ArrayList<>();
        List<Boolean> stopped = new ArrayList<>();
        List<float[]> logits = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            tokens.add(out.get(b).stream().mapToLong(Long::longValue).toArray());
            stopped.add(finished[b]);
            logits.add(lastLogits[b]);
        }
        return new Generation(tokens, stopped, logits);
    }

    /** Feeds ids (B, T) whose last position is slot filled-1; returns the last position's logits per row. */
    private float[][] nextLogits(NDManager session, long[][] ids, long[][] mask, int filled, KvCache cache) {
        try (NDManager scope = session.newSubManager()) {
            long[][] visible = new long[mask.length][];
            for (int b = 0; b < mask.length; b++) {
                visible[b] = Arrays.copyOf(mask[b], filled);
            }
            NDArray embeds = model.embed(scope.create(ids));
            NDArray logits = model.forwardCached(embeds, scope.create(visible), cache);  // (B, T, V)
            NDArray last = logits.get(new NDIndex(":, -1, :"));
            int vocab = (int) last.getShape().get(1);
            float[] flat = last.toFloatArray();
            float[][] rows = new float[ids.length][];
            for (int b = 0; b < rows.length; b++) {
                rows[b] = Arrays.copyOfRange(flat, b * vocab, (b + 1) * vocab);
            }
            return rows;
        }
    }

    /** Index of the largest logit, the first one on ties (as torch.argmax). */
    static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Draws from softmax(logits / temperature), restricted to the smallest set of most probable tokens whose
     * probabilities reach topP (transformers' order: temperature, then top-p).
     */
    static int sample(float[] logits, GenerationConfig config, Random random) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / config.temperature());
            sum += p[i];
        }
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (config.topP() < 1) {                                   // the whole vocabulary needs no order
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        }
        int keep = 0;
        double mass = 0;
        while (keep < order.length && (keep == 0 || mass < config.topP() * sum || config.topP() >= 1)) {
            mass += p[order[keep++]];
        }
        double u = random.nextDouble() * mass;
        for (int i = 0; i < keep; i++) {
            u -= p[order[i]];
            if (u <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}
