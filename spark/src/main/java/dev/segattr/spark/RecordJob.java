package dev.segattr.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.RecordStage;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.TraceRecord;

import java.io.Serializable;
import java.util.List;

/**
 * What one command does to each record, as Spark's tasks run it: shipped to the executors (so it holds settings only,
 * no model), planned there (the record checked and its length measured), then applied with the executor's model.
 */
abstract class RecordJob implements Serializable {

    /** The command's name, as the command line's ("attribute"): complaints start "segattr attribute: ". */
    abstract String command();

    /** The model its tasks load (once per executor JVM), or null for a command without one. */
    ModelSpec model() {
        return null;
    }

    /** The folder --model names, checked on the driver ("--model DIR: no such folder"), or null. */
    String modelFolder() {
        return model() == null ? null : model().dir();
    }

    /** Refuses settings that cannot run, on the driver, before any task starts (the command line's messages). */
    void validate() {
    }

    /**
     * The record's length for the cost plan (tokens when a tokenizer is at hand, else characters). Throws the
     * command line's {@link BadInputException} for a record it would refuse, so bad input stops the job before the
     * expensive stage.
     */
    abstract long length(JsonLines.Line line);

    /** The record's id: its {@code id} field, or its line number (as the command line names records). */
    String id(JsonLines.Line line) {
        var id = line.json().get("id");
        return id == null || id.isNull() ? Long.toString(line.number()) : id.asText();
    }

    /** Whether two records with one id are bad input (the command line's attribute refuses them). */
    boolean uniqueIds() {
        return false;
    }

    /** The per-record work of one task, over the model of this executor (null when {@link #model()} is null). */
    abstract Work open(LoadedModel model);

    /** What says how a record already in the output was made (attribute: its settings), read on --resume. */
    String madeWith(ObjectNode kept) {
        return "";
    }

    /**
     * The records already in the output folder {@code out}, one id for each way they were made ({@link #madeWith}):
     * the tasks refuse to add records made another way.
     */
    void resumes(String out, java.util.Map<String, String> idByMadeWith) {
    }

    /** One task's work on its records, a few at a time. */
    interface Work extends AutoCloseable {

        /** The output records of these input records, in order (a record may give none: export's unsupervised trace). */
        List<ObjectNode> apply(List<TraceRecord> records);

        /** How many records {@link #apply} takes at once (evaluate decodes a batch together, as the file run does). */
        default int chunk() {
            return 1;
        }

        @Override
        default void close() {
        }

        /** The work of a stage that maps one record to one. */
        static Work of(RecordStage<TraceRecord, TraceRecord> stage) {
            return new Work() {
                @Override
                public List<ObjectNode> apply(List<TraceRecord> records) {
                    return records.stream().map(r -> stage.apply(r).json()).toList();
                }

                @Override
                public void close() {
                    stage.close();
                }
            };
        }
    }
}
