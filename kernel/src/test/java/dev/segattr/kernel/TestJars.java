package dev.segattr.kernel;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Small real jars and a Maven repository of them, made by the tests (nothing is downloaded). */
final class TestJars {

    private TestJars() {
    }

    /**
     * Compiles Java sources (class name to source) against {@code classPath} and packs them into {@code jar}.
     */
    static Path jar(Path jar, Map<String, String> sources, List<Path> classPath) throws IOException {
        Path work = Files.createTempDirectory("testjar");
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = work.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            files.add(file.toString());
        }
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17"));
        if (!classPath.isEmpty()) {
            args.add("-cp");
            args.add(classPath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        }
        args.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("test sources do not compile: " + sources.keySet());
        }
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * A local Maven repository: {@code demo:greeter:1.0} (class {@code demo.Greeter}) that depends on
     * {@code demo:words:1.0} (class {@code demo.Words}), and {@code demo:old-gson:1.0} that depends on gson 2.0.
     */
    static Path mavenRepository(Path repo) throws IOException {
        Path words = jar(repo.resolve("demo/words/1.0/words-1.0.jar"),
                Map.of("demo.Words", "package demo; public class Words { public static String hello() { return \"hello\"; } }"),
                List.of());
        jar(repo.resolve("demo/greeter/1.0/greeter-1.0.jar"),
                Map.of("demo.Greeter", "package demo; public class Greeter {"
                        + " public String greet(String who) { return Words.hello() + \", \" + who; } }"),
                List.of(words));
        // demo:old-gson:1.0 wants gson 2.0, older than the kernel's own: the kernel's must stay.
        jar(repo.resolve("demo/old-gson/1.0/old-gson-1.0.jar"), Map.of("demo.OldGson", "package demo; public class OldGson { }"), List.of());
        jar(repo.resolve("com/google/code/gson/gson/2.0/gson-2.0.jar"), Map.of("demo.NotGson", "package demo; class NotGson { }"), List.of());
        Files.writeString(repo.resolve("com/google/code/gson/gson/2.0/gson-2.0.pom"),
                "<project><modelVersion>4.0.0</modelVersion><groupId>com.google.code.gson</groupId>"
                        + "<artifactId>gson</artifactId><version>2.0</version></project>\n");
        Files.writeString(repo.resolve("demo/old-gson/1.0/old-gson-1.0.pom"), pom("old-gson",
                "<dependencies><dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId>"
                        + "<version>2.0</version></dependency></dependencies>"));
        Files.writeString(repo.resolve("demo/words/1.0/words-1.0.pom"), pom("words", ""));
        Files.writeString(repo.resolve("demo/greeter/1.0/greeter-1.0.pom"), pom("greeter",
                "<dependencies><dependency><groupId>demo</groupId><artifactId>words</artifactId>"
                        + "<version>1.0</version></dependency></dependencies>"));
        return repo;
    }

    private static String pom(String artifact, String dependencies) {
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                + "<groupId>demo</groupId><artifactId>" + artifact + "</artifactId><version>1.0</version>"
                + dependencies + "</project>\n";
    }
}
