package dev.segattr.notebook;

import dev.segattr.viz.Progress;

import java.io.IOException;
import java.io.Writer;

/**
 * The log a {@link dev.segattr.study.Study} writes, kept in a file, with its stage lines ({@code "== attribute"})
 * turned into progress: a stage line closes the stage before it and names the one that starts.
 */
final class StageLog extends Writer {

    private final Writer file;
    private final Progress progress;
    private final StringBuilder line = new StringBuilder();
    private boolean stageOpen;

    StageLog(Writer file, Progress progress) {
        this.file = file;
        this.progress = progress;
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        file.write(chars, off, len);
        for (int i = off; i < off + len; i++) {
            if (chars[i] == '\n') {
                endOfLine();
            } else {
                line.append(chars[i]);
            }
        }
    }

    private void endOfLine() throws IOException {
        file.flush(); // line by line: the stages' stdout goes to the same file
        if (line.length() > 3 && line.charAt(0) == '=' && line.charAt(1) == '=' && line.charAt(2) == ' ') {
            if (stageOpen) {
                progress.step();
            }
            stageOpen = true;
            progress.note(line.substring(3).strip());
        }
        line.setLength(0);
    }

    @Override
    public void flush() throws IOException {
        file.flush();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
