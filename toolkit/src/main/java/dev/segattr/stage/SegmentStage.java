package dev.segattr.stage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Path;
import java.util.List;

/**
 * Splits each trace's reasoning into segments at transition phrases: adds {@code segments} (strings that
 * concatenate to the reasoning) and {@code segment_spans} ([start, end) char offsets).
 */
public final class SegmentStage {

    public static final String NAME = "segment";

    /**
     * @param keywords split before these phrases (a literal "\n" in them is a newline); null for the reference list
     * @param pattern  split before every match of this regular expression; null for none
     * @param skipBad  pass bad records over (reported as {@link StageEvent.Skipped}) instead of stopping
     */
    public record Options(List<String> keywords, String pattern, boolean skipBad) {

        public static Options reference() {
            return new Options(null, null, false);
        }

        /** The segmenter these options describe; refuses both keywords and a pattern, or a pattern that does not compile. */
        public Segmenter segmenter() {
            if (pattern != null && keywords != null) {
                throw new BadInputException("--keyword and --pattern cannot be used together");
            }
            if (pattern != null) {
                try {
                    return Segmenter.ofPattern(pattern);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new BadInputException("--pattern: not a regular expression (" + e.getDescription() + ")");
                }
            }
            if (keywords != null) {
                return Segmenter.ofKeywords(keywords.stream().map(k -> k.replace("\\n", "\n")).toList());
            }
            return Segmenter.reference();
        }
    }

    private SegmentStage() {
    }

    /** Segments every trace of {@code in} into {@code out} (written atomically). */
    public static void run(Path in, Path out, Options options, StageListener listener) {
        Segmenter segmenter = options.segmenter();
        TraceReader reader = options.skipBad() ? TraceReader.open(in).skippingBad() : TraceReader.open(in);
        try (reader) {
            JsonLines.write(out, reader.stream().map(trace -> withSegments(trace, segmenter)));
        }
        reader.problems().forEach(p -> listener.on(new StageEvent.Skipped(NAME, p)));
    }

    /** The per-record work (a bad record throws, whatever {@code skipBad} says: the caller decides). */
    public static RecordStage<TraceRecord, TraceRecord> open(Options options) {
        Segmenter segmenter = options.segmenter();
        return record -> record.withFields(withSegments(record.trace(), segmenter));
    }

    static ObjectNode withSegments(Trace trace, Segmenter segmenter) {
        List<Segment> segments = segmenter.split(trace.reasoning());
        ObjectNode record = trace.copyOfRecord();
        ArrayNode texts = record.putArray("segments");
        ArrayNode spans = record.putArray("segment_spans");
        for (Segment s : segments) {
            texts.add(s.text());
            spans.addArray().add(s.start()).add(s.end());
        }
        return record;
    }
}
