package dev.segattr.experiment;

import dev.segattr.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One run's claim on an output (a JSON Lines file or a run folder): while a run holds it, a second run on the same
 * output stops at once instead of writing into it. Two runs appending to one {@code .partial} file tear each
 * other's lines and lose records silently; this makes the second one fail loudly, before it touches anything.
 *
 * <p>The claim is an operating-system lock ({@link FileChannel#tryLock()}) on a small file beside the output,
 * {@code OUT.lock}, which names the holder (pid and start time) so that the refusal can say who. The operating
 * system drops the lock when the holding process dies, however it dies: a lock file left by a run killed with
 * {@code kill -9} is stale and the next run simply takes it over. A run that ends normally deletes the file.
 *
 * <pre>{@code
 * try (OutputLock lock = OutputLock.acquire(out)) {   // BadInputException when another run holds out
 *     ... write out ...
 * }
 * }</pre>
 */
public final class OutputLock implements AutoCloseable {

    /*
     * The operating system's locks (fcntl on Linux) belong to a process, not to a channel, and closing ANY
     * descriptor of the file releases all of the process's locks on it. So within this JVM the lock file is opened
     * by one claim at a time (under HELD's monitor), a claim this JVM already holds is refused from HELD without
     * opening the file, and the descriptor that checks the file is opened once and closed only on release.
     */
    private static final Map<Path, OutputLock> HELD = new HashMap<>();

    private final Path file;
    private final String holder;
    private final FileChannel channel;
    private final FileChannel check;
    private final FileLock lock;

    private OutputLock(Path file, String holder, FileChannel channel, FileChannel check, FileLock lock) {
        this.file = file;
        this.holder = holder;
        this.channel = channel;
        this.check = check;
        this.lock = lock;
    }

    /** The lock file of an output: {@code OUT.lock} beside it. */
    public static Path fileOf(Path output) {
        Path absolute = output.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code output}, creating its folder when needed; never waits.
     *
     * @throws BadInputException naming the other run's lock when another run (this process included) holds it
     */
    public static OutputLock acquire(Path output) {
        Path file = fileOf(output);
        synchronized (HELD) {
            OutputLock mine = HELD.get(file);
            if (mine != null) {
                throw busy(output, file, mine.holder);
            }
            OutputLock taken = take(output, file);
            HELD.put(file, taken);
            return taken;
        }
    }

    private static OutputLock take(Path output, Path file) {
        String holder = "pid " + ProcessHandle.current().pid() + ", started " + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try {
            Files.createDirectories(file.getParent());
            // A run that finishes deletes its lock file while still holding it. A run that opened that file just
            // before and locks it afterwards holds a lock on a deleted file, which guards nothing; it notices
            // because the file now at the path does not hold the line it wrote, and tries again on that file.
            for (int attempt = 0; ; attempt++) {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                    throw busy(output, file, readQuietly(file));
                }
                String line = holder + ", lock " + UUID.randomUUID() + "\n";
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(false);
                FileChannel check = openQuietly(file);
                if (check != null && (line.equals(read(check)) || attempt >= 10)) {
                    return new OutputLock(file, line.strip(), channel, check, lock);
                }
                lock.release();
                channel.close();
                if (check != null) {
                    check.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static BadInputException busy(Path output, Path file, String content) {
        String who = content == null || content.isBlank() ? "pid unknown"
                : content.strip().replaceFirst(", lock [-0-9a-f]+$", "");
        return new BadInputException(output + " is being written by another run (" + who + "; lock " + file
                + "): wait for it to finish, or write elsewhere");
    }

    private static FileChannel openQuietly(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            return null; // deleted meanwhile
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read up to 256 bytes: the line is about 90
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /** Another process's lock file (this one holds no lock on it, so closing the descriptor costs nothing). */
    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Deletes the lock file and releases the lock (in that order: see {@link #acquire}). */
    @Override
    public void close() {
        synchronized (HELD) {
            if (!channel.isOpen()) {
                return;
            }
            HELD.remove(file);
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a lock file left behind is harmless: unlocked, it blocks no one
            }
            try {
                lock.release();
                channel.close();
                check.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not release " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "OutputLock(" + file + ": " + holder + ")";
    }
}
