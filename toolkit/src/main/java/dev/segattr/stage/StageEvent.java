package dev.segattr.stage;

import dev.segattr.sft.TrainResult;

import java.nio.file.Path;

/**
 * What a running stage reports: the command line prints these on stderr, a notebook drives its progress bar with
 * them, a study writes them to its log. Every event names its stage ("attribute", "select", ...).
 */
public sealed interface StageEvent {

    String stage();

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
