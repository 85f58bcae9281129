package dev.segattr.experiment;

import dev.segattr.Versions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What a result was computed on: versions, machine and threads, and the source revision. */
public final class Environment {

    private Environment() {
    }

    public static Map<String, Object> capture() {
        Versions versions = Versions.ofThisBuild();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("segattr", versions.segattr());
        env.put("git_commit", gitCommit());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("djl", versions.djl());
        env.put("pytorch", versions.pytorch());
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        env.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return env;
    }

    /** The commit the code came from, with "-dirty" when the work tree had changes; "unknown" outside git. */
    public static String gitCommit() {
        // The checkout the code was built in (the jar or classes folder lies inside it), not the working folder.
        String where = codeLocation();
        String commit = git(where, "rev-parse", "HEAD");
        if (commit == null) {
            return "unknown";
        }
        String status = git(where, "status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? commit : commit + "-dirty";
    }

    private static String codeLocation() {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(Environment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return (java.nio.file.Files.isDirectory(p) ? p : p.getParent()).toString();
        } catch (Exception e) {
            return ".";
        }
    }

    private static String git(String dir, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir;
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
