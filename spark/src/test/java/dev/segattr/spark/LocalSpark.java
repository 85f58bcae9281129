package dev.segattr.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.trace.JsonLines;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tests' Spark: one real local SparkSession for the whole module (local[2,2]: two task slots, a failed task is
 * tried twice), the embedded default's model and traces, and readers for an output folder.
 */
final class LocalSpark {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final Path MODEL = ROOT.resolve("data/model");
    static final Path TRAIN = ROOT.resolve("data/synth/train.jsonl");
    /** Small attribution settings: 4 Gauss-Legendre points, 2 per pass (the test is about the job, not the quadrature). */
    static final List<String> ATTRIBUTION = List.of("--steps", "4", "--points", "gauss-legendre", "--batch", "2");

    /** Speculation as eager as it gets: a task 10% slower than the median of the first 10% is copied. */
    static final Map<String, String> SPECULATION = Map.of("spark.speculation", "true", "spark.speculation.interval", "100ms",
            "spark.speculation.quantile", "0.1", "spark.speculation.multiplier", "1.1", "spark.speculation.minTaskRuntime", "100ms");

    private static SparkSession spark;
    private static Path reference;
    private static Map<String, String> settings = Map.of();

    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        return session(Map.of());
    }

    /** The session with these settings of the SparkContext (a different set stops the current one and starts anew). */
    static synchronized SparkSession session(Map<String, String> contextSettings) {
        if (spark != null && !contextSettings.equals(settings)) {
            spark.stop();
            spark = null;
        }
        if (spark == null) {
            settings = Map.copyOf(contextSettings);
            var builder = SparkSession.builder();
            contextSettings.forEach(builder::config);
            spark = builder
                    .master("local[2,2]")
                    .appName("segattr-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }

    /**
     * 24 traces of the embedded default and what {@code segattr attribute} (the command line, in this JVM) makes of
     * them with {@link #ATTRIBUTION}: {dir}/traces.jsonl and {dir}/attributed.jsonl, computed once for all the tests.
     */
    static synchronized Path reference() {
        if (reference == null) {
            try {
                Path dir = Files.createTempDirectory("segattr-spark-reference");
                Path in = traces(dir, 24);
                List<String> args = new ArrayList<>(List.of("attribute", "--model", MODEL.toString(), "--in", in.toString(),
                        "--out", dir.resolve("attributed.jsonl").toString()));
                args.addAll(ATTRIBUTION);
                int code = dev.segattr.cli.Main.run(args.toArray(String[]::new));
                if (code != 0) {
                    throw new AssertionError("segattr attribute exited " + code);
                }
                reference = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reference;
    }

    /** segattr-spark's arguments: the command, its model and files, the small attribution settings, and more. */
    static String[] attributeArgs(Path in, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("attribute", "--model", MODEL.toString(), "--in", in.toString(),
                "--out", out.toString()));
        args.addAll(ATTRIBUTION);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Runs segattr-spark on the tests' session. */
    static int run(String... args) {
        if (spark == null) {
            session();
        }
        return SegattrSpark.run(args);
    }

    /** The reference records of these ids (the first n traces' attributions). */
    static Map<String, ObjectNode> referenceOf(java.util.Collection<String> ids) {
        Map<String, ObjectNode> all = recordsOf(reference().resolve("attributed.jsonl"));
        Map<String, ObjectNode> some = new LinkedHashMap<>();
        ids.forEach(id -> some.put(id, all.get(id)));
        return some;
    }

    /** The ids of a traces file, in order. */
    static List<String> idsOf(Path traces) {
        return new ArrayList<>(recordsOf(traces).keySet());
    }

    /** The first n traces of the embedded default's training set, as a file of their own. */
    static Path traces(Path dir, int n) {
        try (Stream<String> lines = Files.lines(TRAIN)) {
            Path f = dir.resolve("traces.jsonl");
            Files.write(f, lines.limit(n).toList());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The records of a JSON Lines file, by id, in file order. */
    static Map<String, ObjectNode> recordsOf(Path file) {
        Map<String, ObjectNode> records = new LinkedHashMap<>();
        try (var lines = JsonLines.read(file)) {
            lines.forEach(l -> records.put(l.json().path("id").asText(), l.json()));
        }
        return records;
    }

    /** Every record in an output folder's part files (each id must appear once), and the ids in the order met. */
    static Map<String, ObjectNode> recordsOfFolder(Path folder) {
        Map<String, ObjectNode> records = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Path part : partFiles(folder)) {
            try (var lines = JsonLines.read(part)) {
                lines.forEach(l -> {
                    if (records.put(l.json().path("id").asText(), l.json()) != null) {
                        duplicates.add(l.json().path("id").asText());
                    }
                });
            }
        }
        if (!duplicates.isEmpty()) {
            throw new AssertionError("ids written more than once in " + folder + ": " + duplicates);
        }
        return records;
    }

    static List<Path> partFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that two sets of attributed records are the same: the same ids, token attributions within 1e-6,
     * every other field equal, seconds (wall time) aside.
     */
    static void assertSameAttributions(Map<String, ObjectNode> expected, Map<String, ObjectNode> actual) {
        if (!expected.keySet().equals(actual.keySet())) {
            throw new AssertionError("ids differ: expected " + expected.keySet() + ", got " + actual.keySet());
        }
        for (var e : expected.entrySet()) {
            ObjectNode want = e.getValue().deepCopy();
            ObjectNode got = actual.get(e.getKey()).deepCopy();
            JsonNode a = want.remove("token_attributions");
            JsonNode b = got.remove("token_attributions");
            want.remove("seconds");
            got.remove("seconds");
            if (!want.equals(got)) {
                throw new AssertionError("record " + e.getKey() + " differs outside token_attributions:\n" + want + "\n" + got);
            }
            if (a.size() != b.size()) {
                throw new AssertionError("record " + e.getKey() + ": " + a.size() + " segments against " + b.size());
            }
            for (int s = 0; s < a.size(); s++) {
                if (a.get(s).size() != b.get(s).size()) {
                    throw new AssertionError("record " + e.getKey() + " segment " + s + ": token counts differ");
                }
                for (int t = 0; t < a.get(s).size(); t++) {
                    double d = Math.abs(a.get(s).get(t).asDouble() - b.get(s).get(t).asDouble());
                    if (!(d <= 1e-6)) {
                        throw new AssertionError("record " + e.getKey() + " segment " + s + " token " + t + ": "
                                + a.get(s).get(t) + " against " + b.get(s).get(t));
                    }
                }
            }
        }
    }
}
