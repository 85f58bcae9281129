package dev.segattr.trace;

import dev.segattr.BadInputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Streams the traces of a JSON Lines file in any of the {@link Trace.Layout}s; memory does not grow with
 * the file (only the set of ids seen, to catch duplicates).
 *
 * <pre>{@code
 * try (TraceReader traces = TraceReader.open(path)) {
 *     for (Trace trace : traces) { ... }
 * }
 * }</pre>
 *
 * By default the first bad record stops the reading with a {@link BadInputException} naming its file, line
 * and field; {@link #skippingBad()} passes bad records over and lists them in {@link #problems()} instead.
 */
public final class TraceReader implements Iterable<Trace>, AutoCloseable {

    private final Path file;
    private final boolean skipBad;
    private final List<String> problems = new ArrayList<>();
    private Stream<JsonLines.Line> lines;

    private TraceReader(Path file, boolean skipBad) {
        this.file = file;
        this.skipBad = skipBad;
    }

    public static TraceReader open(Path file) {
        return new TraceReader(file, false);
    }

    /** Reads every trace into a list: for small files and notebooks. */
    public static List<Trace> readAll(Path file) {
        try (TraceReader reader = open(file)) {
            List<Trace> traces = new ArrayList<>();
            reader.forEach(traces::add);
            return traces;
        }
    }

    /** A reader that passes bad records over and reports them in {@link #problems()}. */
    public TraceReader skippingBad() {
        return new TraceReader(file, true);
    }

    /** One line per record passed over, "file:line: what was wrong". */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public Path file() {
        return file;
    }

    @Override
    public Iterator<Trace> iterator() {
        if (lines != null) {
            throw new IllegalStateException("a TraceReader is read once");
        }
        lines = JsonLines.read(file);
        Iterator<JsonLines.Line> it = lines.iterator();
        Set<String> ids = new HashSet<>();
        return new Iterator<>() {
            Trace next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    JsonLines.Line line;
                    try {
                        if (!it.hasNext()) {
                            return false;
                        }
                        line = it.next();
                    } catch (BadInputException e) {
                        if (!skipBad || !e.getMessage().contains("malformed JSON") && !e.getMessage().contains("expected a JSON object")) {
                            throw e;
                        }
                        problems.add(e.getMessage());
                        continue;
                    }
                    try {
                        Trace trace = Trace.fromJson(line);
                        if (!ids.add(trace.id())) {
                            throw line.error("field 'id': duplicate id '" + trace.id() + "'");
                        }
                        next = trace;
                    } catch (BadInputException e) {
                        if (!skipBad) {
                            throw e;
                        }
                        problems.add(e.getMessage());
                    }
                }
                return true;
            }

            @Override
            public Trace next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Trace trace = next;
                next = null;
                return trace;
            }
        };
    }

    public Stream<Trace> stream() {
        return java.util.stream.StreamSupport.stream(spliterator(), false);
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
        }
    }
}
