package dev.segattr.stage;

/** Receives a stage's {@link StageEvent}s, on the thread that runs the stage. */
@FunctionalInterface
public interface StageListener {

    /** Hears nothing. */
    StageListener NONE = e -> { };

    void on(StageEvent event);
}
