package dev.segattr.spark;

import dev.segattr.trace.JsonLines;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * One non-blank line of the input and where it came from: the file's place in the sorted list of input files, its
 * name (what complaints say, as the command line's "traces.jsonl:12: ..."), and the line number within the file.
 */
record InputLine(int file, String where, long number, String json) implements Serializable, Comparable<InputLine> {

    /** The parsed record, with the file name and line number every complaint of the toolkit names. */
    JsonLines.Line parse() {
        Path name = Path.of(where);
        return new JsonLines.Line(name, number, JsonLines.parse(name, number, json));
    }

    /** Input order: file by file, line by line (the order the command line reads and writes). */
    @Override
    public int compareTo(InputLine o) {
        return file != o.file ? Integer.compare(file, o.file) : Long.compare(number, o.number);
    }
}
