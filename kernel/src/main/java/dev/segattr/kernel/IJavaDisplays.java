package dev.segattr.kernel;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.Renderer;

/**
 * segattr's rich objects in a stock IJava kernel, which has no extension loading (jupyter-jvm-basekernel issue #19):
 * one cell after the jars,
 *
 * <pre>{@code
 * %jars /path/to/segattr/kernel/target/segattr-kernel.jar /path/to/segattr/kernel/target/lib/*.jar
 * dev.segattr.kernel.IJavaDisplays.register(getKernelInstance());
 * }</pre>
 *
 * Called from a cell, it registers the classes the cells themselves see. IJava's protocol library
 * (io.github.spencerpark:jupyter-jvm-basekernel) is only compiled against: IJava brings it, segattr's kernel never
 * loads this class.
 */
public final class IJavaDisplays {

    private IJavaDisplays() {
    }

    public static void register(BaseKernel kernel) {
        register(kernel.getRenderer());
    }

    public static void register(Renderer renderer) {
        for (Class<?> kind : Displays.RICH) {
            renderer.createRegistration(kind).register((value, context) -> Displays.bundle(value).forEach(context.getOutputContainer()::putData));
        }
    }
}
