package dev.segattr.kernel;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates Java cells with the JDK's JShell, in this JVM: snippet classes are loaded here and run on a
 * cell thread, so objects (and DJL's native state) live in the kernel and the cell's value is the real
 * object, not its string. A cell may hold several snippets; its value is the last one's, when that is an
 * expression.
 */
final class CellEvaluator implements AutoCloseable {

    /** The cell produced no value to show (its last snippet is a statement or a declaration). */
    static final Object NO_VALUE = new Object();

    /** How long a cell may ignore an interrupt before its thread is stopped the hard way. */
    private static final long STOP_GRACE_MILLIS = 1500;

    private final CellControl control = new CellControl();
    private final JShell shell;

    /** Where each snippet of the running cell starts in it (snippet id to 0-based cell line), for stack traces. */
    private final Map<String, Integer> cellLines = new HashMap<>();

    CellEvaluator(List<Path> classPath, List<String> startupSnippets) {
        this.shell = JShell.builder()
                .executionEngine(new ExecutionControlProvider() {
                    @Override
                    public String name() {
                        return "segattr-local";
                    }

                    @Override
                    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                        return control;
                    }
                }, Map.of())
                .build();
        for (Path entry : classPath) {
            addToClasspath(entry);
        }
        for (String snippet : startupSnippets) {
            eval(snippet, 0);
        }
    }

    /** Makes a jar or class folder visible to later cells, for compiling and at run time. */
    void addToClasspath(Path entry) {
        shell.addToClasspath(entry.toAbsolutePath().toString());
    }

    /** A new cell begins: line numbers in stack traces refer to it from now on. */
    void newCell() {
        cellLines.clear();
        control.reset();
    }

    /**
     * Evaluates the code of one cell (no magics) and returns the value of its last snippet, or {@link #NO_VALUE}.
     *
     * @param firstLine the cell line (0-based) the code starts at, for error messages
     * @throws CompilationException code that does not compile, with the offending source marked
     * @throws CellInterruptedException the user interrupted the cell
     * @throws RuntimeException or any exception the user's code threw (rethrown as is)
     */
    Object eval(String code, int firstLine) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        Object value = NO_VALUE;
        String rest = code;
        int line = firstLine;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness completeness = info.completeness();
            if (completeness == Completeness.EMPTY) {
                return value;
            }
            int snippetLine = line + countLines(rest, firstNonBlank(rest));
            if (!completeness.isComplete()) {
                throw new CompilationException("incomplete code at cell line " + (snippetLine + 1)
                        + " (a missing ';', ')' or '}'?)", List.of(rest.strip()));
            }
            if (control.cancelled()) {
                throw new CellInterruptedException(); // interrupted while the previous snippet compiled or ran
            }
            value = evalSnippet(info.source(), snippetLine);
            line += countLines(rest, rest.length() - info.remaining().length());
            rest = info.remaining();
        }
    }

    private Object evalSnippet(String source, int cellLine) {
        List<SnippetEvent> events = shell.eval(source);
        Map<String, Object> results = control.takeResults();
        if (control.cancelled()) {
            throw new CellInterruptedException();
        }
        Object value = NO_VALUE;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                keepValue(event);
                continue;
            }
            Snippet snippet = event.snippet();
            cellLines.put(snippet.id(), cellLine);
            if (event.status() == Snippet.Status.REJECTED) {
                throw compilationError(snippet, cellLine);
            }
            JShellException failure = event.exception();
            if (failure != null) {
                throw runtimeError(failure);
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                // Legal in JShell (it waits for the missing pieces), but usually a typo in a notebook: say so.
                String missing = shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet)
                        .collect(Collectors.joining(", "));
                System.err.println("note: " + firstLineOf(snippet.source()) + " ... cannot be used until "
                        + missing + " is defined");
            }
            switch (snippet.subKind()) {
                case TEMP_VAR_EXPRESSION_SUBKIND:
                case VAR_VALUE_SUBKIND:
                case OTHER_EXPRESSION_SUBKIND:
                    value = event.value() != null && results.containsKey(event.value())
                            ? results.get(event.value()) : NO_VALUE;
                    break;
                default:
                    value = NO_VALUE;
            }
        }
        return value;
    }

    /**
     * JShell recompiles the declarations an import might affect (a star import: nearly all of them) and resets
     * their variables to null: {@code var traces = ...;} then {@code import tech.tablesaw.api.*;} would lose
     * the traces. A variable whose type did not change keeps its value; any other reset is said out loud.
     */
    private void keepValue(SnippetEvent event) {
        if (!(event.snippet() instanceof VarSnippet) || event.status() != Snippet.Status.VALID
                || event.previousStatus() != Snippet.Status.VALID) {
            return;
        }
        VarSnippet variable = (VarSnippet) event.snippet();
        if (!control.carryOver(variable.id(), variable.name())) {
            System.err.println("note: variable " + variable.name() + " was recompiled and reset to its default value");
        }
    }

    private CompilationException compilationError(Snippet snippet, int cellLine) {
        String source = snippet.source();
        int base = firstNonBlank(source);
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList())) {
            String message = d.getMessage(Locale.ROOT);
            if (first == null) {
                first = message.lines().findFirst().orElse(message);
            }
            long pos = d.getPosition() >= 0 ? d.getPosition() : d.getStartPosition();
            if (pos >= base) {
                int lineStart = source.lastIndexOf('\n', (int) pos - 1) + 1;
                int lineEnd = source.indexOf('\n', (int) pos);
                String text = source.substring(lineStart, lineEnd < 0 ? source.length() : lineEnd);
                int start = (int) Math.max(lineStart, Math.min(d.getStartPosition(), pos));
                int end = (int) Math.min(lineStart + text.length(), Math.max(d.getEndPosition(), pos + 1));
                lines.add("cell line " + (cellLine + countLines(source.substring(base), (int) pos - base) + 1) + ":");
                lines.add("    " + text);
                lines.add("    " + " ".repeat(start - lineStart) + "^".repeat(Math.max(1, end - start)));
            } else {
                lines.add("    " + source.strip());
            }
            message.lines().filter(l -> !l.strip().startsWith("location:")).forEach(lines::add);
            lines.add("");
        }
        if (first == null) {
            first = "cannot compile " + firstLineOf(source);
            lines.add(first);
        }
        return new CompilationException(first, lines);
    }

    private RuntimeException runtimeError(JShellException failure) {
        if (failure instanceof UnresolvedReferenceException) {
            jdk.jshell.DeclarationSnippet snippet = ((UnresolvedReferenceException) failure).getSnippet();
            String missing = shell.unresolvedDependencies(snippet).collect(Collectors.joining(", "));
            return new CompilationException(firstLineOf(snippet.source()) + " cannot be used until " + missing
                    + " is defined", List.of(snippet.source().strip(), "", "missing: " + missing));
        }
        Throwable original = control.takeFailure();
        if (original == null) {
            return new CellErrorException(failure.getMessage(), failure);
        }
        // JShell's copy has the frames that matter (cell code mapped to its snippets, no kernel frames):
        // give them to the user's own exception, which keeps its class and can be caught or kept in a cell.
        Throwable t = original;
        Throwable mapped = failure;
        while (t != null && mapped != null) {
            t.setStackTrace(mapped.getStackTrace());
            t = t.getCause() == t ? null : t.getCause();
            mapped = mapped.getCause();
        }
        if (original instanceof Exception) {
            return CellEvaluator.<RuntimeException>sneaky(original);
        }
        return new CellErrorException(original.toString(), original);
    }

    /** Rethrows a checked exception unchanged (the kernel reports it with its own class name). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * The stack trace of a user exception as the user wrote it: frames in cell code show the source line
     * (JShell's snippet classes are no help to a reader); frames in libraries as Java prints them.
     */
    List<String> describe(Throwable failure) {
        List<String> lines = new ArrayList<>();
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 20; depth++) {
            lines.add((depth == 0 ? "" : "Caused by: ") + t.toString().replaceAll("REPL\\.\\$JShell\\$\\d+\\.", ""));
            for (StackTraceElement frame : t.getStackTrace()) {
                lines.add("    at " + describe(frame));
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return lines;
    }

    private String describe(StackTraceElement frame) {
        String file = frame.getFileName();
        if (file == null || !file.startsWith("#")) {
            return frame.toString();
        }
        // JShell's mapped frame: file "#<snippet id>", line in that snippet, no class, method "" for the cell
        String id = file.substring(1);
        String text = shell.snippets().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> lineOf(s.source().substring(lineStartOf(s.source(), firstNonBlank(s.source()))),
                        frame.getLineNumber()).strip())
                .orElse("");
        String method = frame.getMethodName().isEmpty() ? "" : frame.getMethodName() + ", ";
        Integer cellLine = cellLines.get(id);
        String where = cellLine != null ? "cell line " + (cellLine + frame.getLineNumber())
                : "an earlier cell, line " + frame.getLineNumber() + " of its snippet";
        return method + where + ": " + text;
    }

    /** Completions at {@code cursor}: the replacement texts and where the replaced text starts. */
    Completions complete(String code, int cursor) {
        int[] anchor = new int[1];
        List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor).stream()
                .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .collect(Collectors.toList());
        return new Completions(options, anchor[0]);
    }

    record Completions(List<String> options, int start) {
    }

    /** Signatures and javadoc of what is at {@code cursor}. */
    List<SourceCodeAnalysis.Documentation> documentation(String code, int cursor) {
        return shell.sourceCodeAnalysis().documentation(code, cursor, true);
    }

    /** Whether the code is a complete cell: "complete", "invalid", or the indent for the next line. */
    String isComplete(String code) {
        String rest = code;
        SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(rest);
        while (info.completeness().isComplete() && info.completeness() != Completeness.UNKNOWN) {
            rest = info.remaining();
            info = shell.sourceCodeAnalysis().analyzeCompletion(rest);
        }
        switch (info.completeness()) {
            case EMPTY:
                return "complete";
            case UNKNOWN:
                return "invalid";
            default: // incomplete: the next line keeps the indent, one level more after an opening '{' or '('
                String last = rest.substring(rest.lastIndexOf('\n') + 1);
                String indent = last.substring(0, last.length() - last.stripLeading().length());
                return last.strip().endsWith("{") || last.strip().endsWith("(") ? indent + "    " : indent;
        }
    }

    /** Stops the running cell: an interrupt first, then, for code that ignores it, the thread is stopped. */
    void interrupt() {
        control.stopCell(STOP_GRACE_MILLIS);
    }

    ClassLoader classLoader() {
        return control.loader != null ? control.loader : getClass().getClassLoader();
    }

    @Override
    public void close() {
        shell.close();
    }

    private static int firstNonBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Where the line holding {@code index} starts. */
    private static int lineStartOf(String s, int index) {
        return s.lastIndexOf('\n', Math.max(0, index - 1)) + 1;
    }

    private static int countLines(String s, int end) {
        int n = 0;
        for (int i = 0; i < Math.min(end, s.length()); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String firstLineOf(String source) {
        String s = source.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String lineOf(String source, int lineNumber) {
        String[] lines = source.split("\n", -1);
        return lineNumber >= 1 && lineNumber <= lines.length ? lines[lineNumber - 1] : "";
    }

    /** The cell's code does not compile; the message is the first error, {@link #lines()} the full report. */
    static final class CompilationException extends RuntimeException {
        private final List<String> lines;

        CompilationException(String message, List<String> lines) {
            super(message, null, false, false); // no kernel stack trace: the report is about the cell
            this.lines = List.copyOf(lines);
        }

        List<String> lines() {
            return lines;
        }
    }

    /** The user interrupted the cell. */
    static final class CellInterruptedException extends RuntimeException {
        CellInterruptedException() {
            super("the cell was interrupted", null, false, false);
        }
    }

    /** The cell threw an Error (out of memory, stack overflow...), carried as its cause. */
    static final class CellErrorException extends RuntimeException {
        CellErrorException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * JShell's execution engine, local: snippet classes are loaded into this JVM and each snippet runs on a
     * fresh daemon thread (so an interrupt can reach it while the kernel thread waits). Values are kept as
     * objects and JShell gets a key to them instead of their string.
     */
    private static final class CellControl extends DirectExecutionControl {
        /** JShell's wrapper classes: "REPL.$JShell$12" for snippet 12, "REPL.$JShell$12B" once recompiled. */
        private static final Pattern WRAPPER = Pattern.compile("REPL\\.\\$JShell\\$(\\d+)[A-Z]*");

        private final Map<String, Object> results = new HashMap<>();
        private final Map<String, String> wrapperOf = new HashMap<>();
        private final Map<String, String> previousWrapperOf = new HashMap<>();
        private long nextKey;
        private volatile Thread running;
        /** The cell was interrupted: no more of its snippets run (set even while it compiles). */
        private volatile boolean cancelled;
        private volatile Throwable failure;
        private volatile ClassLoader loader;

        @Override
        public void load(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException,
                EngineTerminationException {
            super.load(classes);
            for (ClassBytecodes c : classes) {
                Matcher m = WRAPPER.matcher(c.name());
                if (m.matches()) {
                    String before = wrapperOf.put(m.group(1), c.name());
                    if (before != null && !before.equals(c.name())) {
                        previousWrapperOf.put(m.group(1), before);
                    }
                }
            }
        }

        /**
         * Copies a variable's value from its snippet's previous wrapper class when JShell reloaded it; false
         * when the value cannot follow (its type changed).
         */
        boolean carryOver(String snippetId, String name) {
            String before = previousWrapperOf.remove(snippetId);
            String now = wrapperOf.get(snippetId);
            if (before == null || now == null) {
                return true; // not reloaded: the value is where it was
            }
            try {
                Field from = findClass(before).getDeclaredField(name);
                Field to = findClass(now).getDeclaredField(name);
                if (!from.getType().equals(to.getType())) {
                    return false; // e.g. a class it uses was redefined: the old value does not fit
                }
                from.setAccessible(true);
                to.setAccessible(true);
                to.set(null, from.get(null));
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }

        @Override
        protected String invoke(Method doit) throws Exception {
            if (cancelled) {
                throw new ExecutionControl.StoppedException();
            }
            loader = doit.getDeclaringClass().getClassLoader();
            Object[] value = new Object[1];
            Throwable[] thrown = new Throwable[1];
            Thread cell = new Thread(() -> {
                try {
                    value[0] = doit.invoke(null);
                } catch (InvocationTargetException e) {
                    thrown[0] = e.getCause();
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            }, "segattr-cell");
            cell.setDaemon(true);
            cell.setContextClassLoader(loader); // ServiceLoader lookups (DJL engines...) see %jars additions
            running = cell;
            cell.start();
            try {
                cell.join();
            } finally {
                running = null;
            }
            if (cancelled) {
                throw new ExecutionControl.StoppedException();
            }
            if (thrown[0] != null) {
                failure = thrown[0];
                throw new InvocationTargetException(thrown[0]);
            }
            return keep(value[0]);
        }

        @Override
        public String varValue(String className, String varName) throws RunException, EngineTerminationException,
                InternalException {
            try {
                Field field = findClass(className).getDeclaredField(varName);
                field.setAccessible(true);
                return keep(field.get(null));
            } catch (ReflectiveOperationException e) {
                throw new InternalException(e.toString());
            }
        }

        private synchronized String keep(Object value) {
            String key = "segattr-value-" + nextKey++;
            results.put(key, value);
            return key;
        }

        synchronized Map<String, Object> takeResults() {
            Map<String, Object> copy = new HashMap<>(results);
            results.clear();
            return copy;
        }

        void reset() {
            cancelled = false;
        }

        boolean cancelled() {
            return cancelled;
        }

        Throwable takeFailure() {
            Throwable t = failure;
            failure = null;
            return t;
        }

        @Override
        public void stop() {
            stopCell(0);
        }

        @SuppressWarnings({"deprecation", "removal"})
        void stopCell(long graceMillis) {
            cancelled = true;
            Thread cell = running;
            if (cell == null) {
                return; // compiling: the cell stops before its next snippet runs
            }
            cell.interrupt();
            Thread killer = new Thread(() -> {
                try {
                    cell.join(graceMillis);
                    if (cell.isAlive()) {
                        cell.stop(); // a busy loop never looks at its interrupt flag
                    }
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                } catch (UnsupportedOperationException e) { // JDK 20+: threads cannot be stopped
                    System.err.println("The cell ignores the interrupt and this JDK cannot stop it;"
                            + " restart the kernel to end it.");
                }
            }, "segattr-cell-stopper");
            killer.setDaemon(true);
            killer.start();
        }
    }
}
