package dev.segattr.spark;

import java.io.Serializable;

/**
 * What the driver needs to know of a record before the expensive stage runs: its place, its id, and the length that
 * drives its cost; or, for a bad record, the command line's one-line complaint about it.
 */
record Planned(int file, long number, String id, long length, String error) implements Serializable, Comparable<Planned> {

    static Planned ok(InputLine line, String id, long length) {
        return new Planned(line.file(), line.number(), id, length, null);
    }

    static Planned bad(InputLine line, String error) {
        return new Planned(line.file(), line.number(), null, 0, error);
    }

    @Override
    public int compareTo(Planned o) {
        return file != o.file ? Integer.compare(file, o.file) : Long.compare(number, o.number);
    }
}
