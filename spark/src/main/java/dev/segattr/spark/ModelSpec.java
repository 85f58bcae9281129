package dev.segattr.spark;

import java.io.Serializable;

/**
 * The model a job's tasks need, as the command line named it: a checkpoint folder (a path every node sees, or a
 * Hadoop file system URI such as hdfs://... or s3a://..., copied once per executor), an optional tokenizer folder,
 * the device kind (cpu or gpu; which GPU is the scheduler's choice, per task) and the dtype.
 */
record ModelSpec(String dir, String tokenizer, String device, String dtype) implements Serializable {
}
