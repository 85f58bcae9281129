package dev.segattr.stage;

import ai.djl.ndarray.types.DataType;
import dev.segattr.BadInputException;

import java.util.Locale;

/** The model's weights and activations (RMSNorm and softmax run in float32 either way; bfloat16 aborts DJL 0.36). */
public enum Dtype {
    FLOAT32(DataType.FLOAT32), FLOAT16(DataType.FLOAT16);

    private final DataType djl;

    Dtype(DataType djl) {
        this.djl = djl;
    }

    public DataType toDjl() {
        return djl;
    }

    /** "float32" or "float16". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * From "float32" or "float16"; anything else is refused with "{@code what} must be float32 or float16, got 'x'"
     * ({@code what}: "--dtype" on the command line, "dtype" in a notebook).
     */
    public static Dtype parse(String what, String name) {
        for (Dtype d : values()) {
            if (d.label().equals(name)) {
                return d;
            }
        }
        throw new BadInputException(what + " must be float32 or float16, got '" + name + "'");
    }

    @Override
    public String toString() {
        return label();
    }
}
