package dev.segattr.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel through Jupyter's own client (jupyter_client, driven by src/test/python/kernel_driver.py): one
 * kernel, a script of cells, and what a notebook front end would receive for each.
 */
class KernelProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    /** Each step's result, in script order. */
    private static final List<JsonNode> results = new ArrayList<>();
    private static final List<String> names = new ArrayList<>();
    private static final ArrayNode steps = JSON.createArrayNode();

    private static void execute(String name, String code) {
        names.add(name);
        steps.addObject().put("execute", code);
    }

    @BeforeAll
    static void runTheScript() throws Exception {
        Path repo = TestJars.mavenRepository(dir.resolve("m2"));
        TestJars.jar(dir.resolve("lib/extra.jar"),
                Map.of("extra.Extra", "package extra; public class Extra { public static int answer() { return 42; } }"),
                List.of());
        Jupyter jupyter = Jupyter.install(dir.resolve("jupyter"),
                "--env", "SEGATTR_MAVEN_OFFLINE=true", "-Dmaven.repo.local=" + repo);

        execute("value", "1 + 1");
        execute("facade", "Segattr.class.getName()");
        execute("print", "System.out.println(\"hello\");\nSystem.err.println(\"careful\");\nint x = 41;\nx + 1");
        execute("table", "var t = tech.tablesaw.api.Table.create(\"scores\",\n"
                + "    tech.tablesaw.api.StringColumn.create(\"name\", \"a<b\", \"c\"),\n"
                + "    tech.tablesaw.api.DoubleColumn.create(\"score\", 0.5, 1.5));\nt");
        execute("chart", "var c = new org.knowm.xchart.XYChartBuilder().width(300).height(200).title(\"line\").build();\n"
                + "c.addSeries(\"y\", new double[]{1, 2, 3}, new double[]{1, 4, 9});\ndisplay(c);");
        execute("markdown", "display(RichDisplay.markdown(\"# Title\"));\ndisplay(\"plain text\");");
        execute("compile error", "int ok = 1;\nint bad = \"text\";");
        execute("runtime error", "int zero = 0;\nint r = 10 / zero;");
        execute("jars", "%jars " + dir.resolve("lib") + "/*.jar\nextra.Extra.answer()");
        execute("maven present", "%maven demo:greeter:1.0\nnew demo.Greeter().greet(\"jupyter\")");
        execute("maven missing", "%maven demo:absent:1.0");
        names.add("interrupt");
        steps.addObject().put("execute", "long n = 0;\nwhile (true) { n++; }").put("interrupt_after", 3);
        execute("after interrupt", "6 * 7");
        execute("progress", "try (var p = Progress.start(\"work\", 4)) {\n"
                + "    for (int i = 0; i < 4; i++) { Thread.sleep(300); p.step(); }\n}");
        execute("update display", "display(\"first\", \"my-id\");\nupdateDisplay(\"my-id\", \"second\");");
        names.add("complete");
        steps.addObject().put("complete", "Math.ma").put("cursor", 7);
        names.add("complete magic");
        steps.addObject().put("complete", "%ma").put("cursor", 3);
        names.add("inspect");
        steps.addObject().put("inspect", "Math.max(1, 2)").put("cursor", 6);

        ObjectNode script = JSON.createObjectNode().put("kernel_name", "segattr");
        script.set("steps", steps);
        Path scriptFile = dir.resolve("script.json");
        Path resultFile = dir.resolve("result.json");
        JSON.writeValue(scriptFile.toFile(), script);
        Jupyter.Result r = jupyter.python(dir, 300,
                Jupyter.REPO.resolve("kernel/src/test/python/kernel_driver.py").toString(),
                scriptFile.toString(), resultFile.toString());
        if (!Files.exists(resultFile)) {
            throw new AssertionError("the kernel driver wrote no result (exit " + r.exit() + "):\n" + r.output());
        }
        JSON.readTree(resultFile.toFile()).forEach(results::add);
        System.out.printf("kernel protocol script: %d steps in %.1f s%n", results.size(), r.seconds());
        assertEquals(steps.size(), results.size(), "every step answered:\n" + r.output());
    }

    private static JsonNode result(String name) {
        JsonNode node = results.get(names.indexOf(name));
        assertTrue(node.path("driver_error").isMissingNode(), name + ": " + node);
        return node;
    }

    private static List<JsonNode> outputs(String name, String msgType) {
        List<JsonNode> found = new ArrayList<>();
        result(name).path("outputs").forEach(o -> {
            if (o.path("msg_type").asText().equals(msgType)) {
                found.add(o.path("content"));
            }
        });
        return found;
    }

    private static String stream(String name, String which) {
        StringBuilder s = new StringBuilder();
        outputs(name, "stream").stream().filter(c -> c.path("name").asText().equals(which))
                .forEach(c -> s.append(c.path("text").asText()));
        return s.toString();
    }

    private static String errorText(String name) {
        List<JsonNode> errors = outputs(name, "error");
        assertEquals(1, errors.size(), name + ": one error output");
        StringBuilder s = new StringBuilder();
        errors.get(0).path("traceback").forEach(l -> s.append(l.asText()).append('\n'));
        return s.toString();
    }

    private static String resultText(String name) {
        List<JsonNode> r = outputs(name, "execute_result");
        assertEquals(1, r.size(), name + ": one execute_result");
        return r.get(0).path("data").path("text/plain").asText();
    }

    @Test
    void anExpressionShowsItsValue() {
        assertEquals("ok", result("value").path("status").asText());
        assertEquals("2", resultText("value"));
    }

    @Test
    void theToolkitsFacadeNeedsNoImport() {
        assertEquals("dev.segattr.notebook.Segattr", resultText("facade"));
    }

    @Test
    void printedTextIsStreamedAndTheLastValueShown() {
        assertEquals("hello\n", stream("print", "stdout"));
        assertEquals("careful\n", stream("print", "stderr"));
        assertEquals("42", resultText("print"));
    }

    @Test
    void aTablesawTableIsAnHtmlTable() {
        JsonNode data = outputs("table", "execute_result").get(0).path("data");
        String html = data.path("text/html").asText();
        assertTrue(html.contains("<caption>scores</caption>"), html);
        assertTrue(html.contains("<th>name</th><th>score</th>"), html);
        assertTrue(html.contains("<td style=\"text-align:left\">a&lt;b</td><td style=\"text-align:right\">0.5</td>"), html);
        assertTrue(data.path("text/plain").asText().contains("scores"));
    }

    @Test
    void anXChartChartIsAPng() {
        List<JsonNode> shown = outputs("chart", "display_data");
        assertEquals(1, shown.size());
        byte[] png = Base64.getDecoder().decode(shown.get(0).path("data").path("image/png").asText());
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        assertTrue(png.length > 1000, "a drawn chart, not an empty image: " + png.length + " bytes");
        assertTrue(outputs("chart", "execute_result").isEmpty(), "display(...) has no value of its own");
    }

    @Test
    void displayShowsRichDisplayObjectsAndPlainValues() {
        List<JsonNode> shown = outputs("markdown", "display_data");
        assertEquals("# Title", shown.get(0).path("data").path("text/markdown").asText());
        assertEquals("plain text", shown.get(1).path("data").path("text/plain").asText());
    }

    @Test
    void aCompileErrorFailsTheCellWithAReadableReport() {
        JsonNode r = result("compile error");
        assertEquals("error", r.path("status").asText());
        assertEquals("CompilationException", r.path("ename").asText());
        String text = errorText("compile error");
        assertTrue(text.startsWith("Compilation error: incompatible types: java.lang.String cannot be converted to int"), text);
        assertTrue(text.contains("cell line 2:\n    int bad = \"text\";\n              ^^^^^^\n"), text);
    }

    @Test
    void aRuntimeExceptionFailsTheCellWithItsOwnNameAndTheCellLine() {
        JsonNode r = result("runtime error");
        assertEquals("error", r.path("status").asText());
        assertEquals("ArithmeticException", r.path("ename").asText());
        assertEquals("/ by zero", r.path("evalue").asText());
        assertEquals("java.lang.ArithmeticException: / by zero\n    at cell line 2: int r = 10 / zero;\n",
                errorText("runtime error"));
    }

    @Test
    void jarsMagicAddsJarsForTheNextLines() {
        assertTrue(stream("jars", "stdout").startsWith("%jars: added 1 entry to the class path: "), stream("jars", "stdout"));
        assertEquals("42", resultText("jars"));
    }

    @Test
    void mavenMagicOfflineUsesTheLocalRepository() {
        assertTrue(stream("maven present", "stdout").contains("added 2 entries"), stream("maven present", "stdout"));
        assertEquals("hello, jupyter", resultText("maven present"));
    }

    @Test
    void mavenMagicOfflineSaysWhatItCannotFind() {
        assertEquals("error", result("maven missing").path("status").asText());
        String text = errorText("maven missing");
        assertTrue(text.startsWith("%maven: cannot resolve demo:absent:1.0: it is not in the local repository "), text);
        assertTrue(text.contains("and %maven is offline"), text);
    }

    @Test
    void anInterruptStopsTheCellAndTheKernelGoesOn() {
        JsonNode r = result("interrupt");
        assertEquals("error", r.path("status").asText());
        assertEquals("CellInterruptedException", r.path("ename").asText());
        assertTrue(r.path("seconds").asDouble() < 15, "stopped soon after the interrupt: " + r.path("seconds"));
        assertEquals("ok", result("after interrupt").path("status").asText());
        assertEquals("42", resultText("after interrupt"));
    }

    @Test
    void progressIsOneDisplayUpdatedInPlace() {
        List<JsonNode> first = outputs("progress", "display_data");
        List<JsonNode> updates = outputs("progress", "update_display_data");
        assertEquals(1, first.size(), "one bar");
        String id = first.get(0).path("transient").path("display_id").asText();
        assertTrue(id.startsWith("segattr-progress-"), first.get(0).toString());
        assertTrue(first.get(0).path("data").path("text/html").asText().contains("<progress value=\"0\" max=\"4\""));
        assertTrue(updates.size() >= 2, "updates: " + updates.size());
        JsonNode last = updates.get(updates.size() - 1);
        assertEquals(id, last.path("transient").path("display_id").asText());
        assertTrue(last.path("data").path("text/plain").asText().startsWith("work [####################] 4/4 100%"),
                last.toString());
    }

    @Test
    void displayWithAnIdCanBeUpdated() {
        assertEquals("my-id", outputs("update display", "display_data").get(0).path("transient").path("display_id").asText());
        JsonNode update = outputs("update display", "update_display_data").get(0);
        assertEquals("my-id", update.path("transient").path("display_id").asText());
        assertEquals("second", update.path("data").path("text/plain").asText());
    }

    @Test
    void completionAndInspection() {
        JsonNode complete = result("complete");
        assertTrue(complete.path("matches").toString().contains("\"max(\""), complete.toString());
        assertEquals(5, complete.path("cursor_start").asInt());
        assertEquals("[\"%maven\"]", result("complete magic").path("matches").toString());
        JsonNode inspect = result("inspect");
        assertTrue(inspect.path("found").asBoolean(), inspect.toString());
        assertTrue(inspect.path("data").path("text/plain").asText().contains("int Math.max(int a, int b)"), inspect.toString());
    }
}
