package dev.segattr.kernel;

import org.eclipse.aether.repository.RemoteRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The magics with a real evaluator: what they add is usable by the next code. */
class MagicsTest {

    @TempDir
    static Path dir;

    private static CellEvaluator evaluator;
    private static Magics magics;

    @BeforeAll
    static void start() throws Exception {
        evaluator = new CellEvaluator(Kernel.startupClassPath(), List.of());
        Path repo = TestJars.mavenRepository(dir.resolve("m2"));
        // Offline, with a remote that would not answer anyway: only the local repository can serve.
        MavenResolver maven = new MavenResolver(repo,
                List.of(new RemoteRepository.Builder("central", "default", "http://127.0.0.1:9/").build()), true);
        magics = new Magics(evaluator::addToClasspath, Kernel.startupClassPath(), maven);
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    private static String run(String name, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        magics.run(name, List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Object cell(String code) {
        evaluator.newCell();
        return evaluator.eval(code, 0);
    }

    @Test
    void aCellSplitsIntoCodeAndMagicLinesInOrder() {
        List<Magics.Part> parts = Magics.split("int a = 1;\n%jars lib/*.jar \"my dir/x.jar\"\na + 1\n");
        assertEquals(3, parts.size());
        assertEquals("int a = 1;\n", parts.get(0).code());
        assertEquals("jars", parts.get(1).magic());
        assertEquals(List.of("lib/*.jar", "my dir/x.jar"), parts.get(1).args());
        assertEquals("a + 1\n", parts.get(2).code());
        assertEquals(2, parts.get(2).firstLine(), "line numbers stay the cell's");
        assertNull(parts.get(0).magic());
        assertEquals("int a;\n      \nx", Magics.blankMagics("int a;\n%jars \nx"));
    }

    @Test
    void magicArgumentsAreSplitByJjavasParserAndCellMagicsAreRefusedClearly() {
        // Indented magic, a quoted word with an escaped quote inside; "x % 2" is code (the '%' is not at a line start).
        List<Magics.Part> parts = Magics.split("  %classpath \"a b\" \"say \\\"hi\\\"\"\nint y = x % 2;");
        assertEquals("classpath", parts.get(0).magic());
        assertEquals(List.of("a b", "say \"hi\""), parts.get(0).args());
        assertEquals("int y = x % 2;", parts.get(1).code());
        Magics.MagicException e = assertThrows(Magics.MagicException.class, () -> Magics.split("%%time\nint a = 1;"));
        assertEquals("%%time: cell magics are not supported (line magics: %jars, %classpath, %maven)", e.getMessage());
    }

    @Test
    void jarsAddsEveryMatchOfAGlob() throws Exception {
        Path lib = dir.resolve("lib");
        TestJars.jar(lib.resolve("one.jar"), Map.of("one.One", "package one; public class One { public int n() { return 1; } }"), List.of());
        TestJars.jar(lib.resolve("sub/two.jar"), Map.of("two.Two", "package two; public class Two { public int n() { return 2; } }"), List.of());
        Files.writeString(lib.resolve("notes.txt"), "not a jar");

        String out = run("jars", lib + "/**.jar");
        assertTrue(out.startsWith("%jars: added 2 entries to the class path"), out);
        assertEquals(3, cell("new one.One().n() + new two.Two().n()"));
        assertTrue(run("jars", lib + "/*.jar").contains("already on the class path: one.jar"));
    }

    @Test
    void jarsSaysWhenNothingMatches() {
        Magics.MagicException e = assertThrows(Magics.MagicException.class, () -> run("jars", dir + "/nothing/*.jar"));
        assertTrue(e.getMessage().startsWith("%jars: no jar matches " + dir + "/nothing/*.jar"), e.getMessage());
    }

    @Test
    void classpathAddsFoldersAndJars() throws Exception {
        Path jar = TestJars.jar(dir.resolve("cp/three.jar"),
                Map.of("three.Three", "package three; public class Three { }"), List.of());
        assertTrue(run("classpath", jar.toString()).contains("added 1 entry"));
        assertEquals("three.Three", cell("three.Three.class.getName()"));
        Magics.MagicException e = assertThrows(Magics.MagicException.class, () -> run("classpath", "no/such/dir"));
        assertTrue(e.getMessage().startsWith("%classpath: no/such/dir does not exist"), e.getMessage());
    }

    @Test
    void mavenResolvesOfflineFromTheLocalRepositoryWithDependencies() {
        String out = run("maven", "demo:greeter:1.0");
        assertTrue(out.contains("added 2 entries"), out);
        assertTrue(out.contains("greeter-1.0.jar") && out.contains("words-1.0.jar"), out);
        assertEquals("hello, notebook", cell("new demo.Greeter().greet(\"notebook\")"));
    }

    @Test
    void mavenKeepsTheKernelsOwnVersionOfALibrary() {
        String out = run("maven", "demo:old-gson:1.0");
        assertTrue(out.matches("(?s).*keeping com\\.google\\.code\\.gson:gson:2\\.\\d+\\.\\d+ \\(already on the class path; 2\\.0 was asked for\\).*"), out);
        assertTrue(out.contains("added 1 entry to the class path: " + dir.resolve("m2/demo/old-gson/1.0/old-gson-1.0.jar")), out);
    }

    @Test
    void mavenOfflineSaysClearlyWhatIsMissing() {
        Magics.MagicException e = assertThrows(Magics.MagicException.class, () -> run("maven", "demo:absent:2.0"));
        assertTrue(e.getMessage().startsWith("%maven: cannot resolve demo:absent:2.0: it is not in the local repository "
                + dir.resolve("m2") + " and %maven is offline"), e.getMessage());
        Magics.MagicException bad = assertThrows(Magics.MagicException.class, () -> run("maven", "just-a-name"));
        assertTrue(bad.getMessage().contains("is not group:artifact:version"), bad.getMessage());
    }

    @Test
    void anUnknownMagicListsTheKnownOnes() {
        Magics.MagicException e = assertThrows(Magics.MagicException.class, () -> run("jar", "x.jar"));
        assertEquals("unknown magic %jar (known: %jars, %classpath, %maven)", e.getMessage());
    }
}
