package dev.segattr.spark;

import ai.djl.Device;
import dev.segattr.BadInputException;
import dev.segattr.stage.ComputeDevice;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Which device a task computes on. With Spark's resource scheduling (spark.executor.resource.gpu.amount,
 * spark.task.resource.gpu.amount and a discovery script) the scheduler gives each task GPU addresses, and the task uses
 * the first one it was given: two tasks on one executor never share a GPU by accident. Without GPU resources,
 * "gpu" means DJL's first GPU, as on the command line.
 */
final class TaskDevices {

    private TaskDevices() {
    }

    static Device forThisTask(ComputeDevice kind) {
        if (kind != ComputeDevice.GPU) {
            return kind.toDjl();
        }
        TaskContext task = TaskContext.get();
        ResourceInformation gpus = task == null ? null : task.resources().get("gpu").getOrElse(() -> null);
        if (gpus == null || gpus.addresses().length == 0) {
            return kind.toDjl();
        }
        return fromAddress(gpus.addresses()[0]);
    }

    /** A GPU address from the discovery script ("0", "1", ...) as a DJL device. */
    static Device fromAddress(String address) {
        try {
            return Device.gpu(Integer.parseInt(address.trim()));
        } catch (NumberFormatException e) {
            throw new BadInputException("GPU address '" + address + "' from Spark's resource scheduler is not a CUDA device number");
        }
    }
}
