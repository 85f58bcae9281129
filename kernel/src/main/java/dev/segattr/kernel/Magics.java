package dev.segattr.kernel;

import org.dflib.jjava.jupyter.kernel.magic.LineMagicArgs;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.ParsedCellMagic;
import org.dflib.jjava.jupyter.kernel.magic.ParsedLineMagic;
import org.dflib.jjava.jupyter.kernel.util.PathsHandler;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The line magics, IJava's spelling: a line that starts with {@code %name} is a command to the kernel, run
 * in order with the code around it.
 * <ul>
 *   <li>{@code %jars <glob>...}: jars (e.g. {@code lib/*.jar}, {@code ~/jars/**.jar}) onto the class path</li>
 *   <li>{@code %classpath <path>[:<path>...]}: jars or class folders onto the class path</li>
 *   <li>{@code %maven [--offline] <group:artifact:version>...}: the artifacts and their runtime dependencies,
 *       from the local Maven repository or the configured remotes</li>
 * </ul>
 */
final class Magics {

    static final List<String> NAMES = List.of("jars", "classpath", "maven");

    /** A line that stands for magic {@code k} in the cell as jjava's parser hands it back. */
    private static final String MARKER = "\u0000magic\u0000";

    /** One piece of a cell: code (with the cell line it starts at) or a magic line. */
    record Part(String code, int firstLine, String magic, List<String> args) {
        boolean isMagic() {
            return magic != null;
        }
    }

    private final Consumer<Path> classPath;
    private final List<Path> startupJars;
    private final Set<String> onClassPath;
    private final MavenResolver maven;
    /** group:artifact to version of the Maven artifacts on the class path; read when %maven first needs it. */
    private Map<String, String> artifacts;

    /**
     * @param classPath   adds an entry to the cells' class path
     * @param startupJars the class path the kernel started with (its jars are not added twice)
     */
    Magics(Consumer<Path> classPath, List<Path> startupJars, MavenResolver maven) {
        this.classPath = classPath;
        this.startupJars = List.copyOf(startupJars);
        this.onClassPath = startupJars.stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        this.maven = maven;
    }

    /**
     * Splits a cell into runs of code and magic lines, in order. jjava's {@link MagicParser} finds the magic lines
     * (IJava's syntax: {@code %} at the start of a line) and splits their arguments (double quotes keep spaces).
     */
    static List<Part> split(String cell) {
        MagicLines magicLines = MagicLines.of(cell);
        List<Part> parts = new ArrayList<>();
        String[] lines = cell.split("\n", -1);
        StringBuilder code = new StringBuilder();
        int codeStart = 0;
        for (int i = 0; i < lines.length; i++) {
            LineMagicArgs magic = magicLines.at(i);
            if (magic != null) {
                if (!code.toString().isBlank()) {
                    parts.add(new Part(code.toString(), codeStart, null, null));
                }
                code.setLength(0);
                codeStart = i + 1;
                parts.add(new Part(null, i, magic.name, List.copyOf(magic.args)));
            } else {
                code.append(lines[i]).append(i < lines.length - 1 ? "\n" : "");
            }
        }
        if (!code.toString().isBlank()) {
            parts.add(new Part(code.toString(), codeStart, null, null));
        }
        return parts;
    }

    /** The cell with its magic lines blanked (same length), for completion and inspection of the code. */
    static String blankMagics(String cell) {
        MagicLines magicLines = MagicLines.of(cell);
        String[] lines = cell.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (magicLines.at(i) != null) {
                lines[i] = " ".repeat(lines[i].length());
            }
        }
        return String.join("\n", lines);
    }

    /** The magic lines of a cell by line number, as jjava's parser reads them. */
    private record MagicLines(Map<Integer, LineMagicArgs> byLine) {

        static MagicLines of(String cell) {
            List<LineMagicArgs> found = new ArrayList<>();
            MagicTranspiler recorder = new MagicTranspiler() {
                @Override
                public String transpileLine(ParsedLineMagic magic) {
                    found.add(magic.magicCall);
                    return MARKER + (found.size() - 1);
                }

                @Override
                public String transpileCell(ParsedCellMagic magic) {
                    throw new MagicException("%%" + magic.magicCall.name + ": cell magics are not supported (line magics: "
                            + NAMES.stream().map(n -> "%" + n).collect(Collectors.joining(", ")) + ")");
                }
            };
            // A magic is a whole line: '%' after nothing but spaces (IJava's "(?<=(?:^|=))\\s*%" would also take
            // the '%' after an '=' and, with \\s, a line break before it).
            String marked = new MagicParser("^[ \\t]*%", "%%", recorder).resolveMagics(cell);
            Map<Integer, LineMagicArgs> byLine = new HashMap<>();
            String[] lines = marked.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith(MARKER)) {
                    byLine.put(i, found.get(Integer.parseInt(lines[i].substring(MARKER.length()).strip())));
                }
            }
            return new MagicLines(byLine);
        }

        LineMagicArgs at(int line) {
            return byLine.get(line);
        }
    }

    /** Runs one magic line; what it did goes to {@code out}. */
    void run(String name, List<String> args, PrintStream out) {
        switch (name) {
            case "jars":
                require(name, args, "%jars <glob>... e.g. %jars lib/*.jar");
                List<Path> jars = new ArrayList<>();
                for (String glob : args) {
                    List<Path> found = glob(glob).stream().filter(p -> p.toString().endsWith(".jar"))
                            .collect(Collectors.toList());
                    if (found.isEmpty()) {
                        throw new MagicException("%jars: no jar matches " + glob + " (relative to "
                                + Path.of("").toAbsolutePath() + ")");
                    }
                    jars.addAll(found);
                }
                add(jars, "%jars", out);
                break;
            case "classpath":
                require(name, args, "%classpath <path>[" + File.pathSeparator + "<path>...]");
                List<Path> entries = new ArrayList<>();
                for (String arg : args) {
                    for (String entry : PathsHandler.split(arg)) {
                        Path p = home(entry);
                        if (!Files.exists(p)) {
                            throw new MagicException("%classpath: " + entry + " does not exist (relative to "
                                    + Path.of("").toAbsolutePath() + ")");
                        }
                        entries.add(p);
                    }
                }
                add(entries, "%classpath", out);
                break;
            case "maven":
                boolean offline = args.contains("--offline") || args.contains("-o");
                List<String> coordinates = args.stream().filter(a -> !a.startsWith("-")).collect(Collectors.toList());
                require(name, coordinates, "%maven [--offline] <group:artifact:version>...");
                maven(maven.resolve(coordinates, offline, out), out);
                break;
            default:
                throw new MagicException("unknown magic %" + name + " (known: "
                        + NAMES.stream().map(n -> "%" + n).collect(Collectors.joining(", ")) + ")");
        }
    }

    /**
     * Adds resolved jars, except artifacts already on the class path in any version: the kernel's own (the
     * toolkit's dependencies) win, since their classes are loaded first anyway; a different version is said.
     */
    private void maven(List<MavenResolver.Jar> jars, PrintStream out) {
        if (artifacts == null) {
            artifacts = new HashMap<>();
            startupJars.forEach(jar -> artifacts.putAll(mavenCoordinates(jar)));
        }
        List<Path> toAdd = new ArrayList<>();
        for (MavenResolver.Jar jar : jars) {
            String present = artifacts.putIfAbsent(jar.key(), jar.version());
            if (present == null) {
                toAdd.add(jar.path());
            } else if (!present.equals(jar.version())) {
                out.println("%maven: keeping " + jar.key() + ":" + present + " (already on the class path; "
                        + jar.version() + " was asked for)");
            }
        }
        add(toAdd, "%maven", out);
    }

    /** group:artifact to version for each Maven artifact a jar says it holds (META-INF/maven/.../pom.properties). */
    static Map<String, String> mavenCoordinates(Path jar) {
        Map<String, String> found = new HashMap<>();
        if (!Files.isRegularFile(jar)) {
            return found;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
                    Properties pom = new Properties();
                    try (InputStream in = file.getInputStream(entry)) {
                        pom.load(in);
                    }
                    if (pom.getProperty("groupId") != null && pom.getProperty("artifactId") != null) {
                        found.put(pom.getProperty("groupId") + ":" + pom.getProperty("artifactId"),
                                pom.getProperty("version", "?"));
                    }
                }
            }
        } catch (IOException e) {
            // not a readable jar: nothing known about it
        }
        return found;
    }

    private void add(List<Path> entries, String magic, PrintStream out) {
        List<String> added = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (Files.isRegularFile(entry) && !onClassPath.add(name)) {
                skipped.add(name);
                continue;
            }
            classPath.accept(entry.toAbsolutePath().normalize());
            added.add(entry.toString());
        }
        out.println(magic + ": added " + added.size() + (added.size() == 1 ? " entry" : " entries")
                + " to the class path" + (added.isEmpty() ? "" : ": " + String.join(", ", added)));
        if (!skipped.isEmpty()) {
            out.println(magic + ": already on the class path: " + String.join(", ", skipped));
        }
    }

    private static void require(String name, List<String> args, String usage) {
        if (args.isEmpty()) {
            throw new MagicException("%" + name + " needs arguments: " + usage);
        }
    }

    /**
     * Files matching a glob, sorted: {@code *} and {@code ?} within a folder by jjava's resolver (IJava's %jars),
     * and {@code **} across folders, which that resolver does not have, by the JDK's glob matcher.
     */
    static List<Path> glob(String glob) {
        Path pattern = home(glob).toAbsolutePath().normalize();
        String text = pattern.toString();
        List<Path> found;
        if (!text.contains("**")) {
            try {
                found = PathsHandler.splitAndResolveGlobs(text.replace(File.separatorChar, '/'));
            } catch (RuntimeException e) {
                if (e.getCause() instanceof NoSuchFileException) {
                    return List.of(); // a folder of the glob is missing: for %jars, nothing matches
                }
                throw e;
            }
        } else {
            Path base = Path.of(text.substring(0, text.lastIndexOf(File.separatorChar, text.indexOf("**")) + 1));
            if (!Files.isDirectory(base)) {
                return List.of();
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + text);
            try (Stream<Path> files = Files.walk(base)) {
                found = files.filter(matcher::matches).collect(Collectors.toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found.stream().filter(Files::isRegularFile).map(p -> p.toAbsolutePath().normalize()).sorted()
                .collect(Collectors.toList());
    }

    private static Path home(String path) {
        return path.equals("~") || path.startsWith("~/")
                ? Path.of(System.getProperty("user.home") + path.substring(1)) : Path.of(path);
    }

    /** A magic that cannot do what it was asked; the message says why and what to do. */
    static final class MagicException extends RuntimeException {
        MagicException(String message) {
            super(message, null, false, false); // no kernel stack trace: the message says it all
        }
    }
}
