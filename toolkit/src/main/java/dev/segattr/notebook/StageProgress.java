package dev.segattr.notebook;

import dev.segattr.sft.FineTune;
import dev.segattr.stage.StageEvent;
import dev.segattr.stage.StageListener;
import dev.segattr.viz.Progress;

import java.util.function.Function;

/** A stage's typed events as a notebook's progress bar: a step per record done or per optimizer update. */
final class StageProgress implements StageListener {

    private final Progress progress;
    private final Function<StageEvent.RecordDone, String> note;

    /** @param note what the bar says about a finished record */
    StageProgress(Progress progress, Function<StageEvent.RecordDone, String> note) {
        this.progress = progress;
        this.note = note;
    }

    @Override
    public void on(StageEvent event) {
        if (event instanceof StageEvent.RecordDone done) {
            progress.note(note.apply(done));
            progress.step();
        } else if (event instanceof StageEvent.TrainStep update) {
            String line = FineTune.describe(update.step());
            progress.note(line.substring(line.indexOf(':') + 1).strip());
            progress.step();
        }
    }
}
