package dev.segattr.spark;

import ai.djl.Device;
import dev.segattr.BadInputException;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.ModelSource;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;

/**
 * One model per executor JVM: the first task that needs a checkpoint loads it, every later task on that JVM reuses it
 * (a static map keyed by checkpoint, tokenizer, device and dtype; a GPU is part of the key, so an executor with two
 * GPUs holds one copy on each). The models stay loaded until the JVM ends; a shutdown hook frees them.
 */
final class ModelCache {

    private static final Map<String, LoadedModel> MODELS = new HashMap<>();
    private static final java.util.List<AutoCloseable> OWNED = new java.util.ArrayList<>();
    private static final Map<String, Tokenizer> TOKENIZERS = new HashMap<>();
    private static final Map<String, Path> LOCAL = new HashMap<>();
    private static boolean hooked;

    private ModelCache() {
    }

    /** The model of {@code spec} on the device this task was given (its GPU from the scheduler, or the CPU). */
    static synchronized LoadedModel model(ModelSpec spec) {
        Device device = spec.deviceForThisTask();
        String key = spec.dir() + "|" + spec.tokenizer() + "|" + device + "|" + spec.dtype();
        LoadedModel loaded = MODELS.get(key);
        if (loaded == null) {
            threadsFromTask();
            Path dir = localFolder(spec.dir());
            ModelSource source = spec.source(dir, spec.tokenizer() == null ? null : localFolder(spec.tokenizer()));
            source.requireFolder();
            // Loaded here rather than by LoadedModel.load, which knows "gpu" only as the first GPU: this task's GPU is
            // the one the scheduler gave it. The cache owns the weights; the stages get a borrowed view.
            CausalLM lm = CausalLM.load(dir, device, spec.dtype().toDjl());
            Tokenizer tok;
            try {
                tok = Tokenizer.load(source.tokenizerDir());
                loaded = LoadedModel.borrow(dir, lm, tok);
            } catch (RuntimeException e) {
                lm.close();
                throw e;
            }
            MODELS.put(key, loaded);
            OWNED.add(lm);
            OWNED.add(tok);
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "segattr-models"));
            }
        }
        return loaded;
    }

    /** The tokenizer alone (planning needs lengths, not weights), also loaded once per JVM. */
    static synchronized Tokenizer tokenizer(ModelSpec spec) {
        String dir = spec.tokenizer() == null ? spec.dir() : spec.tokenizer();
        return TOKENIZERS.computeIfAbsent(dir, d -> Tokenizer.load(localFolder(d)));
    }

    /** How many models this JVM holds (the tests check that tasks share one). */
    static synchronized int size() {
        return MODELS.size();
    }

    /** Frees every model and tokenizer (the JVM's end, or a test's). */
    static synchronized void closeAll() {
        MODELS.clear();
        for (AutoCloseable c : OWNED) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the JVM is ending: free what can be freed
            }
        }
        OWNED.clear();
        TOKENIZERS.values().forEach(Tokenizer::close);
        TOKENIZERS.clear();
    }

    /**
     * A folder on this machine holding {@code location}: the path itself when it is local, else (hdfs://, s3a://,
     * ...) a copy made once per JVM under java.io.tmpdir, complete before it is used (copied aside, then renamed).
     */
    static synchronized Path localFolder(String location) {
        URI uri = URI.create(location.replace(" ", "%20"));
        if (uri.getScheme() == null || uri.getScheme().equals("file")) {
            return uri.getScheme() == null ? Path.of(location) : Path.of(uri);
        }
        return LOCAL.computeIfAbsent(location, ModelCache::copyOnce);
    }

    private static Path copyOnce(String location) {
        try {
            Path root = Path.of(System.getProperty("java.io.tmpdir"), "segattr-models");
            Path target = root.resolve(digest(location));
            if (Files.isDirectory(target)) {
                return target; // another executor of this machine copied it already
            }
            Files.createDirectories(root);
            Path aside = Files.createTempDirectory(root, "copy-");
            org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(location);
            Configuration conf = TaskContext.get() != null ? hadoopConf() : new Configuration();
            FileSystem fs = from.getFileSystem(conf);
            if (!fs.getFileStatus(from).isDirectory()) {
                throw new BadInputException("--model " + location + ": no such folder");
            }
            for (var f : fs.listStatus(from)) {
                if (f.isFile()) {
                    fs.copyToLocalFile(false, f.getPath(), new org.apache.hadoop.fs.Path(aside.resolve(f.getPath().getName()).toUri()), true);
                }
            }
            try {
                Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // a concurrent copy won: use it
            }
            return target;
        } catch (java.io.FileNotFoundException e) {
            throw new BadInputException("--model " + location + ": no such folder");
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + location + ": " + e.getMessage(), e);
        }
    }

    private static Configuration hadoopConf() {
        return org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(org.apache.spark.SparkEnv.get().conf());
    }

    private static String digest(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PyTorch's intra-op threads, before the engine starts: the task's CPUs (spark.task.cpus) unless
     * -Dai.djl.pytorch.num_threads says otherwise.
     */
    private static void threadsFromTask() {
        TaskContext task = TaskContext.get();
        if (task != null && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(task.cpus()));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
