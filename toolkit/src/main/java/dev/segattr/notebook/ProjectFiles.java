package dev.segattr.notebook;

import dev.segattr.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a notebook's relative file names resolve: an existing file is looked for in the working folder and then in the
 * folders above it (a notebook in {@code notebooks/} finds {@code data/...} at the top of the repository); a path that
 * does not exist yet (an output) is taken relative to the project's top folder, the nearest one holding
 * {@code data/walkthrough.json}, else to the working folder.
 */
final class ProjectFiles {

    private ProjectFiles() {
    }

    static Path path(String name) {
        Path p = Path.of(name);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        for (Path dir = cwd(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(p))) {
                return dir.resolve(p).normalize();
            }
        }
        return home().resolve(p).normalize();
    }

    static Path home() {
        for (Path dir = cwd(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("data/walkthrough.json"))) {
                return dir;
            }
        }
        return cwd();
    }

    /** A file or folder that must exist. */
    static Path existing(String name) {
        Path p = path(name);
        if (!Files.exists(p)) {
            throw new BadInputException(name + ": no such file or folder (looked in " + cwd() + " and the folders above it)");
        }
        return p;
    }

    private static Path cwd() {
        return Path.of("").toAbsolutePath();
    }
}
