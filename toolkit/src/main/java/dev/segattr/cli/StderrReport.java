package dev.segattr.cli;

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
        } else if (event instanceof StageEvent.RecordDone d && progress != null) {
            progress.step(d.detail());
        } else {
            line = event.describe("traces");
        }
        if (line != null) {
            err.println("segattr " + command + ": " + line);
            err.flush();
        }
    }
}
