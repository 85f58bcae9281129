package dev.segattr.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.experiment.AtomicFile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.io.InputStreamReader;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * JSON Lines: one JSON object per line. Reading streams (one line in memory at a time) and remembers line
 * numbers so that every complaint can say where; writing goes through {@link AtomicFile}.
 */
public final class JsonLines {

    /** The one mapper of the toolkit: shared, thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** A record and where it came from. */
    public record Line(Path file, long number, ObjectNode json) {
        public String where() {
            return file.getFileName() + ":" + number;
        }

        public BadInputException error(String message) {
            return BadInputException.at(file.getFileName(), number, message);
        }
    }

    private JsonLines() {
    }

    /** Streams the records of a file; close the stream to close the file. Blank lines are passed over. */
    public static Stream<Line> read(Path file) {
        BufferedReader reader = open(file);
        Iterator<Line> lines = new Iterator<>() {
            long number;
            Line next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    String text = readLine();
                    if (text == null) {
                        return false;
                    }
                    number++;
                    if (!text.isBlank()) {
                        next = new Line(file, number, parse(file, number, text));
                    }
                }
                return true;
            }

            @Override
            public Line next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Line line = next;
                next = null;
                return line;
            }

            private String readLine() {
                try {
                    return reader.readLine();
                } catch (CharacterCodingException e) {
                    throw BadInputException.at(file.getFileName(), number + 1, "not valid UTF-8 text");
                } catch (IOException e) {
                    throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED), false)
                .onClose(() -> closeQuietly(reader));
    }

    /** How many records a file holds (blank lines not counted). */
    public static int count(Path file) {
        try (Stream<Line> lines = read(file)) {
            return (int) lines.count();
        }
    }

    /** Parses one line; a line that is not a JSON object is reported with its place. */
    public static ObjectNode parse(Path file, long number, String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage();
            int cut = reason.indexOf('\n');
            throw BadInputException.at(file.getFileName(), number,
                    "malformed JSON (" + (cut < 0 ? reason : reason.substring(0, cut)) + ")");
        }
        if (!(node instanceof ObjectNode object)) {
            throw BadInputException.at(file.getFileName(), number,
                    "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        return object;
    }

    /** Writes records, one a line, atomically: the file appears whole or not at all. */
    public static void write(Path file, Stream<? extends JsonNode> records) {
        AtomicFile.writeText(file, writer -> {
            Iterator<? extends JsonNode> it = records.iterator();
            while (it.hasNext()) {
                writeLine(writer, it.next());
            }
        });
    }

    public static void writeLine(Writer writer, JsonNode record) throws IOException {
        writer.write(MAPPER.writeValueAsString(record));
        writer.write('\n');
    }

    private static BufferedReader open(Path file) {
        try {
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static void closeQuietly(BufferedReader reader) {
        try {
            reader.close();
        } catch (IOException ignored) {
            // nothing useful to do: the data was read
        }
    }
}
