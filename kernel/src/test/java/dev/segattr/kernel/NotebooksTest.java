package dev.segattr.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every notebook in notebooks/ runs headless, as {@code jupyter nbconvert --execute} runs it, with the
 * installed segattr kernel: a failing cell fails the test. A code cell whose metadata says
 * {@code "segattr": {"expect": ["text/html", "image/png"]}} must show each of those MIME types
 * (in an execute_result or a display_data).
 */
class NotebooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Jupyter jupyter;

    @BeforeAll
    static void installTheKernel() throws Exception {
        jupyter = Jupyter.install(dir.resolve("jupyter"));
    }

    /** Runs a notebook headless into {@code outDir}; the executed copy keeps the notebook's name. */
    private static Jupyter.Result execute(Path notebook, Path outDir, String... more) throws Exception {
        Files.createDirectories(outDir);
        List<String> args = new java.util.ArrayList<>(List.of("nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=segattr",
                "--ExecutePreprocessor.timeout=1200",
                "--ExecutePreprocessor.startup_timeout=120",
                "--output-dir", outDir.toString()));
        args.addAll(List.of(more));
        args.add(notebook.toString());
        return jupyter.run(notebook.getParent(), 1800, args.toArray(String[]::new));
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsHeadlessWithItsRichOutputs() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(Jupyter.REPO.resolve("notebooks"))) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in " + Jupyter.REPO.resolve("notebooks"));
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            Path out = dir.resolve("out");
            Jupyter.Result r = execute(nb, out);
            System.out.printf("notebook %s: %.1f s headless%n", nb.getFileName(), r.seconds());
            assertEquals(0, r.exit(), nb.getFileName() + " failed headless:\n" + r.output());
            checkExpectedOutputs(JSON.readTree(out.resolve(nb.getFileName()).toFile()), nb.getFileName().toString());
        }));
    }

    private static void checkExpectedOutputs(JsonNode notebook, String name) {
        int index = 0;
        for (JsonNode cell : notebook.path("cells")) {
            index++;
            if (!cell.path("cell_type").asText().equals("code")) {
                continue;
            }
            Set<String> shown = new LinkedHashSet<>();
            for (JsonNode output : cell.path("outputs")) {
                assertNotEquals("error", output.path("output_type").asText(), name + " cell " + index + ": " + output);
                output.path("data").fieldNames().forEachRemaining(shown::add);
            }
            for (JsonNode expected : cell.path("metadata").path("segattr").path("expect")) {
                assertTrue(shown.contains(expected.asText()), name + " cell " + index + " should show "
                        + expected.asText() + " but shows " + shown + ":\n" + cell.path("source").asText());
            }
        }
    }

    @Test
    void aFailingCellFailsTheRunWithAReadableError() throws Exception {
        ObjectNode nb = JSON.createObjectNode();
        ArrayNode cells = nb.putArray("cells");
        for (String source : List.of("int ok = 1;", "Object nothing = null;\nnothing.toString()", "System.out.println(\"never\");")) {
            ObjectNode cell = cells.addObject().put("cell_type", "code").putNull("execution_count");
            cell.putObject("metadata");
            cell.putArray("outputs");
            cell.put("source", source);
        }
        nb.putObject("metadata").putObject("kernelspec").put("name", "segattr").put("language", "java")
                .put("display_name", "Java (segattr)");
        nb.put("nbformat", 4).put("nbformat_minor", 4);
        Path notebook = dir.resolve("failing/failing.ipynb");
        Files.createDirectories(notebook.getParent());
        JSON.writeValue(notebook.toFile(), nb);

        Jupyter.Result r = execute(notebook, dir.resolve("failing-out"));
        assertNotEquals(0, r.exit(), "a failing cell must fail the headless run:\n" + r.output());
        assertTrue(r.output().contains("nothing.toString()"), "the failing code is quoted:\n" + r.output());
        // The error as a front end shows it (nbclient 0.10+ no longer prints the exception's name in its own
        // message, Debian's older one did): with --allow-errors the notebook keeps the cell's error output.
        Jupyter.Result kept = execute(notebook, dir.resolve("failing-kept"), "--allow-errors");
        assertEquals(0, kept.exit(), kept.output());
        JsonNode error = JSON.readTree(dir.resolve("failing-kept/failing.ipynb").toFile()).path("cells").path(1).path("outputs").path(0);
        assertEquals("error", error.path("output_type").asText(), error.toString());
        String shown = String.join("\n", JSON.convertValue(error.path("traceback"), String[].class));
        assertTrue(shown.contains("NullPointerException"), shown);
        assertTrue(shown.contains("cell line 2: nothing.toString()"), "the failing line, by its place in the cell:\n" + shown);
    }
}
