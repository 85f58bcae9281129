package dev.segattr.notebook;

import dev.segattr.experiment.RunRecord;
import dev.segattr.study.Study;
import dev.segattr.study.StudyConfig;
import dev.segattr.viz.Progress;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A study run from a notebook cell: its log kept in RUN/study.log, its stage lines driving a progress bar. */
final class StudyRun {

    private StudyRun() {
    }

    static StudyResult run(Path config, Path run) {
        StudyConfig c = StudyConfig.read(config);
        int models = c.methods().size() * c.seeds().size();
        // inputs, segment/attribute/select, one training per method and seed, their evaluations and the base's, report
        long stages = 2 + 3 + models + (models + 1) + 1;
        try (Progress p = Progress.start("study " + (c.name() == null ? "" : c.name()), stages);
             PrintWriter log = new PrintWriter(new StageLog(new OutputStreamWriter(Files.newOutputStream(Files.createDirectories(run)
                     .resolve("study.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND), StandardCharsets.UTF_8), p), true)) {
            RunRecord record = Study.run(c, config.toAbsolutePath().getParent(), run, log);
            p.advance(Math.max(0, stages - p.done()));
            return new StudyResult(run, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.resolve("study.log"), e);
        }
    }
}
