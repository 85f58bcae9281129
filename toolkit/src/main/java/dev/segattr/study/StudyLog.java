package dev.segattr.study;

import dev.segattr.stage.StageEvent;
import dev.segattr.stage.StageListener;

import java.io.PrintWriter;

/**
 * The stages' events as lines of the study's log, each with its stage's name, in the command line's words. Every
 * record done is a line (a log file, not a terminal: no line is redrawn). Safe for stages on several threads:
 * each event is one println on the shared writer.
 */
final class StudyLog implements StageListener {

    private final PrintWriter log;

    StudyLog(PrintWriter log) {
        this.log = log;
    }

    @Override
    public void on(StageEvent event) {
        log.println("segattr " + event.stage() + ": " + event.describe("records"));
    }
}
