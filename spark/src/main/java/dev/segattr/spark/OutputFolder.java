package dev.segattr.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's output: a folder of JSON Lines part files, one line per record, each written by Spark's output commit
 * protocol (a task writes into a temporary attempt folder; only the attempt the driver's commit coordinator lets
 * commit is moved into place; a failed or losing speculative attempt leaves nothing). The job writes in waves, each
 * a Spark job that appends its committed part files, so a job stopped midway keeps every wave it finished, and
 * {@code --resume} reads their ids. {@code _SUCCESS} appears once, when every record is there.
 */
final class OutputFolder {

    private final String out;
    private final Configuration conf;

    OutputFolder(JavaSparkContext sc, String out) {
        this.out = out;
        this.conf = sc.hadoopConfiguration();
    }

    private FileSystem fs() throws IOException {
        return new Path(out).getFileSystem(conf);
    }

    /** The committed part files already there (a killed job's temporary folders are not data). */
    List<String> dataFiles() {
        try {
            Path p = new Path(out);
            FileSystem fs = fs();
            List<String> files = new ArrayList<>();
            if (!fs.exists(p)) {
                return files;
            }
            if (!fs.getFileStatus(p).isDirectory()) {
                throw new BadInputException("--out " + out + " is a file: the Spark job writes a folder of part files");
            }
            for (FileStatus f : fs.listStatus(p)) {
                if (f.isFile() && TraceInput.isData(f.getPath().getName())) {
                    files.add(f.getPath().toString());
                }
            }
            files.sort(null);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + out + ": " + e.getMessage(), e);
        }
    }

    boolean complete() {
        try {
            return fs().exists(new Path(out, "_SUCCESS"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + out + ": " + e.getMessage(), e);
        }
    }

    /** The records already written: id and how each was made ({@link RecordJob#madeWith}). */
    List<Tuple2<String, String>> kept(SparkSession spark, RecordJob job) {
        List<String> files = dataFiles();
        if (files.isEmpty()) {
            return List.of();
        }
        String folder = out;
        return spark.read().textFile(files.toArray(String[]::new)).javaRDD().map(text -> {
            ObjectNode kept = JsonLines.parse(java.nio.file.Path.of(new Path(folder).getName()), 0, text);
            if (!kept.hasNonNull("id")) {
                throw new BadInputException(folder + ": a record without 'id': --resume needs every record to have one");
            }
            return new Tuple2<>(kept.get("id").asText(), job.madeWith(kept));
        }).collect();
    }

    /** Appends one wave's records as committed part files (no _SUCCESS yet: the folder is not complete). */
    void append(SparkSession spark, org.apache.spark.api.java.JavaRDD<String> lines) {
        Dataset<String> rows = spark.createDataset(lines.rdd(), Encoders.STRING());
        rows.write().mode(SaveMode.Append)
                .option("compression", "none")
                .option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
                .text(out);
    }

    /** Marks the folder complete: every record of the input is in it. */
    void markComplete() {
        try {
            FileSystem fs = fs();
            fs.mkdirs(new Path(out));
            fs.create(new Path(out, "_SUCCESS"), true).close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + out + "/_SUCCESS: " + e.getMessage(), e);
        }
    }
}
