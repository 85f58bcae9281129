package dev.segattr.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {"Split each trace's reasoning into segments at transition phrases.",
                "Adds 'segments' (strings that concatenate to the reasoning) and 'segment_spans' ([start, end) char offsets)."})
final class SegmentCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "F", description = "traces, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "G", description = "where to write the segmented traces")
    Path out;

    @Option(names = "--keyword", paramLabel = "PHRASE",
            description = "split before this phrase (repeatable; \\n is a newline); default: the reference list")
    List<String> keywords;

    @Option(names = "--pattern", paramLabel = "REGEX", description = "split before every match of this regular expression")
    String pattern;

    @Option(names = "--skip-bad", description = "pass bad records over (listed on stderr) instead of stopping")
    boolean skipBad;

    @Override
    public Integer call() {
        Segmenter segmenter = segmenter();
        TraceReader reader = skipBad ? TraceReader.open(in).skippingBad() : TraceReader.open(in);
        try (reader) {
            JsonLines.write(out, reader.stream().map(trace -> withSegments(trace, segmenter)));
        }
        reader.problems().forEach(p -> spec.commandLine().getErr().println("segattr segment: skipped " + p));
        return 0;
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

    private Segmenter segmenter() {
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
