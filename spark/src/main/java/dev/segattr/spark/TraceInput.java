package dev.segattr.spark;

import dev.segattr.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The records of the input, from any path Spark reads (local, HDFS, S3 through the cluster's Hadoop connectors): a
 * JSON Lines file, a folder or glob of them (part files of an earlier job: names starting with _ or . are not data), or
 * Parquet. Line numbers are kept, so that complaints and records without an id read as the command line's.
 */
final class TraceInput {

    enum Format {
        AUTO, JSONL, PARQUET;

        static Format parse(String name) {
            return switch (name) {
                case "auto" -> AUTO;
                case "jsonl", "json" -> JSONL;
                case "parquet" -> PARQUET;
                default -> throw new BadInputException("--format must be auto, jsonl or parquet, got '" + name + "'");
            };
        }
    }

    private TraceInput() {
    }

    /** The data files a path names, sorted: the file itself, the visible files of a folder, or a glob's matches. */
    static List<String> files(Configuration conf, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            List<String> files = new ArrayList<>();
            for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
                if (m.isDirectory()) {
                    for (FileStatus f : fs.listStatus(m.getPath())) {
                        if (f.isFile() && isData(f.getPath().getName())) {
                            files.add(f.getPath().toString());
                        }
                    }
                } else {
                    files.add(m.getPath().toString());
                }
            }
            if (files.isEmpty()) {
                throw new BadInputException(path + ": no such file");
            }
            files.sort(null);
            return files;
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    static boolean isData(String name) {
        return !name.startsWith("_") && !name.startsWith(".");
    }

    static boolean isParquet(List<String> files, Format format) {
        return format == Format.PARQUET
                || format == Format.AUTO && files.stream().allMatch(f -> f.toLowerCase(Locale.ROOT).endsWith(".parquet"));
    }

    /** Every non-blank line of the input, with its file and line number. */
    static JavaRDD<InputLine> read(SparkSession spark, String path, Format format) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> files = files(sc.hadoopConfiguration(), path);
        if (isParquet(files, format)) {
            // Rows as JSON objects, in the files' order; the "line" is the row's number (from 1).
            String where = new Path(files.get(0)).getParent().getName();
            String name = files.size() == 1 ? new Path(files.get(0)).getName() : where;
            return spark.read().parquet(files.toArray(String[]::new)).toJSON().javaRDD().zipWithIndex()
                    .map((Tuple2<String, Long> t) -> new InputLine(0, name, t._2() + 1, t._1()));
        }
        SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
        List<Tuple2<Integer, String>> indexed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            indexed.add(new Tuple2<>(i, files.get(i)));
        }
        // One task per file reads it from its start, so line numbers are exact; the stage that follows spreads the work.
        return sc.parallelize(indexed, indexed.size()).flatMap(t -> lines(conf.value(), t._1(), t._2()));
    }

    /** A file's non-blank lines, read as JsonLines reads a local file (strict UTF-8, a leading BOM passed over). */
    static Iterator<InputLine> lines(Configuration conf, int index, String file) throws IOException {
        Path p = new Path(file);
        String name = p.getName();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getFileSystem(conf).open(p), decoder), 1 << 16);
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> closeQuietly(reader));
        }
        return new Iterator<>() {
            long number;
            InputLine next;
            boolean done;

            @Override
            public boolean hasNext() {
                while (next == null && !done) {
                    String text;
                    try {
                        text = reader.readLine();
                    } catch (CharacterCodingException e) {
                        throw BadInputException.at(name, number + 1, "not valid UTF-8 text");
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
                    }
                    if (text == null) {
                        done = true;
                        closeQuietly(reader);
                        break;
                    }
                    number++;
                    if (number == 1 && text.startsWith("\uFEFF")) {
                        text = text.substring(1);
                    }
                    if (!text.isBlank()) {
                        next = new InputLine(index, name, number, text);
                    }
                }
                return next != null;
            }

            @Override
            public InputLine next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                InputLine line = next;
                next = null;
                return line;
            }
        };
    }

    private static void closeQuietly(BufferedReader reader) {
        try {
            reader.close();
        } catch (IOException ignored) {
            // read to the end or failed already: nothing to save
        }
    }

    static String[] names(List<String> files) {
        return files.stream().map(f -> new Path(f).getName()).toArray(String[]::new);
    }
}
