package dev.segattr.kernel;

import com.google.gson.GsonBuilder;
import dev.segattr.viz.Progress;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * segattr's Jupyter kernel: Java cells evaluated by JShell in this JVM (the toolkit is on the class path
 * from the start), on JJava's implementation of the Jupyter protocol.
 *
 * <pre>
 * java -jar segattr-kernel.jar {connection_file}                      run (Jupyter starts it so)
 * java -jar segattr-kernel.jar --kernelspec DIR [--env K=V]... [JVM options]   write DIR/kernel.json
 * </pre>
 */
public final class Kernel extends BaseKernel {

    private static final Pattern MAGIC_PREFIX = Pattern.compile("^\\s*%([\\w-]*)$");

    private static volatile Kernel current;

    private final CellEvaluator evaluator;
    private final Magics magics;

    private Kernel(List<Path> classPath) {
        super("segattr", version(), new LanguageInfo.Builder("java")
                        .version(Runtime.version().toString())
                        .mimetype("text/x-java-source")
                        .fileExtension(".jshell")
                        .pygments("java")
                        .codemirror("text/x-java")
                        .build(),
                List.of(new HelpLink("JShell", "https://docs.oracle.com/en/java/javase/17/jshell/")),
                null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null, null, false,
                new StringStyler.Builder().addPrimaryStyle(TextColor.BOLD_RESET_FG)
                        .addSecondaryStyle(TextColor.BOLD_RED_FG).addHighlightStyle(TextColor.BOLD_RED_FG).build());
        Displays.register(renderer);
        this.evaluator = new CellEvaluator(classPath, startupSnippets());
        this.magics = new Magics(evaluator::addToClasspath, classPath, MavenResolver.fromEnvironment());
    }

