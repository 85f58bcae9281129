package dev.segattr.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.experiment.AtomicFile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The shape of a decoder of the Llama / Qwen2 / Qwen3 family, as a Hugging Face config.json states it.
 * Family differences the decoder needs: Qwen2 always has a bias on q/k/v; Llama and Qwen3 put a bias on
 * q/k/v/o when {@code attention_bias} is set; Qwen3 normalises every query and key head (q_norm, k_norm);
 * Llama may put a bias on the MLP ({@code mlp_bias}).
 *
 * @param modelType llama, qwen2 or qwen3
 * @param headDim size of one attention head; transformers' default is hidden/heads, 128 for qwen3
 * @param ropeScaling null when positions are not rescaled
 * @param eosTokenIds every id that ends a generation (config.json allows an int or a list)
 * @param bosTokenId null when absent
 * @param padTokenId null when absent
 */
public record ModelConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize,
                          int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads, int headDim,
                          double rmsNormEps, double ropeTheta, RopeScaling ropeScaling, boolean attentionBias,
                          boolean mlpBias, boolean tieWordEmbeddings, Long bosTokenId, List<Long> eosTokenIds,
                          Long padTokenId, int maxPositionEmbeddings, double initializerRange) {

    private static final Set<String> TYPES = Set.of("llama", "qwen2", "qwen3");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (!TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model type " + modelType + " (supported: llama, qwen2, qwen3)");
        }
        if (numKeyValueHeads <= 0 || numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotary embeddings");
        }
    }

    /**
     * A config for tests and training from scratch: rms_norm_eps 1e-6, rope_theta 10000, no rope scaling, no
     * biases beyond the family's own, 4096 positions, initializer_range 0.02, no special tokens; embeddings
     * tied for Qwen (as its small checkpoints are), untied for Llama.
     */
    public static ModelConfig of(String modelType, int vocabSize, int hiddenSize, int intermediateSize,
                                 int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads, int headDim) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, 1e-6, 10000.0, null, false, false,
                !modelType.equals("llama"), null, List.of(), null, 4096, 0.02);
    }

    /** Qwen2 always has a q/k/v bias; Llama and Qwen3 follow attention_bias. */
    public boolean qkvBias() {
        return modelType.equals("qwen2") || attentionBias;
    }

    /** Qwen2 never has an o_proj bias; Llama and Qwen3 follow attention_bias. */
    public boolean outputBias() {
        return !modelType.equals("qwen2") && attentionBias;
    }

    /** Qwen3 RMS-normalises each query and key head before the rotary embedding. */
    public boolean qkNorm() {
        return modelType.equals("qwen3");
    }

    /** Only Llama has the mlp_bias switch. */
    public boolean mlpHasBias() {
        return modelType.equals("llama") && mlpBias;
    }

    public ModelConfig withTokens(Long bos, List<Long> eos, Long pad) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta, ropeScaling, attentionBias,
                mlpBias, tieWordEmbeddings, bos, eos, pad, maxPositionEmbeddings, initializerRange);
    }

    public ModelConfig withTiedEmbeddings(boolean tied) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta, ropeScaling, attentionBias,
                mlpBias, tied, bosTokenId, eosTokenIds, padTokenId, maxPositionEmbeddings, initializerRange);
    }

    /** Reads a config.json; any field we cannot honour is a one-line {@link BadInputException}. */
    public static ModelConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BadInputException(configJson + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(configJson + ": not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(configJson + ": expected a JSON object");
        }
        Fields f = new Fields(root, configJson);
        String type = f.text("model_type");
        if (!TYPES.contains(type)) {
            throw new BadInputException(configJson + ": field 'model_type': '" + type
                    + "' is not supported (supported: llama, qwen2, qwen3)");
        }
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new BadInputException(configJson + ": field 'hidden_act': '" + act + "' is not supported (silu)");
        }
        if (root.path("use_sliding_window").asBoolean(false)) {
            throw new BadInputException(configJson + ": field 'use_sliding_window': sliding-window attention"
                    + " is not supported");
        }
        for (JsonNode layerType : root.path("layer_types")) {
            if (!layerType.asText().equals("full_attention")) {
                throw new BadInputException(configJson + ": field 'layer_types': '" + layerType.asText()
                        + "' layers are not supported (full_attention only)");
            }
        }
        int hidden = f.positive("hidden_size", null);
        int heads = f.positive("num_attention_heads", null);
        int kvHeads = f.positive("num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw new BadInputException(configJson + ": field 'num_key_value_heads': " + kvHeads
                    + " does not divide num_attention_heads " + heads);
        }
        int headDim = f.positive("head_dim", type.equals("qwen3") ? 128 : hidden / heads);
        if (headDim % 2 != 0) {
            throw new BadInputException(configJson + ": field 'head_dim': " + headDim + " must be even");
        }
        int maxPos = f.positive("max_position_embeddings", type.equals("llama") ? 2048 : 32768);
        // transformers 5 writes rope_parameters {rope_theta, rope_type, ...}; 4 writes rope_theta + rope_scaling.
        JsonNode ropeParams = root.get("rope_parameters");
        double theta = ropeParams != null && ropeParams.hasNonNull("rope_theta")
                ? ropeParams.get("rope_theta").asDouble() : f.number("rope_theta", 10000.0);
        RopeScaling scaling = ropeParams != null && !ropeParams.isNull()
                ? RopeScaling.read(ropeParams, maxPos, configJson, "rope_parameters")
                : RopeScaling.read(root.get("rope_scaling"), maxPos, configJson, "rope_scaling");
        return new ModelConfig(type, f.positive("vocab_size", null), hidden, f.positive("intermediate_size", null),
                f.positive("num_hidden_layers", null), heads, kvHeads, headDim, f.number("rms_norm_eps", 1e-6),
                theta, scaling, f.bool("attention_bias"), f.bool("mlp_bias"), f.bool("tie_word_embeddings"),
                f.tokenId("bos_token_id"), f.tokenIds("eos_token_id"), f.tokenId("pad_token_id"), maxPos,
                f.number("initializer_range", 0.02));
    }

    /** Writes config.json as transformers writes it for this family, so AutoModelForCausalLM loads it. */
    public void write(Path configJson) {
        ObjectNode out = JSON.createObjectNode();
        out.putArray("architectures").add(switch (modelType) {
            case "llama" -> "LlamaForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            default -> "Qwen3ForCausalLM";
        });
        out.put("model_type", modelType);
        out.put("vocab_size", vocabSize);
        out.put("hidden_size", hiddenSize);
        out.put("intermediate_size", intermediateSize);
        out.put("num_hidden_layers", numHiddenLayers);
        out.put("num_attention_heads", numAttentionHeads);
        out.put("num_key_value_heads", numKeyValueHeads);
        out.put("head_dim", headDim);
        out.put("hidden_act", "silu");
        out.put("rms_norm_eps", rmsNormEps);
        out.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            out.putNull("rope_scaling");
        } else {
            ropeScaling.write(out.putObject("rope_scaling"));
        }
        if (!modelType.equals("qwen2")) {
            out.put("attention_bias", attentionBias);
        }
        if (modelType.equals("llama")) {
            out.put("mlp_bias", mlpBias);
        } else {
            out.put("use_sliding_window", false);
        }
        out.put("tie_word_embeddings", tieWordEmbeddings);
        putId(out, "bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) {
            out.put("eos_token_id", eosTokenIds.get(0));
        } else if (eosTokenIds.isEmpty()) {
            out.putNull("eos_token_id");
        } else {
            ArrayNode eos = out.putArray("eos_token_id");
            eosTokenIds.forEach(eos::add);
        }
        putId(out, "pad_token_id", padTokenId);
        out.put("max_position_embeddings", maxPositionEmbeddings);
        out.put("initializer_range", initializerRange);
        out.put("torch_dtype", "float32");
        out.put("use_cache", true);
        AtomicFile.write(configJson, stream -> stream.write(JSON.writeValueAsBytes(out)));
    }

    private static void putId(ObjectNode out, String key, Long id) {
        if (id == null) {
            out.putNull(key);
        } else {
            out.put(key, id);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** Typed access to config.json fields with messages that name the file and the field. */
    private record Fields(JsonNode root, Path file) {
        String text(String key) {
            JsonNode n = root.get(key);
            if (n == null || !n.isTextual()) {
                throw bad(key, "expected a string, got " + n);
            }
            return n.asText();
        }

        int positive(String key, Integer fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                if (fallback == null) {
                    throw bad(key, "missing");
                }
                return fallback;
            }
            if (!n.isIntegralNumber() || n.asLong() <= 0 || n.asLong() > Integer.MAX_VALUE) {
                throw bad(key, "expected a positive integer, got " + n);
            }
            return n.asInt();
        }

        double number(String key, double fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isNumber()) {
                throw bad(key, "expected a number, got " + n);
            }
            return n.asDouble();
        }

        boolean bool(String key) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return false;
            }
            if (!n.isBoolean()) {
                throw bad(key, "expected true or false, got " + n);
            }
            return n.asBoolean();
        }

        Long tokenId(String key) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isIntegralNumber() || n.asLong() < 0) {
                throw bad(key, "expected a token id, got " + n);
            }
            return n.asLong();
        }

        List<Long> tokenIds(String key) {
            JsonNode n = root.get(key);
            List<Long> ids = new ArrayList<>();
            if (n == null || n.isNull()) {
                return ids;
            }
            for (JsonNode item : n.isArray() ? n : List.of(n)) {
                if (!item.isIntegralNumber() || item.asLong() < 0) {
                    throw bad(key, "expected a token id or a list of them, got " + n);
                }
                ids.add(item.asLong());
            }
            return ids;
        }

        BadInputException bad(String key, String what) {
            return new BadInputException(file + ": field '" + key + "': " + what);
        }
    }
}
