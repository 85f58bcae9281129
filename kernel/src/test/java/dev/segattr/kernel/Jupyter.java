package dev.segattr.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The real Jupyter (its command line and jupyter_client) with the segattr kernel installed into temporary
 * Jupyter folders, as a user's install would: the tests go through the same protocol a notebook does.
 * Jupyter must be installed: without it the tests fail (they do not skip), saying how to install it.
 */
final class Jupyter {

    static final String INSTALL_HINT = "install it with environment/install.sh, or: apt-get install -y jupyter-client "
            + "jupyter-nbconvert python3-nbclient python3-jupyter-client python3-ipykernel";

    /** The repository's root (notebooks/, kernel/, ...). */
    static final Path REPO = Path.of(System.getProperty("segattr.repo.dir", "..")).toAbsolutePath().normalize();

    private final Path jupyter;
    private final Map<String, String> env = new LinkedHashMap<>();

    private Jupyter(Path jupyter, Path home) {
        this.jupyter = jupyter;
        env.put("JUPYTER_DATA_DIR", home.resolve("data").toString());
        env.put("JUPYTER_PATH", home.resolve("data").toString());
        env.put("JUPYTER_CONFIG_DIR", home.resolve("config").toString());
        env.put("JUPYTER_RUNTIME_DIR", home.resolve("runtime").toString());
        env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1"); // a debugger warning Debian's Python prints otherwise
    }

    /**
     * Installs the kernel as "segattr" into Jupyter folders under {@code home} with {@code jupyter kernelspec
     * install}, started from the kernel module's runtime class path.
     *
     * @param options what {@code --kernelspec} takes: {@code --env K=V} and JVM options
     */
    static Jupyter install(Path home, String... options) throws IOException, InterruptedException {
        Jupyter j = new Jupyter(findJupyter(), home);
        Path spec = home.resolve("spec");
        String classPath = System.getProperty("segattr.kernel.classpath", System.getProperty("java.class.path"));
        Kernel.writeKernelSpec(spec, List.of(options), List.of(classPath.split(Pattern.quote(File.pathSeparator))));
        Result r = j.run(home, 120, "kernelspec", "install", "--user", "--name", "segattr", spec.toString());
        if (r.exit != 0) {
            throw new AssertionError("jupyter kernelspec install failed:\n" + r.output);
        }
        return j;
    }

    /** {@code jupyter <args>}, in {@code dir}, with a time limit; stdout and stderr together. */
    Result run(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(jupyter.toString()));
        command.addAll(List.of(args));
        return exec(command, dir, timeoutSeconds);
    }

    /** Runs a Python script with the Python that Jupyter itself runs on (it has jupyter_client). */
    Result python(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(pythonOfJupyter());
        command.addAll(List.of(args));
        return exec(command, dir, timeoutSeconds);
    }

    private Result exec(List<String> command, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("jupyter", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command)
                    + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(p.exitValue(), output, (System.nanoTime() - start) / 1e9);
    }

    record Result(int exit, String output, double seconds) {
    }

    /** {@code jupyter} on the PATH, or a failure that says how to install it. */
    static Path findJupyter() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(Pattern.quote(File.pathSeparator))) {
            Path candidate = Path.of(dir, "jupyter");
            if (!dir.isBlank() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("jupyter is not on the PATH; the notebook and kernel protocol tests need it: "
                + INSTALL_HINT);
    }

    /** The interpreter in the jupyter script's "#!" line (Debian's /usr/bin/python3, a venv's python...). */
    private List<String> pythonOfJupyter() throws IOException {
        byte[] head;
        try (java.io.InputStream in = Files.newInputStream(jupyter.toRealPath())) {
            head = in.readNBytes(300);
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String first = text.lines().findFirst().orElse("");
        if (first.startsWith("#!")) {
            return List.of(first.substring(2).trim().split("\\s+"));
        }
        return List.of("python3");
    }
}