    /** The running kernel, for {@link NotebookStatics}. */
    static Kernel current() {
        Kernel k = current;
        if (k == null) {
            throw new IllegalStateException("no segattr kernel is running in this JVM");
        }
        return k;
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--kernelspec")) {
            writeKernelSpec(Path.of(args[1]), List.of(args).subList(2, args.length));
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: java -jar segattr-kernel.jar {connection_file}\n"
                    + "       java -jar segattr-kernel.jar --kernelspec DIR [--env KEY=VALUE]... [JVM options...]");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true"); // charts are drawn into PNGs, never on a screen
        // Library warnings go to the cell's stderr; DJL's probe for a CUDA driver is expected to fail on a CPU.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(properties);
        Kernel kernel = new Kernel(startupClassPath());
        kernel.onStartup();
        current = kernel;
        Progress.setSink(Displays.progressSink(kernel.io));
        kernel.becomeHandlerForConnection(connection);
        exitWithParent();
        connection.connect();
        connection.waitUntilClose();
        System.exit(0); // threads that cells started must not keep a shut-down kernel alive
    }

    /** Jupyter names its process in JPY_PARENT_PID: a kernel whose front end died must not live on. */
    private static void exitWithParent() {
        String parent = System.getenv("JPY_PARENT_PID");
        if (parent != null && parent.matches("\\d+")) {
            ProcessHandle.of(Long.parseLong(parent)).ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
        }
    }

    @Override
    public Object evalRaw(String code) {
        Object value = CellEvaluator.NO_VALUE;
        evaluator.newCell();
        try {
            for (Magics.Part part : Magics.split(code)) {
                if (part.isMagic()) {
                    magics.run(part.magic(), part.args(), System.out);
                    value = CellEvaluator.NO_VALUE;
                } else {
                    value = evaluator.eval(part.code(), part.firstLine());
                }
            }
        } finally {
            System.out.flush();
            System.err.flush();
        }
        return value == CellEvaluator.NO_VALUE || value == null ? null : Displays.plain(value);
    }

    /** display(...) from a cell: a new output, one with a display id, or the update of one. */
    void show(Object value, String displayId, boolean update) {
        DisplayData data = new DisplayData(Displays.render(renderer, value));
        if (displayId != null) {
            data.setDisplayId(displayId);
        }
        System.out.flush();
        if (update) {
            io.display.updateDisplay(data);
        } else {
            io.display.display(data);
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        if (e instanceof CellEvaluator.CompilationException) {
            List<String> lines = new ArrayList<>(List.of("Compilation error: " + e.getMessage(), ""));
            lines.addAll(((CellEvaluator.CompilationException) e).lines());
            return lines;
        }
        if (e instanceof CellEvaluator.CellInterruptedException || e instanceof Magics.MagicException) {
            return List.of(e.getMessage().split("\n"));
        }
        if (e instanceof CellEvaluator.CellErrorException && e.getCause() != null) {
            return evaluator.describe(e.getCause());
        }
        return evaluator.describe(e);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String text = Magics.blankMagics(code);
        // Inspect the whole identifier under the cursor, and the method when a '(' follows it.
        while (at < text.length() && Character.isJavaIdentifierPart(text.charAt(at))) {
            at++;
        }
        int paren = at;
        while (paren < text.length() && Character.isWhitespace(text.charAt(paren))) {
            paren++;
        }
        if (paren < text.length() && text.charAt(paren) == '(') {
            at = paren + 1;
        }
        List<SourceCodeAnalysis.Documentation> docs = evaluator.documentation(text, at);
        if (docs == null || docs.isEmpty()) {
            return null;
        }
        DisplayData data = new DisplayData(docs.stream()
                .map(d -> d.signature() + (d.javadoc() != null ? "\n" + d.javadoc() : ""))
                .collect(Collectors.joining("\n\n")));
        data.putHTML(docs.stream()
                .map(d -> "<pre>" + Displays.escape(d.signature()) + "</pre>"
                        + (d.javadoc() != null ? "<pre>" + Displays.escape(d.javadoc()) + "</pre>" : ""))
                .collect(Collectors.joining("\n")));
        return data;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        Matcher magic = MAGIC_PREFIX.matcher(code.substring(lineStart, at));
        if (magic.matches()) {
            List<String> names = Magics.NAMES.stream().filter(n -> n.startsWith(magic.group(1)))
                    .map(n -> "%" + n).collect(Collectors.toList());
            return new ReplacementOptions(names, at - magic.group(1).length() - 1, at);
        }
        CellEvaluator.Completions c = evaluator.complete(Magics.blankMagics(code), at);
        return c.options().isEmpty() ? null : new ReplacementOptions(c.options(), c.start(), at);
    }

    @Override
    public String isComplete(String code) {
        return evaluator.isComplete(Magics.blankMagics(code));
    }

    @Override
    public void interrupt() {
        evaluator.interrupt();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        evaluator.close();
    }

    @Override
    protected ClassLoader getClassLoader() {
        return evaluator.classLoader();
    }

    /** The start-up imports (resource startup.jsh), so that cells need no set-up. */
    private static List<String> startupSnippets() {
        try (InputStream in = Kernel.class.getResourceAsStream("startup.jsh")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kernel's startup.jsh", e);
        }
    }

    /**
     * The class path this JVM started with, for JShell's compiler: the entries of {@code java.class.path}
     * and the jars their manifests name ({@code java -jar} puts only the kernel jar in java.class.path).
     */
    static List<Path> startupClassPath() {
        LinkedHashSet<Path> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator))) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry).toAbsolutePath().normalize();
            entries.add(path);
            if (Files.isRegularFile(path) && path.toString().endsWith(".jar")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    Manifest manifest = jar.getManifest();
                    String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
                    if (classPath != null) {
                        for (String relative : classPath.trim().split("\\s+")) {
                            Path dep = path.getParent().resolve(relative).normalize();
                            if (Files.exists(dep)) {
                                entries.add(dep);
                            }
                        }
                    }
                } catch (IOException e) {
                    System.err.println("segattr kernel: cannot read " + path + ": " + e.getMessage());
                }
            }
        }
        return new ArrayList<>(entries);
    }

    /**
     * Writes {@code dir/kernel.json}: this JVM's java, then the same class path (the kernel jar with
     * {@code -jar}, or {@code -cp} when run from classes), so that Jupyter starts the kernel as it runs now.
     * Options: {@code --env KEY=VALUE} (the kernel's environment; DJL offline with its cache by default),
     * anything else is a JVM option.
     */
    static void writeKernelSpec(Path dir, List<String> options) throws IOException {
        writeKernelSpec(dir, options, List.of(System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator))));
    }

    /** As {@link #writeKernelSpec(Path, List)}, for a kernel started from the given class path. */
    static void writeKernelSpec(Path dir, List<String> options, List<String> classPath) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.add("-Djava.awt.headless=true");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DJL_OFFLINE", "true");
        String cache = System.getenv("DJL_CACHE_DIR");
        env.put("DJL_CACHE_DIR", cache != null && !cache.isBlank() ? cache
                : Path.of(System.getProperty("user.home"), ".djl.ai").toString());
        for (int i = 0; i < options.size(); i++) {
            if (options.get(i).equals("--env") && i + 1 < options.size()) {
                String[] kv = options.get(++i).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else {
                argv.add(options.get(i));
            }
        }
        if (classPath.size() == 1 && classPath.get(0).endsWith(".jar")) {
            argv.add("-jar");
            argv.add(Path.of(classPath.get(0)).toAbsolutePath().normalize().toString());
        } else {
            argv.add("-cp");
            argv.add(classPath.stream().filter(p -> !p.isBlank()).map(p -> Path.of(p).toAbsolutePath().normalize().toString())
                    .collect(Collectors.joining(File.pathSeparator)));
            argv.add(Kernel.class.getName());
        }
        argv.add("{connection_file}");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "Java (segattr)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message"); // a signal would end the JVM, not the cell
        spec.put("env", env);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kernel.json"),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n");
    }

    private static String version() {
        String v = Kernel.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
