package dev.segattr.viz;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {

    private final List<String> shown = new ArrayList<>();
    private final List<Boolean> finished = new ArrayList<>();

    @AfterEach
    void restoreDefaultSink() {
        Progress.setSink(null);
        Thread.interrupted(); // clear a flag a test left
    }

    private void record() {
        Progress.setSink(p -> {
            shown.add(p.line());
            finished.add(p.finished());
        });
    }

    @Test
    void showsTheStartAFewUpdatesAndTheEnd() {
        record();
        try (Progress p = Progress.start("attribute", 10_000)) {
            for (int i = 0; i < 10_000; i++) {
                p.step();
            }
        }
        assertTrue(shown.get(0).startsWith("attribute [--------------------] 0/10000"), shown.get(0));
        String last = shown.get(shown.size() - 1);
        assertTrue(last.startsWith("attribute [####################] 10000/10000 100%"), last);
        assertTrue(last.contains(", done"), last);
        assertEquals(List.of(true), finished.subList(finished.size() - 1, finished.size()));
        assertTrue(shown.size() < 50, "a tight loop must not flood the display: " + shown.size() + " updates");
    }

    @Test
    void anUnknownTotalCountsSteps() {
        record();
        try (Progress p = Progress.start("read", 0)) {
            p.advance(7);
            p.note("file 2");
            assertTrue(Double.isNaN(p.fraction()));
            assertTrue(Double.isNaN(p.etaSeconds()));
        }
        String last = shown.get(shown.size() - 1);
        assertTrue(last.startsWith("read 7 steps"), last);
        assertTrue(last.endsWith("file 2"), last);
    }

    @Test
    void anInterruptedThreadStopsAtTheNextStep() {
        record();
        Progress p = Progress.start("train", 100);
        p.step();
        Thread.currentThread().interrupt();
        CancellationException e = assertThrows(CancellationException.class, p::step);
        assertEquals("interrupted: train at 2/100 steps", e.getMessage());
        assertTrue(p.finished());
        assertTrue(finished.get(finished.size() - 1), "the final state is shown");
    }

    @Test
    void aFailingSinkDoesNotStopTheWork() {
        Progress.setSink(p -> {
            throw new IllegalStateException("display gone");
        });
        try (Progress p = Progress.start("x", 3)) {
            p.step();
            p.step();
            p.step();
            assertEquals(3, p.done());
        }
    }

    @Test
    void theCommandLineSinkWritesLinesToALog() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress.setSink(new Progress.StderrSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), false));
        try (Progress p = Progress.start("segment", 2)) {
            p.step();
            p.step();
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].startsWith("segment [--------------------] 0/2"), lines[0]);
        assertTrue(lines[lines.length - 1].startsWith("segment [####################] 2/2 100%"), lines[lines.length - 1]);
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"), "no carriage returns in a log");
    }
}
