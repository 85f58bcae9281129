package dev.segattr.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.trace.JsonLines;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A JSON Lines output that survives being killed: records go to {@code target + ".partial"}, one line each,
 * flushed as soon as written; a rerun keeps the complete lines there (a torn last line is cut off) and skips
 * their ids; {@link #commit()} renames the partial file over the target in one step. So the target is never
 * half-written and each record appears once.
 *
 * <p>When there is no partial file but the target exists (a finished run), its records count as done: the
 * contract "records already in G are skipped".
 *
 * <p>Moved here from the command line so that every caller of a stage (the command line, a notebook, a study,
 * a Spark task writing its partition) resumes the same way.
 */
public final class PartialOutput implements AutoCloseable {

    private final Path target;
    private final Path partial;
    private final Set<String> done;
    private final List<ObjectNode> kept;
    private final Writer writer;
    private final FileChannel channel;
    private final int dropped;

    private PartialOutput(Path target, Path partial, Set<String> done, List<ObjectNode> kept, FileChannel channel, int dropped) {
        this.target = target;
        this.partial = partial;
        this.done = done;
        this.kept = kept;
        this.channel = channel;
        this.writer = new BufferedWriter(new OutputStreamWriter(java.nio.channels.Channels.newOutputStream(channel), StandardCharsets.UTF_8));
        this.dropped = dropped;
    }

    /** Opens (and repairs) the partial output of {@code target}; {@code idOf} names a record. */
    public static PartialOutput open(Path target, Function<ObjectNode, String> idOf) {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (!Files.exists(partial) && Files.exists(target)) {
                Files.copy(target, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Set<String> done = new LinkedHashSet<>();
            List<ObjectNode> kept = new ArrayList<>();
            long validBytes = 0;
            int dropped = 0;
            if (Files.exists(partial)) {
                byte[] bytes = Files.readAllBytes(partial);
                int lineStart = 0;
                long number = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    number++;
                    String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                    ObjectNode record;
                    try {
                        record = JsonLines.parse(partial, number, line);
                    } catch (BadInputException e) {
                        break; // a damaged line: it and everything after it are redone
                    }
                    String id = idOf.apply(record);
                    if (done.add(id)) {
                        kept.add(record);
                    }
                    validBytes = i + 1;
                    lineStart = i + 1;
                }
                dropped = (int) countLines(bytes, validBytes);
            }
            FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(validBytes);
            channel.position(validBytes);
            return new PartialOutput(target, partial, done, kept, channel, dropped);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open " + partial + ": " + e.getMessage(), e);
        }
    }

    private static long countLines(byte[] bytes, long from) {
        if (from >= bytes.length) {
            return 0;
        }
        long n = 1;
        for (long i = from; i < bytes.length - 1; i++) {
            n += bytes[(int) i] == '\n' ? 1 : 0;
        }
        return n;
    }

    public Path partialFile() {
        return partial;
    }

    public boolean isDone(String id) {
        return done.contains(id);
    }

    public int doneCount() {
        return done.size();
    }

    /** The records already there, in file order. */
    public List<ObjectNode> keptRecords() {
        return kept;
    }

    /** Torn or damaged lines cut off when opening. */
    public int droppedLines() {
        return dropped;
    }

    /** Appends one record and pushes it to the operating system, so a killed process loses at most the line being written. */
    public void append(String id, ObjectNode record) {
        if (!done.add(id)) {
            throw new IllegalStateException("record " + id + " is already in " + partial);
        }
        try {
            JsonLines.writeLine(writer, record);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + partial + ": " + e.getMessage(), e);
        }
    }

    /** Forces the partial file to disk and renames it over the target. */
    public void commit() {
        try {
            writer.flush();
            channel.force(true);
            channel.close();
            AtomicFile.moveIntoPlace(partial, target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not move " + partial + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Flushes and closes; the file is closed even when the flush fails (a full disk), so no descriptor is left open. */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + partial + ": " + e.getMessage(), e);
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the flush's failure, or none, is the one to report
            }
        }
    }
}
