package dev.segattr.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.segattr.BadInputException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A decoder-only transformer of the Llama / Qwen2 / Qwen3 family on DJL arrays, read from Hugging Face checkpoint
 * folders ({@link CheckpointWriter} writes them). One layer (pre-norm, residual around each half):
 * <pre>
 *   h = x + o_proj(attention(rotary(q_proj(rms(x))), rotary(k_proj(rms(x))), v_proj(rms(x))))
 *   y = h + down_proj(silu(gate_proj(rms(h))) * up_proj(rms(h)))
 * </pre>
 * then a final RMSNorm and the head (lm_head, or the embedding matrix when tied).
 *
 * <p>Arrays: parameters live in {@link #manager()}; every temporary of a forward pass lives in a
 * sub-manager that is closed before the call returns, and the result belongs to the caller's manager
 * (the one owning the input). Device and dtype are chosen at load time: CPU float32 by default, float16
 * and GPU ({@link #defaultDevice()}) where the engine has them. RMSNorm and softmax always run in float32.
 */
public final class CausalLM implements AutoCloseable {

    private static final String TIED_HEAD = "lm_head.weight";
    /** Attention scores are computed for blocks of queries of at most this many elements (16 MB in float32). */
    private static final long SCORE_BLOCK_ELEMENTS = 4L << 20;
    /** Activation copies per layer and token kept for backward (see {@link #activationBytes}). */
    private static final double ACTIVATION_HIDDEN = 8;
    private static final double ACTIVATION_HEADS = 6;
    private static final double ACTIVATION_MLP = 5;
    private static final double ACTIVATION_SCORES = 4;
    /** The fused kernel's backward still holds about 0.7 float per head, query and key (measured; 1 keeps a margin). */
    private static final double FUSED_SCORES = 1;

    /** One linear map y = x W^T + b, with W (out, in) as transformers stores it. */
    private record Dense(NDArray weight, NDArray bias) {
        NDArray apply(NDArray x) {
            return bias == null ? Linear.linear(x, weight).singletonOrThrow()
                    : Linear.linear(x, weight, bias).singletonOrThrow();
        }
    }

    private record Layer(NDArray inputNorm, Dense q, Dense k, Dense v, Dense o, NDArray qNorm, NDArray kNorm,
                         NDArray postNorm, Dense gate, Dense up, Dense down) {
    }

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final Map<String, NDArray> parameters;
    private final NDArray embedTokens;
    private final Layer[] layers;
    private final NDArray finalNorm;
    private final NDArray lmHead;
    private final Rotary rotary;
    /**
     * 1 / sqrt(head_dim) as a tensor the model owns. DJL turns a Java number operand ({@code x.mul(0.125)}) into a
     * tensor over a direct buffer and closes it at once; autograd keeps that tensor for the backward pass, and
     * once the garbage collector frees the buffer the gradient reads freed memory. Operands that the backward
     * pass keeps must therefore outlive it: this one lives as long as the model. Made on first use, so that a
     * loaded model holds exactly its parameters.
     */
    private NDArray attentionScale;
    /** PyTorch's fused attention for the plain causal case, loaded on first use; see {@link #attention(AttentionKernel)}. */
    private FusedAttention fused;
    private volatile AttentionKernel attentionKernel = AttentionKernel.FUSED;

    private CausalLM(ModelConfig config, NDManager manager, DataType dtype, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.embedTokens = parameters.get("model.embed_tokens.weight");
        this.layers = new Layer[config.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(parameters.get(p + "input_layernorm.weight"),
                    dense(parameters, p + "self_attn.q_proj"), dense(parameters, p + "self_attn.k_proj"),
                    dense(parameters, p + "self_attn.v_proj"), dense(parameters, p + "self_attn.o_proj"),
                    parameters.get(p + "self_attn.q_norm.weight"), parameters.get(p + "self_attn.k_norm.weight"),
                    parameters.get(p + "post_attention_layernorm.weight"), dense(parameters, p + "mlp.gate_proj"),
                    dense(parameters, p + "mlp.up_proj"), dense(parameters, p + "mlp.down_proj"));
        }
        this.finalNorm = parameters.get("model.norm.weight");
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : parameters.get(TIED_HEAD);
        this.rotary = new Rotary(config, manager, dtype);
    }

    private static Dense dense(Map<String, NDArray> p, String prefix) {
        return new Dense(p.get(prefix + ".weight"), p.get(prefix + ".bias"));
    }

    // ---------------------------------------------------------------- construction

    /** Loads a checkpoint folder (config.json + safetensors) on the CPU in float32. */
    public static CausalLM load(Path dir) {
        return load(dir, Device.cpu(), DataType.FLOAT32);
    }

    /**
     * Loads a checkpoint folder onto a device in a dtype (FLOAT32 or FLOAT16; BF16 weights are widened in
     * Java first). Missing or misshapen tensors, unsupported dtypes and truncated files are a
     * {@link BadInputException} that names the file and the tensor.
     */
    public static CausalLM load(Path dir, Device device, DataType dtype) {
        checkDtype(dtype);
        ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
        Map<String, Shape> shapes = parameterShapes(config);
        NDManager manager = NDManager.newBaseManager(device);
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            for (String name : checkpoint.names()) {
                boolean known = shapes.containsKey(name) || name.endsWith("rotary_emb.inv_freq")
                        || (name.equals(TIED_HEAD) && config.tieWordEmbeddings());
                if (!known) {
                    throw new BadInputException(checkpoint.fileOf(name) + ": unexpected tensor '" + name
                            + "' for a " + config.modelType() + " model as config.json describes it");
                }
            }
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> e : shapes.entrySet()) {
                NDArray array = checkpoint.read(e.getKey(), e.getValue(), manager, dtype);
                array.setName(e.getKey());
                parameters.put(e.getKey(), array);
            }
            return new CausalLM(config, manager, dtype, parameters);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A freshly initialised model on the CPU in float32, reproducible from the seed: weight matrices and the
     * embedding drawn from N(0, initializer_range), biases zero, norm weights one (transformers' scheme).
     */
    public static CausalLM init(ModelConfig config, long seed) {
        return init(config, seed, Device.cpu(), DataType.FLOAT32);
    }

    /** As {@link #init(ModelConfig, long)} on a device in a dtype; the values are drawn in Java, so they do not depend on either. */
    public static CausalLM init(ModelConfig config, long seed, Device device, DataType dtype) {
        checkDtype(dtype);
        Random random = new Random(seed);
        NDManager manager = NDManager.newBaseManager(device);
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : parameterShapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            NDArray array;
            if (name.endsWith(".bias")) {
                array = manager.zeros(shape, dtype);
            } else if (name.endsWith("norm.weight")) {
                array = manager.ones(shape, dtype);
            } else {
                float[] values = new float[Math.toIntExact(shape.size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * config.initializerRange());
                }
                try (NDArray floats = manager.create(values, shape)) {
                    array = dtype == DataType.FLOAT32 ? floats.duplicate() : floats.toType(dtype, false);
                }
            }
            array.setName(name);
            parameters.put(name, array);
        }
        return new CausalLM(config, manager, dtype, parameters);
    }

    /** The first GPU when the engine sees one, else the CPU. */
    public static Device defaultDevice() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** "cpu" or "gpu" (the first GPU) as a device; "gpu" on a machine where DJL sees none is bad input, not a crash later. */
    public static Device device(String name) {
        return switch (name == null ? "cpu" : name) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new BadInputException("device gpu: DJL sees no GPU on this machine (environment/GPU.md)");
                }
                yield Device.gpu();
            }
            default -> throw new BadInputException("device must be cpu or gpu, got '" + name + "'");
        };
    }

    /** Parameter names (transformers' names and order) and shapes that a config implies. */
    static Map<String, Shape> parameterShapes(ModelConfig c) {
        long h = c.hiddenSize();
        long d = c.headDim();
        long q = (long) c.numAttentionHeads() * d;
        long kv = (long) c.numKeyValueHeads() * d;
        long inter = c.intermediateSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("model.embed_tokens.weight", new Shape(c.vocabSize(), h));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            linear(s, p + "self_attn.q_proj", q, h, c.qkvBias());
            linear(s, p + "self_attn.k_proj", kv, h, c.qkvBias());
            linear(s, p + "self_attn.v_proj", kv, h, c.qkvBias());
            linear(s, p + "self_attn.o_proj", h, q, c.outputBias());
            if (c.qkNorm()) {
                s.put(p + "self_attn.q_norm.weight", new Shape(d));
                s.put(p + "self_attn.k_norm.weight", new Shape(d));
            }
            linear(s, p + "mlp.gate_proj", inter, h, c.mlpHasBias());
            linear(s, p + "mlp.up_proj", inter, h, c.mlpHasBias());
            linear(s, p + "mlp.down_proj", h, inter, c.mlpHasBias());
            s.put(p + "input_layernorm.weight", new Shape(h));
            s.put(p + "post_attention_layernorm.weight", new Shape(h));
        }
        s.put("model.norm.weight", new Shape(h));
        if (!c.tieWordEmbeddings()) {
            s.put(TIED_HEAD, new Shape(c.vocabSize(), h));
        }
        return s;
    }

    private static void linear(Map<String, Shape> s, String prefix, long out, long in, boolean bias) {
        s.put(prefix + ".weight", new Shape(out, in));
        if (bias) {
            s.put(prefix + ".bias", new Shape(out));
        }
    }

    private static void checkDtype(DataType dtype) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("model dtype " + dtype + ": only float32 and float16 are supported");
        }
    }

    // ---------------------------------------------------------------- accessors

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public DataType dataType() {
        return dtype;
    }

    /** Number of parameters (a tied head counted once, as {@link #parameters()} holds it once). */
    public long parameterCount() {
        return parameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    /** Parameters by transformers' names, in transformers' order; the tied head is not listed twice. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Which attention kernel the causal, unpadded, uncached case uses (the others always take the explicit one).
     * FUSED by default; EXPLICIT is the readable reference, kept for comparison ({@code segattr bench}).
     */
    public CausalLM attention(AttentionKernel kernel) {
        this.attentionKernel = java.util.Objects.requireNonNull(kernel, "kernel");
        return this;
    }

    public AttentionKernel attentionKernel() {
        return attentionKernel;
    }

    /**
     * Native bytes a forward+backward pass of (batch, length) input embeddings holds at its peak, beyond the
     * parameters: the activations autograd keeps for backward and their gradients. Per layer and token, float32:
     * about ACTIVATION_HIDDEN copies of the hidden width (norms, residuals, projections' inputs), ACTIVATION_HEADS of
     * the q, k and v widths (q/k norms, rotary, the attention's inputs and output) and ACTIVATION_MLP of the MLP
     * width (gate, its sigmoid, the products, up); the explicit attention adds its (heads, T) scores a few times per
     * token (the fused kernel's backward about one). The coefficients are fitted to {@code segattr bench}'s peak native
     * memory (fused attention, hidden 256, 4 layers: 67-70 MB per point at T = 512 for K = 1..16, 420 MB at T = 2,048,
     * K = 2; the model gives 91 and 565 MB); they overestimate rather than under.
     */
    public long activationBytes(long batch, long length) {
        long h = config.hiddenSize();
        long qkv = (long) (config.numAttentionHeads() + 2 * config.numKeyValueHeads()) * config.headDim();
        double perToken = ACTIVATION_HIDDEN * h + ACTIVATION_HEADS * qkv + ACTIVATION_MLP * config.intermediateSize();
        boolean fusedScores = attentionKernel == AttentionKernel.FUSED && dtype == DataType.FLOAT32;
        perToken += (fusedScores ? FUSED_SCORES : ACTIVATION_SCORES) * config.numAttentionHeads() * (double) length;
        double bytes = Float.BYTES * (double) batch * length * (config.numHiddenLayers() * perToken + 2 * h);
        return (long) Math.min(Long.MAX_VALUE, bytes);
    }

    // ---------------------------------------------------------------- forward

    /** Token embeddings: (B, T) int64 ids -> (B, T, H), owned by the ids' manager. */
    public NDArray embed(NDArray ids) {
        long max;
        long min;
        try (NDArray hi = ids.max(); NDArray lo = ids.min()) {
            max = hi.getLong();
            min = lo.getLong();
        }
        if (min < 0 || max >= config.vocabSize()) {
            throw new BadInputException("token id " + (min < 0 ? min : max) + " is outside the vocabulary (size "
                    + config.vocabSize() + ")");
        }
        return Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * Logits from input embeddings.
     *
     * @param inputsEmbeds (B, T, H); moved to the model's device and dtype if needed (differentiably)
     * @param attentionMask (B, T), 1 for a token and 0 for padding (left or right), or null for no padding.
     *     Positions count only the tokens that are there, so a padded row gives the logits of the row alone
     *     (as transformers' generate does); padding rows stay finite.
     * @return (B, T, V) float32 logits, owned by {@code inputsEmbeds}' manager. Differentiable w.r.t.
     *     {@code inputsEmbeds}, and w.r.t. parameters on which the caller set requiresGradient.
     */
    public NDArray forward(NDArray inputsEmbeds, NDArray attentionMask) {
        return forward(inputsEmbeds, attentionMask, 0, inputsEmbeds.getShape().get(1));
    }

    /**
     * The logits of positions [from, to) only, (B, to - from, V): the layers run over the whole sequence, the final
     * norm and the head only over those positions. Integrated gradients reads a few answer positions of a long
     * trace: the full (B, T, V) logits (and their gradient) would cost T x V floats per row, gigabytes for a
     * 150k-token vocabulary, for nothing. Otherwise as {@link #forward(NDArray, NDArray)}.
     */
    public NDArray forward(NDArray inputsEmbeds, NDArray attentionMask, long from, long to) {
        long t = inputsEmbeds.getShape().get(1);
        if (from < 0 || to < from || to > t) {
            throw new IllegalArgumentException("head positions [" + from + ", " + to + ") must lie in [0, " + t + "]");
        }
        NDManager owner = inputsEmbeds.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray logits = run(inputsEmbeds, attentionMask, null, scope, from, to);
            logits.attach(owner);
            return logits;
        }
    }

    /**
     * The logits of some positions of (B, T) ids: (S, V) for S flat indices b * T + t. Training reads only the
     * supervised positions: no (B, T, V) logits, no head on the other tokens, no copy to pick rows out of them;
     * with a 150k-token vocabulary that is most of a step's memory and time. Differentiable as {@link #forward}.
     *
     * @param positions (S) int64 flat indices into the (B, T) batch
     */
    public NDArray forwardIdsAt(NDArray ids, NDArray attentionMask, NDArray positions) {
        NDManager owner = ids.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray embeds = embed(ids);
            embeds.attach(scope);
            NDArray states = layers(embeds, attentionMask, null, scope);                       // (B, T, H)
            NDArray picked = states.reshape(-1, config.hiddenSize()).get(new NDIndex("{}", positions)); // (S, H)
            NDArray logits = head(picked);                                                     // (S, V)
            logits.attach(owner);
            return logits;
        }
    }

    /** Logits from token ids (B, T); see {@link #forward}. The result belongs to the ids' manager. */
    public NDArray forwardIds(NDArray ids, NDArray attentionMask) {
        NDManager owner = ids.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray embeds = embed(ids);
            embeds.attach(scope);
            NDArray logits = run(embeds, attentionMask, null, scope, 0, ids.getShape().get(1));
            logits.attach(owner);
            return logits;
        }
    }

    /**
     * One decoding step with a KV cache: the new positions' embeddings (B, T, H) attend to the cached past.
     * Returns the logits of the last new position only, (B, 1, V).
     *
     * @param attentionMask (B, past + T) covering past and new positions
     */
    NDArray forwardCached(NDArray inputsEmbeds, NDArray attentionMask, KvCache cache) {
        NDManager owner = inputsEmbeds.getManager();
        long t = inputsEmbeds.getShape().get(1);
        try (NDManager scope = owner.newSubManager()) {
            // Decoding reads the last position only: the prompt pass need not make (B, T, V) logits.
            NDArray logits = run(inputsEmbeds, attentionMask, cache, scope, t - 1, t);
            cache.advance();
            logits.attach(owner);
            return logits;
        }
    }

    /** A KV cache for a batch, able to hold {@code capacity} positions. */
    KvCache newCache(NDManager parent, long batch, long capacity) {
        return new KvCache(parent, config, batch, capacity, dtype);
    }

    /** The decoder, with the head on positions [headFrom, headTo); every array it makes belongs to {@code scope}. */
    private NDArray run(NDArray inputsEmbeds, NDArray attentionMask, KvCache cache, NDManager scope, long headFrom,
                        long headTo) {
        return head(layers(inputsEmbeds, attentionMask, cache, scope, headFrom, headTo));   // (B, n, H) -> (B, n, V)
    }

    /** Embeddings through every layer: (B, T, H) -> (B, T, H) last-layer states, before the final norm. */
    private NDArray layers(NDArray inputsEmbeds, NDArray attentionMask, KvCache cache, NDManager scope) {
        return layers(inputsEmbeds, attentionMask, cache, scope, 0, inputsEmbeds.getShape().get(1));
    }

    /**
     * Embeddings through every layer, the last one at positions [from, to) only: (B, T, H) -> (B, to - from, H).
     * Nothing after the last layer reads the other positions, so its queries, output projection and MLP (and their
     * backward) run on the n positions the head reads; keys and values still come from every position. A few answer
     * positions of a long trace save nearly one layer of the work. (With a KV cache the layer runs whole.)
     */
    private NDArray layers(NDArray inputsEmbeds, NDArray attentionMask, KvCache cache, NDManager scope, long from,
                           long to) {
        Shape shape = inputsEmbeds.getShape();
        if (shape.dimension() != 3 || shape.get(2) != config.hiddenSize()) {
            throw new IllegalArgumentException("inputsEmbeds must be (B, T, " + config.hiddenSize() + "), got "
                    + shape);
        }
        long batch = shape.get(0);
        long t = shape.get(1);
        long past = cache == null ? 0 : cache.length();
        // Ops on the caller's arrays would put their results in the caller's manager: borrow them into scope.
        scope.tempAttachAll(inputsEmbeds);
        NDArray keep = attentionMask == null ? scope.ones(new Shape(batch, past + t), DataType.BOOLEAN)
                : mask(attentionMask, batch, past + t, scope);
        NDArray positions = keep.toType(DataType.INT64, false).cumSum(1).sub(1).maximum(0)
                .get(":, {}:", past);                                           // (B, T)
        NDList cosSin = rotary.at(positions);                                  // (B, 1, T, d) each
        NDArray x = inputsEmbeds;
        if (x.getDataType() != dtype || !x.getDevice().equals(device())) {
            x = x.toDevice(device(), false).toType(dtype, false);                // differentiable casts
        }
        boolean cut = cache == null && (from != 0 || to != t);
        for (int i = 0; i < layers.length; i++) {
            boolean last = i == layers.length - 1;
            try (NDManager layerScope = scope.newSubManager()) {
                x.tempAttach(layerScope);
                NDArray out = layer(i, x, keep, attentionMask != null, past, cosSin, cache,
                        last && cut ? from : 0, last && cut ? to : t);
                out.attach(scope);
                x = out;
            }
        }
        if (cache != null && (from != 0 || to != t)) {
            x = x.get(new NDIndex(":, {}:{}, :", from, to));                      // (B, n, H)
        }
        return x;
    }

    /** Final norm and LM head: (B, n, H) last-layer states -> (B, n, V) float32 logits, in x's manager. */
    private NDArray head(NDArray x) {
        NDArray logits = Linear.linear(rmsNorm(x, finalNorm), lmHead).singletonOrThrow();
        return logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    /** Receives one block of logits; the array is closed when the call returns. */
    @FunctionalInterface
    public interface LogitsBlock {
        /** @param from the block's first position; @param logits (B, n, V) float32 */
        void accept(int from, NDArray logits);
    }

    /**
     * The logits of every position, {@code block} positions at a time, the layers run once: for statistics over
     * all positions (log-probs, entropies) whose (B, T, V) logits would not fit, 2.4 GB for 4,000 tokens of a
     * 150k-token vocabulary. Memory: one pass's activations plus one (B, block, V) block. Gradients flow if the
     * caller records them, as through {@link #forward}.
     */
    public void forEachLogitsBlock(NDArray inputsEmbeds, NDArray attentionMask, int block, LogitsBlock visitor) {
        if (block < 1) {
            throw new IllegalArgumentException("block must be at least 1, got " + block);
        }
        long t = inputsEmbeds.getShape().get(1);
        try (NDManager scope = inputsEmbeds.getManager().newSubManager()) {
            NDArray states = layers(inputsEmbeds, attentionMask, null, scope);      // (B, T, H)
            for (long from = 0; from < t; from += block) {
                try (NDManager blockScope = scope.newSubManager()) {
                    NDArray x = states.get(new NDIndex(":, {}:{}, :", from, Math.min(t, from + block)));
                    x.attach(blockScope);
                    visitor.accept((int) from, head(x));
                }
            }
        }
    }

    /** One layer; x (B, T, H) -> (B, to - from, H): the outputs at positions [from, to) (all of them but in the last layer). */
    private NDArray layer(int index, NDArray x, NDArray keep, boolean padded, long past, NDList cosSin, KvCache cache,
                          long from, long to) {
        Layer l = layers[index];
        NDArray residual = from == 0 && to == x.getShape().get(1) ? x : x.get(new NDIndex(":, {}:{}, :", from, to));
        NDArray h = residual.add(attention(index, l, rmsNorm(x, l.inputNorm), keep, padded, past, cosSin, cache,
                from, to));
        NDArray normed = rmsNorm(h, l.postNorm);
        NDArray gate = l.gate.apply(normed);
        NDArray mlp = l.down.apply(gate.mul(Activation.sigmoid(gate)).mul(l.up.apply(normed))); // silu(g) * u
        return h.add(mlp);
    }

    /**
     * Grouped-query causal self-attention of the queries at positions [from, to) over keys at every position;
     * x (B, T, H) -> (B, n, H), n = to - from (all T but in a cut last layer).
     *
     * @param keep (B, S) which of the S = past + T positions are tokens (not padding)
     * @param padded whether the caller gave a mask (else every position is a token)
     */
    private NDArray attention(int index, Layer l, NDArray x, NDArray keep, boolean padded, long past, NDList cosSin,
                              KvCache cache, long from, long to) {
        long batch = x.getShape().get(0);
        long t = x.getShape().get(1);
        long n = to - from;
        boolean whole = n == t;
        NDIndex queries = new NDIndex(":, :, {}:{}, :", from, to);
        NDArray q = heads(l.q.apply(whole ? x : x.get(new NDIndex(":, {}:{}, :", from, to))), batch, n, l.qNorm); // (B, nH, n, d)
        NDArray k = heads(l.k.apply(x), batch, t, l.kNorm);                     // (B, nKV, T, d)
        NDArray v = heads(l.v.apply(x), batch, t, null);                        // (B, nKV, T, d)
        q = Rotary.apply(q, whole ? cosSin.get(0) : cosSin.get(0).get(queries),
                whole ? cosSin.get(1) : cosSin.get(1).get(queries));
        k = Rotary.apply(k, cosSin.get(0), cosSin.get(1));
        if (cache != null) {
            NDArray[] kv = cache.append(index, k, v);                           // (B, nKV, S, d)
            k = kv[0];
            v = kv[1];
        }
        FusedAttention kernel = cache == null && !padded && whole ? fusedKernel() : null;
        if (kernel != null) {                                                   // plain causal: one fused call
            NDArray out = kernel.apply(q, k, v);                                // (B, nH, T, d)
            return l.o.apply(out.transpose(0, 2, 1, 3).reshape(batch, t, (long) config.numAttentionHeads()
                    * config.headDim()));
        }
        int groups = config.numAttentionHeads() / config.numKeyValueHeads();
        // Decoding reads the whole cache at every step: there a group's queries go to their kv head as one matrix
        // (B, nKV, groups * n, d) instead of copying the cache once per group.
        boolean grouped = cache != null && groups > 1;
        if (groups > 1 && !grouped) {                                           // each kv head serves a group
            k = k.repeat(1, groups);                                            // (B, nH, S, d)
            v = v.repeat(1, groups);
        }
        NDArray keysT = k.transpose(0, 1, 3, 2);                                // (B, nH or nKV, d, S)
        long s = keysT.getShape().get(3);
        // Queries go in blocks, each in its own scope, so that only one block's scores (B, nH, block, S)
        // exist at a time: without gradients memory grows with T instead of T^2, and the allocator reuses
        // the blocks' memory instead of mapping fresh pages for every T x S array.
        long block = Math.max(1, SCORE_BLOCK_ELEMENTS / (batch * config.numAttentionHeads() * s));
        NDList outs = new NDList();
        for (long q0 = 0; q0 < n; q0 += block) {
            long q1 = Math.min(n, q0 + block);
            try (NDManager blockScope = x.getManager().newSubManager()) {
                NDArray qBlock = q.get(new NDIndex(":, :, {}:{}, :", q0, q1));     // a view
                qBlock.attach(blockScope);
                NDArray bias = attentionBias(keep, past + from + q0, q1 - q0, blockScope);   // (B, 1, nb, S)
                NDArray out;
                if (grouped) {                                                  // head h = kv head h / groups
                    long nb = q1 - q0;
                    NDArray gq = qBlock.reshape(batch, config.numKeyValueHeads(), groups * nb, config.headDim());
                    out = attend(gq, keysT, v, bias.tile(new long[] {1, 1, groups, 1}))   // (B, nKV, groups * nb, d)
                            .reshape(batch, config.numAttentionHeads(), nb, config.headDim());
                } else {
                    out = attend(qBlock, keysT, v, bias);                       // (B, nH, nb, d)
                }
                out.attach(x.getManager());
                outs.add(out);
            }
        }
        NDArray out = outs.size() == 1 ? outs.get(0) : NDArrays.concat(outs, 2);  // (B, nH, n, d)
        return l.o.apply(out.transpose(0, 2, 1, 3).reshape(batch, n, (long) config.numAttentionHeads()
                * config.headDim()));
    }

    /** The fused kernel when chosen and available (float32: the explicit path keeps float16 scores in float32). */
    private synchronized FusedAttention fusedKernel() {
        if (attentionKernel != AttentionKernel.FUSED || dtype != DataType.FLOAT32) {
            return null;
        }
        if (fused == null) {
            fused = FusedAttention.load(manager);
            if (fused == null) {
                attentionKernel = AttentionKernel.EXPLICIT; // this engine cannot run it: say so through the getter
            }
        }
        return fused;
    }

    private synchronized NDArray attentionScale() {
        if (attentionScale == null) {
            attentionScale = manager.create((float) (1.0 / Math.sqrt(config.headDim())));
        }
        return attentionScale;
    }

    /** softmax(q k^T / sqrt(d) + bias) v for one block of queries: q (B, nH, t, d) -> (B, nH, t, d). */
    private NDArray attend(NDArray q, NDArray keysT, NDArray v, NDArray bias) {
        NDArray scores = q.matMul(keysT);                                       // (B, nH, t, S)
        if (scores.getDataType() != DataType.FLOAT32) {
            scores = scores.toType(DataType.FLOAT32, false);
        }
        // In place on the fresh product (matMul's backward needs its inputs, not its output). The scale is a
        // model-owned tensor, not a Java number: see attentionScale.
        scores.muli(attentionScale()).addi(bias);
        return scores.softmax(-1).toType(v.getDataType(), false).matMul(v);
    }

    /** (B, T, n*d) -> (B, n, T, d), RMS-normalising each head first when the family does (Qwen3). */
    private NDArray heads(NDArray projected, long batch, long t, NDArray norm) {
        NDArray split = projected.reshape(batch, t, -1, config.headDim());
        if (norm != null) {
            split = rmsNorm(split, norm);
        }
        return split.transpose(0, 2, 1, 3);
    }

    /** x * rsqrt(mean(x^2) + eps) * w over the last axis, computed in float32. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray x32 = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        // A division by sqrt rather than pow(-0.5): pow's backward keeps its exponent, which DJL makes from a Java
        // number and frees early (see attentionScale); add's backward keeps nothing of eps.
        NDArray normed = x32.div(variance.add(config.rmsNormEps()).sqrt());
        return normed.toType(x.getDataType(), false).mul(weight);
    }

    /** The caller's mask as booleans (B, S), checked. */
    private static NDArray mask(NDArray attentionMask, long batch, long length, NDManager scope) {
        if (!attentionMask.getShape().equals(new Shape(batch, length))) {
            throw new IllegalArgumentException("attentionMask must be (" + batch + ", " + length + "), got "
                    + attentionMask.getShape());
        }
        scope.tempAttachAll(attentionMask);
        return attentionMask.toType(DataType.FLOAT32, false).gt(0);
    }

    /**
     * Additive attention bias (B, 1, T, S) for T queries at absolute slots past..past+T-1: 0 where query i may
     * see key j, that is j <= past + i and j is not padding; the lowest float32 elsewhere. A row with nothing
     * visible (a padding query) then gets a uniform softmax, never NaN.
     */
    private static NDArray attentionBias(NDArray keep, long past, long t, NDManager scope) {
        long s = keep.getShape().get(1);
        NDArray keyIndex = scope.arange(0, (int) s, 1, DataType.INT64).reshape(1, s);
        NDArray queryIndex = scope.arange((int) past, (int) (past + t), 1, DataType.INT64).reshape(t, 1);
        NDArray causal = keyIndex.lte(queryIndex);                              // (T, S)
        NDArray allowed = causal.expandDims(0).logicalAnd(keep.expandDims(1));  // (B, T, S)
        return allowed.logicalNot().toType(DataType.FLOAT32, false).mul(-Float.MAX_VALUE).expandDims(1);
    }

    @Override
    public void close() {
        if (fused != null) {
            fused.close();
        }
        manager.close();
    }
}
