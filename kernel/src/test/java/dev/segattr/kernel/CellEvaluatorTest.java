package dev.segattr.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JShell evaluator on its own (no Jupyter): values, errors as a user reads them, interrupts. */
class CellEvaluatorTest {

    private static CellEvaluator evaluator;

    @BeforeAll
    static void start() {
        evaluator = new CellEvaluator(Kernel.startupClassPath(), List.of("import java.util.*;"));
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    private static Object cell(String code) {
        evaluator.newCell();
        return evaluator.eval(code, 0);
    }

    @Test
    void theLastExpressionIsTheCellsValueAsAnObject() {
        assertEquals(2, cell("1 + 1"));
        Object list = cell("var xs = new ArrayList<String>();\nxs.add(\"a\");\nxs");
        assertEquals(List.of("a"), list);
        assertSame(list, cell("xs"), "the same object, not a copy or a string");
    }

    @Test
    void statementsAndDeclarationsHaveNoValue() {
        assertSame(CellEvaluator.NO_VALUE, cell("int unused = 3;"));
        assertSame(CellEvaluator.NO_VALUE, cell("void hello() { }"));
        assertSame(CellEvaluator.NO_VALUE, cell("hello();"));
        assertSame(CellEvaluator.NO_VALUE, cell("1 + 1;\nint later = 2;"), "only the last snippet counts");
    }

    @Test
    void variablesKeepTheirValuesWhenALaterImportRecompilesThem() {
        // JShell recompiles declarations after a star import and would reset these to null.
        cell("// a comment first\nString kept = \"value\";\nvar list = new ArrayList<>(List.of(kept));");
        cell("// and here\nimport tech.tablesaw.api.*;");
        assertEquals("value", cell("kept"));
        assertEquals(List.of("value"), cell("list"));
    }

    @Test
    void theToolkitIsOnTheClassPathFromTheStart() {
        Object bundle = cell("dev.segattr.viz.RichDisplay.html(\"<b>x</b>\", \"x\").mimeBundle()");
        assertEquals("<b>x</b>", ((java.util.Map<?, ?>) bundle).get("text/html"));
    }

    @Test
    void aCompileErrorNamesTheCellLineAndMarksTheCode() {
        CellEvaluator.CompilationException e = assertThrows(CellEvaluator.CompilationException.class,
                () -> cell("int a = 1;\n\nint b = \"text\";"));
        assertTrue(e.getMessage().contains("incompatible types"), e.getMessage());
        String report = String.join("\n", e.lines());
        assertTrue(report.contains("cell line 3:"), report);
        assertTrue(report.contains("    int b = \"text\";\n            ^^^^^^"), report);
    }

    @Test
    void incompleteCodeIsACompileError() {
        CellEvaluator.CompilationException e = assertThrows(CellEvaluator.CompilationException.class,
                () -> cell("for (int i = 0; i < 3; i++) {"));
        assertTrue(e.getMessage().startsWith("incomplete code at cell line 1"), e.getMessage());
    }

    @Test
    void aRuntimeExceptionIsTheUsersOwnWithCellLinesInItsTrace() {
        cell("int divide(int a, int b) {\n    return a / b;\n}");
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> cell("int ok = 1;\nint r = divide(ok, 0);"));
        List<String> trace = evaluator.describe(e);
        assertEquals("java.lang.ArithmeticException: / by zero", trace.get(0));
        assertEquals("    at divide, an earlier cell, line 2 of its snippet: return a / b;", trace.get(1));
        assertEquals("    at cell line 2: int r = divide(ok, 0);", trace.get(2));
        assertEquals(3, trace.size(), "no kernel frames: " + trace);
    }

    @Test
    void checkedExceptionsAndCausesKeepTheirClasses() {
        Exception e = assertThrows(Exception.class,
                () -> cell("throw new java.io.IOException(\"disk\", new IllegalStateException(\"why\"));"));
        assertInstanceOf(java.io.IOException.class, e);
        List<String> trace = evaluator.describe(e);
        assertTrue(trace.contains("Caused by: java.lang.IllegalStateException: why"), trace.toString());
    }

    @Test
    void anInterruptStopsABusyLoopAndTheNextCellWorks() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(evaluator::interrupt, 500, TimeUnit.MILLISECONDS);
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () ->
                    assertThrows(CellEvaluator.CellInterruptedException.class, () -> cell("long n = 0;\nwhile (true) { n++; }")));
            timer.schedule(evaluator::interrupt, 500, TimeUnit.MILLISECONDS);
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () ->
                    assertThrows(CellEvaluator.CellInterruptedException.class, () -> cell("Thread.sleep(60_000);")));
        } finally {
            timer.shutdownNow();
        }
        assertEquals(42, cell("6 * 7"));
    }

    @Test
    void completionAndCompleteness() {
        CellEvaluator.Completions c = evaluator.complete("Math.ma", 7);
        assertTrue(c.options().contains("max("), c.options().toString());
        assertEquals(5, c.start());
        assertEquals("complete", evaluator.isComplete("int x = 1;"));
        assertEquals("    ", evaluator.isComplete("if (true) {"));
    }
}
