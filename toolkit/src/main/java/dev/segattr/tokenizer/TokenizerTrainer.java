package dev.segattr.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a small byte-level BPE tokenizer on a text corpus and writes it as a Hugging Face tokenizer folder
 * (tokenizer.json + tokenizer_config.json with a chat template) that {@link Tokenizer#load}, DJL and
 * transformers read. It is the tokenizer of the embedded default model.
 *
 * <p>Pre-tokenization is Qwen2's split with two changes that matter for segment attribution: a run of
 * newlines is always a piece of its own (so "\n\nWait" starts a token whatever precedes it, and segment
 * boundaries fall on token boundaries), and every digit is a piece of its own (numbers are spelled digit by
 * digit, which keeps arithmetic learnable). Any text round-trips exactly: bytes are the base vocabulary.
 *
 * <p>Special tokens (plain ASCII) follow the merges: {@code <|pad|>}, {@code <|end|>} (eos),
 * {@code <|system|>}, {@code <|user|>}, {@code <|assistant|>}, and {@code <think>}, {@code </think>} (not
 * "special": decoding keeps them). The chat template lays a conversation out as DeepSeek-R1-Distill does;
 * its generation prompt ends in {@code <|assistant|><think>\n}.
 */
public final class TokenizerTrainer {

    /** The split before byte-level BPE (Oniguruma syntax in tokenizer.json; Java's with UNICODE_CHARACTER_CLASS). */
    public static final String PRE_TOKENIZER_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|[\\r\\n]+"
                    + "|[^\\S\\r\\n]+(?!\\S)|[^\\S\\r\\n]+";
    public static final String PAD = "<|pad|>";
    public static final String END = "<|end|>";
    public static final String SYSTEM = "<|system|>";
    public static final String USER = "<|user|>";
    public static final String ASSISTANT = "<|assistant|>";
    public static final String THINK = "<think>";
    public static final String END_THINK = "</think>";
    /** Added tokens in id order after the merges; the last two are not "special". */
    public static final List<String> ADDED_TOKENS = List.of(PAD, END, SYSTEM, USER, ASSISTANT, THINK, END_THINK);
    private static final Set<String> NOT_SPECIAL = Set.of(THINK, END_THINK);

    private static final Pattern SPLIT = Pattern.compile(PRE_TOKENIZER_REGEX, Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ADDED = Pattern.compile(
            String.join("|", ADDED_TOKENS.stream().map(Pattern::quote).toList()));
    private static final char[] BYTE_TO_CHAR = byteToChar();

    private final int vocabSize;
    private int minFrequency = 2;
    private final Map<String, Integer> pieceCounts = new HashMap<>();

    /** {@code vocabSize} counts everything: the 256 bytes, the merges and the added tokens. */
    public TokenizerTrainer(int vocabSize) {
        if (vocabSize < 256 + ADDED_TOKENS.size()) {
            throw new BadInputException("tokenizer vocab size " + vocabSize + " is below the minimum "
                    + (256 + ADDED_TOKENS.size()) + " (256 bytes and " + ADDED_TOKENS.size() + " special tokens)");
        }
        this.vocabSize = vocabSize;
    }

    /** Pairs seen fewer times than this are never merged (default 2): the vocabulary may then stay smaller. */
    public TokenizerTrainer minFrequency(int minFrequency) {
        this.minFrequency = Math.max(1, minFrequency);
        return this;
    }

    /** Counts the pre-tokenized pieces of one text of the corpus; added tokens in it are left out. */
    public TokenizerTrainer add(String text) {
        for (String part : ADDED.split(text)) {
            Matcher m = SPLIT.matcher(part);
            while (m.find()) {
                pieceCounts.merge(m.group(), 1, Integer::sum);
            }
        }
        return this;
    }

    public TokenizerTrainer addAll(Iterable<String> texts) {
        texts.forEach(this::add);
        return this;
    }

    /** Learns the merges and writes {@code dir/tokenizer.json} and {@code dir/tokenizer_config.json}. */
    public Path save(Path dir) {
        Bpe bpe = learn();
        try {
            Files.createDirectories(dir);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(tokenizerJson(json, bpe)));
            Files.writeString(dir.resolve("tokenizer_config.json"), json.writeValueAsString(configJson(json, bpe)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokenizer to " + dir, e);
        }
        return dir;
    }

    // ---- BPE

    /** The learned vocabulary (byte symbols first, then merged tokens) and merges in order. */
    record Bpe(List<String> vocab, List<String[]> merges) {
    }

    /**
     * Classic BPE: repeatedly merge the most frequent adjacent pair of symbols (ties: the pair whose symbols
     * were created first), updating pair counts only in the pieces that contain the merged pair.
     */
    Bpe learn() {
        List<String> vocab = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(BYTE_TO_CHAR[b]);
            ids.put(symbol, vocab.size());
            vocab.add(symbol);
        }
        // pieces as symbol-id arrays with their counts
        List<int[]> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        pieceCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[i] = bytes[i] & 0xff;
            }
            words.add(symbols);
            counts.add(e.getValue());
        });
        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> wordsWithPair = new HashMap<>();
        for (int w = 0; w < words.size(); w++) {
            addPairs(words.get(w), counts.get(w), w, pairCounts, wordsWithPair, +1);
        }
        // max-heap of (count, pair); stale entries are skipped when their count no longer matches
        PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0])
                : Long.compare(x[1], y[1]));
        pairCounts.forEach((pair, count) -> heap.add(new long[] {count, pair}));
        List<String[]> merges = new ArrayList<>();
        int target = vocabSize - ADDED_TOKENS.size();
        while (vocab.size() < target && !heap.isEmpty()) {
            long[] top = heap.poll();
            long pair = top[1];
            long current = pairCounts.getOrDefault(pair, 0L);
            if (current != top[0]) {
                continue; // stale
            }
            if (current < minFrequency) {
                break;
            }
            int a = (int) (pair >>> 32);
            int b = (int) pair;
            String merged = vocab.get(a) + vocab.get(b);
            Integer id = ids.get(merged);
            if (id == null) {
                id = vocab.size();
                ids.put(merged, id);
                vocab.add(merged);
            }
            merges.add(new String[] {vocab.get(a), vocab.get(b)});
            Set<Long> touched = new HashSet<>();
            for (int w : new ArrayList<>(wordsWithPair.getOrDefault(pair, Set.of()))) {
                int[] before = words.get(w);
                addPairs(before, counts.get(w), w, pairCounts, wordsWithPair, -1);
                int[] after = mergePair(before, a, b, id);
                words.set(w, after);
                addPairs(after, counts.get(w), w, pairCounts, wordsWithPair, +1);
                collectPairs(before, touched);
                collectPairs(after, touched);
            }
            for (long p : touched) {
                long c = pairCounts.getOrDefault(p, 0L);
                if (c > 0) {
                    heap.add(new long[] {c, p});
                }
            }
        }
        return new Bpe(vocab, merges);
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static void addPairs(int[] symbols, int count, int word, Map<Long, Long> pairCounts,
            Map<Long, Set<Integer>> wordsWithPair, int sign) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            long key = pairKey(symbols[i], symbols[i + 1]);
            long c = pairCounts.getOrDefault(key, 0L) + (long) sign * count;
            if (c <= 0) {
                pairCounts.remove(key);
            } else {
                pairCounts.put(key, c);
            }
            if (sign > 0) {
                wordsWithPair.computeIfAbsent(key, k -> new HashSet<>()).add(word);
            }
        }
        if (sign < 0) { // the word is re-added right after; drop it from pairs it will no longer have
            for (int i = 0; i + 1 < symbols.length; i++) {
                Set<Integer> set = wordsWithPair.get(pairKey(symbols[i], symbols[i + 1]));
                if (set != null) {
                    set.remove(word);
                }
            }
        }
    }

    private static void collectPairs(int[] symbols, Set<Long> into) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            into.add(pairKey(symbols[i], symbols[i + 1]));
        }
    }

    /** Replaces each non-overlapping occurrence of (a, b), left to right, by {@code merged}. */
    private static int[] mergePair(int[] symbols, int a, int b, int merged) {
        int[] out = new int[symbols.length];
        int n = 0;
        for (int i = 0; i < symbols.length; i++) {
            if (i + 1 < symbols.length && symbols[i] == a && symbols[i + 1] == b) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = symbols[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** GPT-2's byte-to-unicode table: printable bytes map to themselves, the others to chars from U+0100 on. */
    private static char[] byteToChar() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char) b : (char) next++;
        }
        return table;
    }

    // ---- the files

    private ObjectNode tokenizerJson(ObjectMapper json, Bpe bpe) {
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < ADDED_TOKENS.size(); i++) {
            String token = ADDED_TOKENS.get(i);
            added.addObject()
                    .put("id", bpe.vocab().size() + i)
                    .put("content", token)
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", !NOT_SPECIAL.contains(token));
        }
        root.putNull("normalizer"); // none: offsets and round trips stay exact
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", PRE_TOKENIZER_REGEX);
        split.put("behavior", "Isolated").put("invert", false);
        steps.add(byteLevel(json));
        root.set("post_processor", byteLevel(json));
        root.set("decoder", byteLevel(json));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < bpe.vocab().size(); i++) {
            vocab.put(bpe.vocab().get(i), i);
        }
        ArrayNode merges = model.putArray("merges");
        bpe.merges().forEach(m -> merges.addArray().add(m[0]).add(m[1]));
        return root;
    }

    private static ObjectNode byteLevel(ObjectMapper json) {
        return json.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", false).put("use_regex", false);
    }

    private ObjectNode configJson(ObjectMapper json, Bpe bpe) {
        ObjectNode config = json.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("add_bos_token", false);
        config.put("add_eos_token", false);
        config.put("add_prefix_space", false);
        config.putNull("bos_token");
        config.put("eos_token", END);
        config.put("pad_token", PAD);
        config.putNull("unk_token");
        config.put("clean_up_tokenization_spaces", false);
        config.put("model_max_length", 32768);
        ArrayNode extra = config.putArray("additional_special_tokens");
        ADDED_TOKENS.stream().filter(t -> !NOT_SPECIAL.contains(t) && !t.equals(END) && !t.equals(PAD))
                .forEach(extra::add);
        config.put("chat_template", defaultChatTemplate());
        return config;
    }

    /** The chat template the trained tokenizer ships (DeepSeek-R1-Distill's layout, ASCII specials). */
    public static String defaultChatTemplate() {
        try (InputStream in = TokenizerTrainer.class.getResourceAsStream("default_chat_template.jinja")) {
            if (in == null) {
                throw new IllegalStateException("default_chat_template.jinja is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of distinct pre-tokenized pieces counted so far (for progress reports). */
    public int distinctPieces() {
        return pieceCounts.size();
    }

    @Override
    public String toString() {
        return "TokenizerTrainer[vocab " + vocabSize + ", " + pieceCounts.size() + " pieces]";
    }
}
