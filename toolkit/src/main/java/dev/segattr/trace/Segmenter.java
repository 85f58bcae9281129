package dev.segattr.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a chain of thought into segments before each transition phrase (METHOD.md section 1).
 *
 * <p>The reference rule: a split before every occurrence of one of {@link #REFERENCE_KEYWORDS}, case-sensitive,
 * no word boundary ("\n\nWaiting" splits too), no minimum length, no merging. Segment 0 is the text before the
 * first match; each later segment starts with its keyword and runs to the next match. The segments always
 * concatenate to the reasoning exactly.
 *
 * <p>One deliberate difference from the reference code: a trace that starts with a keyword gives the reference
 * an empty segment 0 (and then a NaN strength); segattr never emits an empty segment, so there the first
 * segment is the one that starts with the keyword, and indices are one less than the reference's.
 */
public final class Segmenter {

    /** The reference code's transition phrases, in its order. */
    public static final List<String> REFERENCE_KEYWORDS = List.of(
            "\n\nWait", "\n\nAlternatively", "\n\nBut wait", "\n\nBut alternatively", "\n\nBut just to",
            "\n\nHowever", "\n\nNot sure", "\n\nGoing back", "\n\nBacktrack", "\n\nTrace back", "\n\nAnother");

    private static final Segmenter REFERENCE = ofKeywords(REFERENCE_KEYWORDS);

    private final Pattern splitBefore;
    private final String description;

    private Segmenter(Pattern splitBefore, String description) {
        this.splitBefore = splitBefore;
        this.description = description;
    }

    /** The reference rule. */
    public static Segmenter reference() {
        return REFERENCE;
    }

    /** Splits before every occurrence of any of these literal phrases (case-sensitive). */
    public static Segmenter ofKeywords(List<String> keywords) {
        if (keywords.isEmpty() || keywords.stream().anyMatch(k -> k == null || k.isEmpty())) {
            throw new IllegalArgumentException("keywords must be a non-empty list of non-empty phrases");
        }
        // A look-ahead matches at every place a phrase starts, even inside another phrase's match.
        String alternation = String.join("|", keywords.stream().map(Pattern::quote).toList());
        return new Segmenter(Pattern.compile("(?=" + alternation + ")"), "keywords " + keywords.size());
    }

    /** Splits before the start of every match of a regular expression. */
    public static Segmenter ofPattern(Pattern splitBefore) {
        return new Segmenter(Objects.requireNonNull(splitBefore), "pattern " + splitBefore.pattern());
    }

    public static Segmenter ofPattern(String regex) {
        return ofPattern(Pattern.compile(regex));
    }

    /** The segments of a reasoning text, none empty, concatenating to it exactly. */
    public List<Segment> split(String reasoning) {
        List<Segment> segments = new ArrayList<>();
        Matcher matcher = splitBefore.matcher(reasoning);
        int start = 0;
        while (matcher.find()) {
            int cut = matcher.start();
            if (cut > start) {
                segments.add(new Segment(segments.size(), start, cut, reasoning.substring(start, cut)));
                start = cut;
            }
        }
        if (reasoning.length() > start) {
            segments.add(new Segment(segments.size(), start, reasoning.length(), reasoning.substring(start)));
        }
        return segments;
    }

    /** Segments from their texts (as stored in a record's {@code segments}), checked against the reasoning. */
    public static List<Segment> fromTexts(String reasoning, List<String> texts) {
        List<Segment> segments = new ArrayList<>(texts.size());
        int start = 0;
        for (String text : texts) {
            if (text.isEmpty() || !reasoning.startsWith(text, start)) {
                throw new IllegalArgumentException("segment " + segments.size() + " does not continue the reasoning at char " + start);
            }
            segments.add(new Segment(segments.size(), start, start + text.length(), text));
            start += text.length();
        }
        if (start != reasoning.length()) {
            throw new IllegalArgumentException("segments cover " + start + " of " + reasoning.length() + " chars of the reasoning");
        }
        return segments;
    }

    @Override
    public String toString() {
        return "Segmenter(" + description + ")";
    }
}
