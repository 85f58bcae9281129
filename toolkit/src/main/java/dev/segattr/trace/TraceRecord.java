package dev.segattr.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One record of a JSON Lines file as the pipeline passes it from stage to stage: its fields in their order (every
 * field kept, also those segattr does not know) and where it came from, so that a complaint names the file and
 * line. A stage never changes the record it is given: it returns a new one with its fields added.
 *
 * <pre>{@code
 * TraceRecord in = TraceRecord.parse("part-00003", 17, jsonLine);   // a Spark task: where = the partition
 * TraceRecord out = stage.apply(in);
 * String line = out.toJson();                                        // exactly the line the file run writes
 * }</pre>
 */
public final class TraceRecord {

    private final JsonLines.Line line;

    private TraceRecord(JsonLines.Line line) {
        this.line = line;
    }

    /** A record read from a file. */
    public static TraceRecord of(JsonLines.Line line) {
        return new TraceRecord(Objects.requireNonNull(line, "line"));
    }

    /** A record made in code (complaints say "record:N"). */
    public static TraceRecord of(ObjectNode fields) {
        return new TraceRecord(new JsonLines.Line(Path.of("record"), 1, fields));
    }

    /**
     * Parses one JSON line; {@code where} names its source in complaints ("where:number: ..."), a file name or a
     * partition. A line that is not a JSON object is reported as the file run reports it.
     */
    public static TraceRecord parse(String where, long number, String json) {
        Path source = Path.of(where);
        return new TraceRecord(new JsonLines.Line(source, number, JsonLines.parse(source, number, json)));
    }

    /** This record's origin with other fields (what a stage returns). */
    public TraceRecord withFields(ObjectNode fields) {
        return new TraceRecord(new JsonLines.Line(line.file(), line.number(), fields));
    }

    /**
     * This record with a part's fields (an {@link AttributionFields}, a {@link SelectionFields}) written by data
     * binding: a field the record has already keeps its place and takes the new value, a new one goes at the end, in
     * the part's order; a field the part leaves out (null where it says so) is not touched.
     */
    public TraceRecord with(Object part) {
        ObjectNode fields = line.json().deepCopy();
        fields.setAll((ObjectNode) JsonLines.MAPPER.valueToTree(part));
        return withFields(fields);
    }

    /** The attribution fields, when {@code segattr attribute} wrote them. */
    public Optional<AttributionFields> attribution() {
        return part(AttributionFields.ATTRIBUTION_STATUS, AttributionFields.class);
    }

    /** The selection fields, when {@code segattr select} wrote them. */
    public Optional<SelectionFields> selection() {
        return part(SelectionFields.SELECTED_SEGMENTS, SelectionFields.class);
    }

    private <T> Optional<T> part(String marker, Class<T> type) {
        if (!line.json().hasNonNull(marker)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JsonLines.MAPPER.treeToValue(line.json(), type));
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage();
            int cut = reason.indexOf('\n');
            throw line.error("not a record segattr wrote (" + (cut < 0 ? reason : reason.substring(0, cut)) + ")");
        }
    }

    /** The fields, in order. Treat as read-only: a stage copies them before adding its own. */
    public ObjectNode json() {
        return line.json();
    }

    /** The fields with where they came from, for the readers that name file and line in their complaints. */
    public JsonLines.Line line() {
        return line;
    }

    /** The record's {@code id}, or its line number when it has none. */
    public String id() {
        var id = line.json().get("id");
        return id == null || id.isNull() ? Long.toString(line.number()) : id.asText();
    }

    /** The trace this record holds (question, reasoning, answer in any {@link Trace.Layout}). */
    public Trace trace() {
        return Trace.fromJson(line);
    }

    /** "file:line: message". */
    public BadInputException error(String message) {
        return line.error(message);
    }

    /** One line of JSON, without the newline: what the file run writes for this record. */
    public String toJson() {
        try {
            return JsonLines.MAPPER.writeValueAsString(line.json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TraceRecord(" + line.where() + ", id " + id() + ")";
    }
}
