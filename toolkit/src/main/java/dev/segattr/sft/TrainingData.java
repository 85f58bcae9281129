package dev.segattr.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.model.Encoded;
import dev.segattr.model.Tokenizer;
import dev.segattr.select.ScoredTrace;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.SelectionFields;
import dev.segattr.trace.Trace;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * From records (as {@code segattr select} writes them) to masked training examples, and from those to the
 * JSON Lines other trainers read ({@code input_ids}, {@code labels} with -100).
 *
 * <pre>{@code
 * TrainingData.Built data = TrainingData.build(Path.of("selected.jsonl"), tokenizer, format,
 *         new TrainingData.Settings(TrainingData.MaskMode.SELECTIVE, 3407, 16384, true));
 * data.examples();   // masked, cut to the max length
 * data.skipped();    // "selected.jsonl:7 (id t7): no supervised token"
 * }</pre>
 */
public final class TrainingData {

    /** Which tokens of the reasoning carry loss. */
    public enum MaskMode {
        /** All of the reasoning (full-CoT SFT). */
        FULL,
        /** The record's {@code selected_tokens} if it has them, else its {@code selected_segments}. */
        SELECTIVE,
        /** Random segments (0, M-2, M-1 always) supervising as many tokens as the record's selection. */
        RANDOM,
        /** The tokens of largest |attribution| ({@code token_attributions}), as many as the record's selection supervises. */
        TOP_TOKENS;

        /** From the command line's spelling: full, selective, random, top-tokens. */
        public static MaskMode parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--mask: expected full, selective, random or top-tokens, got '" + name + "'");
            }
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * @param mode            which tokens carry loss
     * @param seed            for {@link MaskMode#RANDOM} (with each trace's id)
     * @param maxLength       longer sequences keep their first {@code maxLength} tokens
     * @param superviseAnswer whether the answer part after the reasoning (and the end token) carries loss
     */
    public record Settings(MaskMode mode, long seed, int maxLength, boolean superviseAnswer) {
    }

    /**
     * @param examples  one per kept trace, in the input's order
     * @param skipped   one line per trace left out, with where and why
     * @param truncated how many examples were cut to the max length
     */
    public record Built(List<MaskedExample> examples, List<String> skipped, int truncated) {

        public long tokens() {
            return examples.stream().mapToLong(MaskedExample::length).sum();
        }

        public long supervisedTokens() {
            return examples.stream().mapToLong(MaskedExample::supervisedTokens).sum();
        }

        /** Supervised share of the reasoning and answer tokens: the "share of tokens selected". */
        public double supervisedFractionOfCompletion() {
            long completion = examples.stream().mapToLong(MaskedExample::completionTokens).sum();
            return completion == 0 ? 0 : (double) supervisedTokens() / completion;
        }
    }

    private TrainingData() {
    }

    /** Reads, tokenises and masks every record of a file. */
    public static Built build(Path file, Tokenizer tokenizer, SequenceFormat format, Settings settings) {
        try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
            return build(lines.toList(), tokenizer, format, settings);
        }
    }

