package dev.segattr.study;

import dev.segattr.sft.FineTune;
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
        String line;
        if (event instanceof StageEvent.Started s) {
            line = s.total() + " records" + (s.alreadyDone() > 0 ? ", " + s.alreadyDone() + " done before" : "");
        } else if (event instanceof StageEvent.Resumed r) {
            line = "resuming, " + r.done() + " records already in " + r.partialFile().getFileName()
                    + (r.droppedLines() > 0 ? " (" + r.droppedLines() + " torn line dropped)" : "");
        } else if (event instanceof StageEvent.RecordDone d) {
            line = d.done() + "/" + d.total() + " " + d.id() + ": " + d.detail();
        } else if (event instanceof StageEvent.Warning w) {
            line = "warning: " + w.message();
        } else if (event instanceof StageEvent.Skipped s) {
            line = "skipped " + s.problem();
        } else if (event instanceof StageEvent.Note n) {
            line = n.message();
        } else if (event instanceof StageEvent.TrainStep t) {
            line = FineTune.describe(t.step());
        } else {
            line = event.toString();
        }
        log.println("segattr " + event.stage() + ": " + line);
    }
}
