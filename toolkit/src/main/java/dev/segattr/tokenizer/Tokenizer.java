package dev.segattr.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segattr.BadInputException;
import dev.segattr.template.ChatTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Hugging Face tokenizer read from a local folder (tokenizer.json, and tokenizer_config.json for the special
 * tokens and the chat template), offline, through DJL's binding of the Rust tokenizers library.
 *
 * <p>{@link #encode} never truncates, never pads and adds no special tokens (the chat template writes them
 * as text, and they are recognised there as single tokens). Its offsets are UTF-16 char offsets into the
 * encoded String: DJL reports offsets in Unicode code points, which differ after any surrogate pair.
 *
 * <p>Special tokens come from tokenizer_config.json ({@code bos_token}, {@code eos_token}, {@code pad_token},
 * {@code unk_token}; a string or an {@code {"content": ...}} object), else from special_tokens_map.json. The
 * pad token falls back to the eos token (what Hugging Face training code does when a tokenizer has none), then
 * to the unk token; with none of them {@link #padId()} throws. Stop ids for generation are the eos token
 * plus any {@code eos_token_id} in generation_config.json beside it.
 */
public final class Tokenizer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Special-token attributes in the order transformers lists them (SPECIAL_TOKENS_ATTRIBUTES). */
    private static final List<String> SPECIAL_ATTRIBUTES =
            List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    private final Path dir;
    private final HuggingFaceTokenizer hf;
    private final Map<String, Long> idsByToken;
    private final String[] tokensById;
    private final boolean[] special;
    private final Map<String, String> specialTokens;
    private final long[] eosIds;
    private final String chatTemplateSource;
    private ChatTemplate chatTemplate; // parsed on first use

    private Tokenizer(Path dir, HuggingFaceTokenizer hf, Map<String, Long> idsByToken, String[] tokensById,
            boolean[] special, Map<String, String> specialTokens, long[] eosIds, String chatTemplateSource) {
        this.dir = dir;
        this.hf = hf;
        this.idsByToken = idsByToken;
        this.tokensById = tokensById;
        this.special = special;
        this.specialTokens = specialTokens;
        this.eosIds = eosIds;
        this.chatTemplateSource = chatTemplateSource;
    }

    /** Reads {@code dir/tokenizer.json} (required) and tokenizer_config.json / special_tokens_map.json if present. */
    public static Tokenizer load(Path dir) {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new BadInputException(json + ": no tokenizer.json in the tokenizer folder");
        }
        Map<String, Long> ids = new HashMap<>();
        List<Long> specialIds = new ArrayList<>();
        readVocab(json, ids, specialIds);
        long maxId = ids.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        String[] tokens = new String[Math.toIntExact(maxId + 1)];
        ids.forEach((token, id) -> tokens[id.intValue()] = token);
        boolean[] special = new boolean[tokens.length];
        specialIds.forEach(id -> special[id.intValue()] = true);

        JsonNode config = readOptionalJson(dir.resolve("tokenizer_config.json"));
        JsonNode specialMap = readOptionalJson(dir.resolve("special_tokens_map.json"));
        Map<String, String> specials = new LinkedHashMap<>();
        for (String attribute : SPECIAL_ATTRIBUTES) {
            String value = tokenContent(config.get(attribute));
            if (value == null) {
                value = tokenContent(specialMap.get(attribute));
            }
            if (value != null) {
                specials.put(attribute, value);
            }
        }
        long[] eos = eosIds(dir, specials, ids);
        String template = chatTemplateSource(dir, config);

        HuggingFaceTokenizer hf;
        Map<String, String> options = Map.of(
                "addSpecialTokens", "false", // templates write the special tokens as text
                "truncation", "false",       // DJL's default cuts at 512 tokens: long traces would lose their end
                "padding", "false");
        try (InputStream in = Files.newInputStream(json)) {
            // The InputStream form ignores tokenizer_config.json: DJL would otherwise lower-case, strip accents
            // or prepend a space in Java before encoding (shifting offsets) and "clean up" spaces when decoding.
            hf = HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(json + ": cannot be loaded as a tokenizer: " + e.getMessage(), e);
        }
        return new Tokenizer(dir, hf, Collections.unmodifiableMap(ids), tokens, special,
                Collections.unmodifiableMap(specials), eos, template);
    }

    /** Tokens of {@code text}: no special tokens added, no truncation, UTF-16 char offsets. */
    public Encoded encode(String text) {
        Encoding encoding = hf.encode(text, false, false);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] codePointToChar = codePointToCharIndex(text);
        int[] start = new int[ids.length];
        int[] end = new int[ids.length];
        int previousEnd = 0;
        for (int i = 0; i < ids.length; i++) {
            if (spans[i] == null) { // a token with no source text (only post-processor tokens, never added here)
                start[i] = previousEnd;
                end[i] = previousEnd;
                continue;
            }
            start[i] = toChar(codePointToChar, spans[i].getStart());
            end[i] = toChar(codePointToChar, spans[i].getEnd());
            previousEnd = end[i];
        }
        return new Encoded(ids, start, end);
    }

    /** Text of {@code ids} with special tokens kept, so that decode(encode(t).ids()) gives t back. */
    public String decode(long[] ids) {
        return decode(ids, false);
    }

    /** Text of {@code ids}; {@code skipSpecialTokens} drops the tokens marked special in tokenizer.json. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        for (long id : ids) {
            if (id < 0 || id >= tokensById.length) {
                throw new BadInputException("token id " + id + " is outside the tokenizer's range [0, "
                        + tokensById.length + ") of " + dir.resolve("tokenizer.json"));
            }
        }
        return hf.decode(ids, skipSpecialTokens);
    }

    /** Highest token id + 1, added tokens included (transformers' {@code len(tokenizer)}). */
    public int vocabSize() {
        return tokensById.length;
    }

    /** Id of a token given as the vocabulary writes it (byte-level form, e.g. "Ġthe") or as an added token. */
    public OptionalLong tokenId(String token) {
        Long id = idsByToken.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Like {@link #tokenId} but a missing token is bad input. */
    public long requireTokenId(String token) {
        return tokenId(token).orElseThrow(() -> new BadInputException(
                "'" + token + "' is not a token of " + dir.resolve("tokenizer.json")));
    }

    /** The vocabulary's form of token {@code id} (null for an id no token has). */
    public String tokenString(long id) {
        return id >= 0 && id < tokensById.length ? tokensById[(int) id] : null;
    }

    /** Whether tokenizer.json marks token {@code id} as special (removed by decode with skipSpecialTokens). */
    public boolean isSpecial(long id) {
        return id >= 0 && id < special.length && special[(int) id];
    }

    /** The pad token: pad_token, else eos_token, else unk_token. */
    public String padToken() {
        for (String attribute : List.of("pad_token", "eos_token", "unk_token")) {
            String token = specialTokens.get(attribute);
            if (token != null) {
                return token;
            }
        }
        throw new BadInputException(dir + ": the tokenizer has no pad, eos or unk token;"
                + " set pad_token in tokenizer_config.json");
    }

    public long padId() {
        return requireTokenId(padToken());
    }

    /** The eos token of tokenizer_config.json; throws if there is none. */
    public String eosToken() {
        String eos = specialTokens.get("eos_token");
        if (eos == null) {
            throw new BadInputException(dir + ": the tokenizer has no eos_token in tokenizer_config.json");
        }
        return eos;
    }

    public long eosId() {
        return requireTokenId(eosToken());
    }

    /** Ids that end generation: the eos token and generation_config.json's eos_token_id(s), first the former. */
    public long[] eosIds() {
        return eosIds.clone();
    }

    public Optional<String> bosToken() {
        return Optional.ofNullable(specialTokens.get("bos_token"));
    }

    public OptionalLong bosId() {
        String bos = specialTokens.get("bos_token");
        return bos == null ? OptionalLong.empty() : OptionalLong.of(requireTokenId(bos));
    }

    /** The named special tokens that are set (bos_token, eos_token, pad_token...), as chat templates see them. */
    public Map<String, String> specialTokens() {
        return specialTokens;
    }

    /** Throws when a token id would fall outside a model's embedding table of {@code modelVocabSize} rows. */
    public void checkFits(int modelVocabSize) {
        if (vocabSize() > modelVocabSize) {
            throw new BadInputException(dir.resolve("tokenizer.json") + ": token ids reach " + (vocabSize() - 1)
                    + " but the model's vocab_size is " + modelVocabSize + ": tokenizer and model do not match");
        }
    }

    /** Whether tokenizer_config.json (or chat_template.jinja) has a chat template. */
    public boolean hasChatTemplate() {
        return chatTemplateSource != null;
    }

    /** The chat template with this tokenizer's special tokens; throws when the tokenizer has none. */
    public synchronized ChatTemplate chatTemplate() {
        if (chatTemplateSource == null) {
            throw new BadInputException(dir.resolve("tokenizer_config.json")
                    + ": no chat_template (and no chat_template.jinja beside it)");
        }
        if (chatTemplate == null) {
            chatTemplate = ChatTemplate.of(chatTemplateSource, specialTokens);
        }
        return chatTemplate;
    }

    /** The folder this tokenizer was read from. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        hf.close();
    }

    // ---- reading the files

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read: " + e.getMessage());
        }
    }

    private static JsonNode readOptionalJson(Path file) {
        return Files.isRegularFile(file) ? readJson(file) : JSON.createObjectNode();
    }

    /**
     * Fills token -> id from the model's vocabulary and the added tokens, and collects the special ones. Streams
     * the file: a real tokenizer.json holds hundreds of thousands of merges that need not become a tree.
     */
    private static void readVocab(Path file, Map<String, Long> ids, List<Long> specialIds) {
        boolean sawVocab = false;
        try (JsonParser p = JSON.getFactory().createParser(file.toFile())) {
            expect(p.nextToken() == JsonToken.START_OBJECT, file, "a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                if (field.equals("model") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String modelField = p.getCurrentName();
                        JsonToken v = p.nextToken();
                        if (modelField.equals("vocab") && v == JsonToken.START_OBJECT) { // BPE, WordPiece, WordLevel
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String token = p.getCurrentName();
                                p.nextToken();
                                ids.put(token, p.getLongValue());
                            }
                            sawVocab = true;
                        } else if (modelField.equals("vocab") && v == JsonToken.START_ARRAY) { // Unigram: [piece, score]
                            long id = 0;
                            while (p.nextToken() == JsonToken.START_ARRAY) {
                                p.nextToken();
                                ids.put(p.getText(), id++);
                                while (p.nextToken() != JsonToken.END_ARRAY) {
                                    p.skipChildren();
                                }
                            }
                            sawVocab = true;
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode added = p.readValueAsTree();
                        long id = added.path("id").asLong();
                        ids.put(added.path("content").asText(), id);
                        if (added.path("special").asBoolean(false)) {
                            specialIds.add(id);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read: " + e.getMessage());
        }
        expect(sawVocab, file, "a field 'model.vocab'");
    }

    private static void expect(boolean condition, Path file, String what) {
        if (!condition) {
            throw new BadInputException(file + ": expected " + what);
        }
    }

    /** A special-token entry: "text", or {"content": "text", ...} (AddedToken), or null. */
    private static String tokenContent(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }

    private static long[] eosIds(Path dir, Map<String, String> specials, Map<String, Long> ids) {
        List<Long> eos = new ArrayList<>();
        Long eosToken = ids.get(specials.get("eos_token"));
        if (eosToken != null) {
            eos.add(eosToken);
        }
        JsonNode generation = readOptionalJson(dir.resolve("generation_config.json")).get("eos_token_id");
        if (generation != null) {
            List<JsonNode> values = new ArrayList<>();
            if (generation.isArray()) {
                generation.forEach(values::add);
            } else {
                values.add(generation);
            }
            for (JsonNode v : values) {
                if (v.canConvertToLong() && !eos.contains(v.asLong())) {
                    eos.add(v.asLong());
                }
            }
        }
        return eos.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The chat template: tokenizer_config.json's "chat_template" (a string, or a list of {name, template} of
     * which "default" is taken), else chat_template.jinja (where newer transformers save it), else null.
     */
    private static String chatTemplateSource(Path dir, JsonNode config) {
        JsonNode template = config.get("chat_template");
        if (template != null && template.isTextual()) {
            return template.asText();
        }
        if (template != null && template.isArray()) {
            for (JsonNode named : template) {
                if ("default".equals(named.path("name").asText())) {
                    return named.path("template").asText();
                }
            }
            throw new BadInputException(dir.resolve("tokenizer_config.json")
                    + ": field 'chat_template' is a list without a template named 'default'");
        }
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            try {
                return Files.readString(jinja);
            } catch (IOException e) {
                throw new BadInputException(jinja + ": cannot be read: " + e.getMessage());
            }
        }
        return null;
    }

    // ---- offsets

    /**
     * Map from code point index to UTF-16 char index (length = code points + 1), or null when the text has no
     * surrogate pair and the two coincide.
     */
    private static int[] codePointToCharIndex(String text) {
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            return null;
        }
        int[] map = new int[codePoints + 1];
        int chars = 0;
        for (int cp = 0; cp < codePoints; cp++) {
            map[cp] = chars;
            chars += Character.charCount(text.codePointAt(chars));
        }
        map[codePoints] = chars;
        return map;
    }

    private static int toChar(int[] codePointToChar, int codePointIndex) {
        return codePointToChar == null ? codePointIndex : codePointToChar[codePointIndex];
    }

    @Override
    public String toString() {
        return "Tokenizer[" + dir + ", " + tokensById.length + " tokens, specials " + specialTokens.keySet()
                + (chatTemplateSource != null ? ", chat template" : "") + "]";
    }

    /** Tokens listed for debugging: the vocabulary forms of {@code ids}. */
    public List<String> tokenStrings(long[] ids) {
        return Arrays.stream(ids).mapToObj(this::tokenString).toList();
    }
}
