package dev.segattr.experiment;

import dev.segattr.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lock of an output: held by one run at a time, across processes and within one; released when the holder
 * closes it or dies (kill -9), never blocking the next run afterwards.
 */
class OutputLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondClaimInTheSameProcessIsRefusedAndTheFirstStaysValid() {
        Path out = dir.resolve("sub/attributed.jsonl");
        try (OutputLock first = OutputLock.acquire(out)) {
            assertEquals(dir.resolve("sub/attributed.jsonl.lock"), first.file(), "OUT.lock beside the output, folder made");
            BadInputException e = assertThrows(BadInputException.class, () -> OutputLock.acquire(out));
            String pid = String.valueOf(ProcessHandle.current().pid());
            assertTrue(e.getMessage().startsWith(out + " is being written by another run (pid " + pid + ", started 20"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("lock " + first.file()), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), "one line");
            assertTrue(Files.isRegularFile(first.file()), "the refused claim left the holder's file alone");
        }
        assertFalse(Files.exists(dir.resolve("sub/attributed.jsonl.lock")), "a finished run deletes its lock file");
        try (OutputLock again = OutputLock.acquire(out)) {
            assertTrue(Files.isRegularFile(again.file()), "free again once closed");
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedAndItsDeathByKill9FreesIt() throws Exception {
        Path out = dir.resolve("run");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), out.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("holding", said.readLine(), "the child took the lock");
            BadInputException e = assertThrows(BadInputException.class, () -> OutputLock.acquire(out));
            assertTrue(e.getMessage().contains("(pid " + holder.pid() + ", started "), e.getMessage());

            holder.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs in the child
            assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
            assertEquals(137, holder.exitValue(), "killed by signal 9");
        }
        Path stale = OutputLock.fileOf(out);
        assertTrue(Files.readString(stale).startsWith("pid " + holder.pid()), "the dead run's lock file is still there");
        try (OutputLock next = OutputLock.acquire(out)) {
            String mine = Files.readString(next.file());
            assertTrue(mine.startsWith("pid " + ProcessHandle.current().pid() + ", started "), mine);
        }
    }

    @Test
    void manyRunsRacingForOneOutputLetExactlyOneHoldItAtATime() throws Exception {
        // Threads of one JVM stand in for processes here (the OS lock is per process; this JVM's overlapping-lock
        // check is the same exclusion within it): 8 claimants x 200 rounds, each holder checks nobody else is in.
        Path out = dir.resolve("race.jsonl");
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int round = 0; round < 200; round++) {
                    try (OutputLock lock = OutputLock.acquire(out)) {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        held.incrementAndGet();
                        inside.decrementAndGet();
                    } catch (BadInputException busy) {
                        // someone else holds it: try again next round
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, overlaps.get(), "two holders at once");
        assertTrue(held.get() > 0, "someone got it");
    }

    /** A run that takes the lock and holds it until it is killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            OutputLock lock = OutputLock.acquire(Path.of(args[0]));
            System.out.println("holding");
            System.out.flush();
            Thread.sleep(120_000);
            lock.close();
        }
    }
}
