package dev.segattr.stage;

/**
 * A stage's work on one record, with its model and settings ready: what a file run does per line, and what a
 * Spark task calls per record of its partition.
 *
 * <pre>{@code
 * try (LoadedModel model = LoadedModel.load(source);                    // one per JVM
 *      RecordStage<TraceRecord, TraceRecord> stage = AttributeStage.open(options, model)) {
 *     TraceRecord out = stage.apply(in);                                 // the record the file run writes
 * }
 * }</pre>
 *
 * Closing a record stage frees what it holds; it does not close the {@link LoadedModel}, which its owner closes.
 * One instance serves one thread at a time.
 *
 * @param <I> the record read
 * @param <O> what the stage makes of it
 */
public interface RecordStage<I, O> extends AutoCloseable {

    O apply(I record);

    @Override
    default void close() {
    }
}