    public static Built build(List<JsonLines.Line> lines, Tokenizer tokenizer, SequenceFormat format, Settings settings) {
        List<MaskedExample> examples = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int truncated = 0;
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonLines.Line line : lines) {
            Trace trace = Trace.fromJson(line);
            if (!ids.add(trace.id())) {
                throw line.error("field 'id': duplicate id '" + trace.id() + "'");
            }
            Masked masked = mask(line, trace, tokenizer, format, settings);
            if (masked.truncated()) {
                truncated++;
            }
            masked.example().ifPresentOrElse(examples::add, () -> skipped.add(masked.skipped()));
        }
        return new Built(List.copyOf(examples), List.copyOf(skipped), truncated);
    }

    /**
     * One record's training example, or none when no token of it carries loss.
     *
     * @param example   the masked sequence cut to the max length; empty when no token of it is supervised
     * @param truncated whether the sequence was cut
     * @param skipped   when empty, where and why ("selected.jsonl:7 (id t7): no supervised token"); else null
     */
    public record Masked(Optional<MaskedExample> example, boolean truncated, String skipped) {
    }

    /** Masks one record (what {@link #build} does per line, without the duplicate-id check across lines). */
    public static Masked mask(JsonLines.Line line, Tokenizer tokenizer, SequenceFormat format, Settings settings) {
        return mask(line, Trace.fromJson(line), tokenizer, format, settings);
    }

    private static Masked mask(JsonLines.Line line, Trace trace, Tokenizer tokenizer, SequenceFormat format, Settings settings) {
        MaskedExample example;
        try {
            example = example(line, trace, tokenizer, format, settings);
        } catch (IllegalArgumentException e) {
            throw line.error(e.getMessage());
        }
        MaskedExample cut = example.truncate(settings.maxLength());
        boolean truncated = cut != example;
        if (cut.supervisedTokens() == 0) {
            return new Masked(Optional.empty(), truncated, line.where() + " (id " + trace.id() + "): no supervised token"
                    + (truncated ? " within the first " + settings.maxLength() + " tokens" : ""));
        }
        return new Masked(Optional.of(cut), truncated, null);
    }

    /** One record's example, before truncation. */
    static MaskedExample example(JsonLines.Line line, Trace trace, Tokenizer tokenizer, SequenceFormat format, Settings settings) {
        TokenizedTrace tokens = tokenize(tokenizer, format, trace);
        List<Segment> segments = segments(line, trace);
        Supervision supervision = switch (settings.mode()) {
            case FULL -> Supervision.everything();
            case SELECTIVE -> recorded(line, segments.size());
            case RANDOM -> LossMask.randomLike(tokens, segments, recorded(line, segments.size()), settings.seed());
            case TOP_TOKENS -> LossMask.topTokensLike(tokens, segments, recorded(line, segments.size()), ScoredTrace.fromRecord(line));
        };
        return LossMask.apply(tokens, segments, supervision, settings.superviseAnswer());
    }

    /** U + C + A tokenised as one text, plus the end token when the format asks for it. */
    public static TokenizedTrace tokenize(Tokenizer tokenizer, SequenceFormat format, Trace trace) {
        String prompt = format.prompt(trace);
        String text = prompt + trace.reasoning() + format.answerPart(trace);
        Encoded encoded = tokenizer.encode(text);
        long[] ids = encoded.ids();
        int[] start = encoded.start();
        if (format.endWithEos()) {
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = tokenizer.eosId();
            start = Arrays.copyOf(start, start.length + 1);
            start[start.length - 1] = text.length();
        }
        return new TokenizedTrace(trace.id(), ids, start, prompt.length(), prompt.length() + trace.reasoning().length());
    }

    /** The record's segments ({@code segments} texts, as segment wrote them), else the reference split. */
    static List<Segment> segments(JsonLines.Line line, Trace trace) {
        try {
            return trace.segments();
        } catch (IllegalArgumentException e) {
            throw line.error("field 'segments': " + e.getMessage());
        }
    }

    /** The record's selection: {@code selected_tokens} (token level) or {@code selected_segments}. */
    static Supervision recorded(JsonLines.Line line, int segmentCount) {
        JsonNode tokens = line.json().get(SelectionFields.SELECTED_TOKENS);
        if (tokens != null && !tokens.isNull()) {
            if (!(tokens instanceof ArrayNode perSegment) || perSegment.size() != segmentCount) {
                throw line.error("field 'selected_tokens': expected one list of token indices per segment (" + segmentCount + ")");
            }
            List<int[]> selected = new ArrayList<>();
            for (int s = 0; s < perSegment.size(); s++) {
                selected.add(ints(line, "selected_tokens[" + s + "]", perSegment.get(s)));
            }
            return Supervision.tokens(selected);
        }
        JsonNode segments = line.json().get(SelectionFields.SELECTED_SEGMENTS);
        if (segments == null || segments.isNull()) {
            throw line.error("field 'selected_segments' is missing (run segattr select first, or train with --mask full)");
        }
        return Supervision.segments(ints(line, "selected_segments", segments));
    }

    private static int[] ints(JsonLines.Line line, String field, JsonNode node) {
        if (!node.isArray()) {
            throw line.error("field '" + field + "': expected a list of integers");
        }
        int[] values = new int[node.size()];
        for (int i = 0; i < values.length; i++) {
            if (!node.get(i).canConvertToInt() || !node.get(i).isIntegralNumber()) {
                throw line.error("field '" + field + "[" + i + "]': expected an integer, got " + node.get(i));
            }
            values[i] = node.get(i).asInt();
        }
        return values;
    }

    // ---------------------------------------------------------------- export for other trainers

    /** One JSON object: {@code id}, {@code input_ids}, {@code labels} (-100 where no loss). */
    public static ObjectNode toJson(MaskedExample e) {
        ObjectNode json = JsonLines.MAPPER.createObjectNode();
        json.put("id", e.id());
        ArrayNode ids = json.putArray("input_ids");
        for (long id : e.inputIds()) {
            ids.add(id);
        }
        ArrayNode labels = json.putArray("labels");
        for (long l : e.labels()) {
            labels.add(l);
        }
        return json;
    }

    /** Writes examples as JSON Lines for TRL's SFTTrainer and kin (atomically). */
    public static void export(Path file, List<MaskedExample> examples) {
        JsonLines.write(file, examples.stream().map(TrainingData::toJson));
    }

    /** Reads what {@link #export} wrote (completion token counts are not stored: 0). */
    public static List<MaskedExample> readExported(Path file) {
        try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
            return lines.map(line -> {
                JsonNode id = line.json().get("id");
                long[] ids = longs(line, "input_ids");
                long[] labels = longs(line, "labels");
                if (ids.length != labels.length) {
                    throw line.error("'input_ids' has " + ids.length + " tokens, 'labels' " + labels.length);
                }
                return new MaskedExample(id == null ? Long.toString(line.number()) : id.asText(), ids, labels, 0);
            }).toList();
        }
    }

    private static long[] longs(JsonLines.Line line, String field) {
        JsonNode node = line.json().get(field);
        if (node == null || !node.isArray()) {
            throw line.error("field '" + field + "': expected a list of integers");
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            if (!node.get(i).isIntegralNumber()) {
                throw line.error("field '" + field + "[" + i + "]': expected an integer");
            }
            values[i] = node.get(i).asLong();
        }
        return values;
    }

    /** SHA-256 over the examples' ids and labels, in order: what a resumed run checks it trains on. */
    public static String hash(List<MaskedExample> examples) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (MaskedExample e : examples) {
                digest.update(e.id().getBytes(StandardCharsets.UTF_8));
                ByteBuffer buffer = ByteBuffer.allocate(8 * (2 * e.length() + 1));
                buffer.putLong(e.length());
                for (long id : e.inputIds()) {
                    buffer.putLong(id);
                }
                for (long l : e.labels()) {
                    buffer.putLong(l);
                }
                digest.update(buffer.array());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
