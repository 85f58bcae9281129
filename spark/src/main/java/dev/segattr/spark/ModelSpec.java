package dev.segattr.spark;

import ai.djl.Device;
import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.ModelSource;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * The model a job's tasks need, as the command line named it: a checkpoint folder (a path every node sees, or a
 * Hadoop file system URI such as hdfs://... or s3a://..., copied once per executor), an optional tokenizer folder,
 * the device kind (which GPU is the scheduler's choice, per task) and the dtype. Strings, not paths: it travels to
 * the executors.
 */
record ModelSpec(String dir, String tokenizer, ComputeDevice device, Dtype dtype) implements Serializable {

    /** The stage API's view of it, once the folders are on this machine. */
    ModelSource source(Path localDir, Path localTokenizer) {
        return new ModelSource(localDir, localTokenizer, device, dtype);
    }

    /** The same on the driver (paths as given), for the stage options' checks. */
    ModelSource asGiven() {
        return new ModelSource(Path.of(dir), tokenizer == null ? null : Path.of(tokenizer), device, dtype);
    }

    /** Where this task computes: its GPU from the scheduler, or DJL's device for the kind. */
    Device deviceForThisTask() {
        return TaskDevices.forThisTask(device);
    }
}
