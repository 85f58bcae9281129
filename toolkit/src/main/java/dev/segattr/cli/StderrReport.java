package dev.segattr.cli;

import dev.segattr.sft.FineTune;
import dev.segattr.stage.StageEvent;
import dev.segattr.stage.StageListener;

import java.io.PrintWriter;

/** A stage's events as the command line's stderr lines: "segattr attribute: 3/10 (t3: ...), 0.50 per min, 2m left". */
final class StderrReport implements StageListener {

    private final PrintWriter err;
    private final String command;
    private ProgressLine progress;

    StderrReport(PrintWriter err, String command) {
        this.err = err;
        this.command = command;
    }

    @Override
    public void on(StageEvent event) {
        String line = null;
        if (event instanceof StageEvent.Started s) {
            progress = new ProgressLine(err, command, s.total(), s.alreadyDone());
        } else if (event instanceof StageEvent.Resumed r) {
            line = "resuming, " + r.done() + " traces already in " + r.partialFile().getFileName()
                    + (r.droppedLines() > 0 ? " (" + r.droppedLines() + " torn line dropped)" : "");
        } else if (event instanceof StageEvent.RecordDone d) {
            if (progress != null) {
                progress.step(d.detail());
            } else {
                line = d.done() + "/" + d.total() + " " + d.id() + ": " + d.detail();
            }
        } else if (event instanceof StageEvent.Warning w) {
            line = "warning: " + w.message();
        } else if (event instanceof StageEvent.Skipped s) {
            line = "skipped " + s.problem();
        } else if (event instanceof StageEvent.Note n) {
            line = n.message();
        } else if (event instanceof StageEvent.TrainStep t) {
            line = FineTune.describe(t.step());
        }
        if (line != null) {
            err.println("segattr " + command + ": " + line);
            err.flush();
        }
    }
}
