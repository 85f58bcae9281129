package dev.segattr.stage;

import ai.djl.Device;
import dev.segattr.BadInputException;
import dev.segattr.model.CausalLM;

import java.util.Locale;

/** Where a model runs. */
public enum ComputeDevice {
    CPU, GPU;

    /** "cpu" or "gpu", as on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** DJL's device; a GPU the engine does not see is refused with a line saying so. */
    public Device toDjl() {
        return CausalLM.device(label());
    }

    /** From "cpu" or "gpu"; anything else: "device must be cpu or gpu, got 'x'". */
    public static ComputeDevice parse(String name) {
        for (ComputeDevice d : values()) {
            if (d.label().equals(name)) {
                return d;
            }
        }
        throw new BadInputException("device must be cpu or gpu, got '" + name + "'");
    }

    /** GPU when the engine sees one, else CPU. */
    public static ComputeDevice detected() {
        return CausalLM.defaultDevice().isGpu() ? GPU : CPU;
    }

    @Override
    public String toString() {
        return label();
    }
}
