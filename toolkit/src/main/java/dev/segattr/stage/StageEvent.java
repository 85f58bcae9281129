package dev.segattr.stage;

import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainResult;

import java.nio.file.Path;

/**
 * What a running stage reports: the command line prints these on stderr, a notebook drives its progress bar with
 * them, a study writes them to its log. Every event names its stage ("attribute", "select", ...).
 */
public sealed interface StageEvent {

    String stage();

    /**
     * The event as one line of a log, {@code records} the word for what the stage goes through ("traces" on the
     * command line, "records" in a study's log).
     */
    default String describe(String records) {
        if (this instanceof Started s) {
            return s.total() + " " + records + (s.alreadyDone() > 0 ? ", " + s.alreadyDone() + " done before" : "");
        } else if (this instanceof Resumed r) {
            return "resuming, " + r.done() + " " + records + " already in " + r.partialFile().getFileName()
                    + (r.droppedLines() > 0 ? " (" + r.droppedLines() + " torn line dropped)" : "");
        } else if (this instanceof RecordDone d) {
            return d.done() + "/" + d.total() + " " + d.id() + ": " + d.detail();
        } else if (this instanceof Warning w) {
            return "warning: " + w.message();
        } else if (this instanceof Skipped s) {
            return "skipped " + s.problem();
        } else if (this instanceof Note n) {
            return n.message();
        }
        return FineTune.describe(((TrainStep) this).step());
    }

    /** The run begins: {@code total} records in the input, {@code alreadyDone} of them kept from an earlier run. */
    record Started(String stage, int total, int alreadyDone) implements StageEvent {
    }

    /** An earlier run's partial output is continued. */
    record Resumed(String stage, int done, Path partialFile, int droppedLines) implements StageEvent {
    }

    /**
     * One record finished.
     *
     * @param done    records done so far, those of an earlier run included
     * @param total   records in the input (0 when not counted)
     * @param id      the record's id
     * @param detail  what the stage says about it ("t3: 412 tokens, 1.2s, ok", "2/4 correct")
     */
    record RecordDone(String stage, int done, int total, String id, String detail) implements StageEvent {
    }

    /** Something the user should know that does not stop the run (an all-zero pad embedding, a long sequence). */
    record Warning(String stage, String message) implements StageEvent {
    }

    /** A record passed over, with where and why ("traces.jsonl:7: field 'answer' is missing"). */
    record Skipped(String stage, String problem) implements StageEvent {
    }

    /** A line of information ("240 examples (0 skipped, ...)"). */
    record Note(String stage, String message) implements StageEvent {
    }

    /** One optimizer update of the train stage. */
    record TrainStep(String stage, TrainResult.Step step) implements StageEvent {
    }
}
