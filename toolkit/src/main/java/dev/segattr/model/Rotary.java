package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * Rotary position embedding in transformers' "rotate_half" layout: a head vector x of size d is split into
 * halves (x1, x2) and rotated as x * cos + (-x2, x1) * sin, with angle position * invFreq[i] repeated over
 * both halves. cos/sin tables are computed once per length (in float32, as transformers does) and kept in
 * the model's manager; they grow when a longer sequence comes.
 */
final class Rotary {

    private final float[] invFreq;
    private final float scaling;
    private final NDManager manager;
    private final DataType dtype;
    private NDArray cos;
    private NDArray sin;
    private long length;

    Rotary(ModelConfig config, NDManager manager, DataType dtype) {
        int half = config.headDim() / 2;
        double[] base = new double[half];
        for (int i = 0; i < half; i++) {
            base[i] = 1.0 / Math.pow(config.ropeTheta(), 2.0 * i / config.headDim());
        }
        RopeScaling s = config.ropeScaling();
        double[] scaled = s == null ? base : s.scale(base, config.ropeTheta(), config.headDim());
        this.invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = (float) scaled[i];
        }
        this.scaling = s == null ? 1f : (float) s.attentionScaling();
        this.manager = manager;
        this.dtype = dtype;
    }

    /**
     * cos and sin for each position, shaped to broadcast over heads.
     *
     * @param positions (B, T) int64
     * @return cos, sin: (B, 1, T, headDim), owned by {@code positions}' manager
     */
    NDList at(NDArray positions) {
        ensure(positions.max().getLong() + 1);
        NDArray c = Embedding.embedding(positions, cos, SparseFormat.DENSE).singletonOrThrow();
        NDArray s = Embedding.embedding(positions, sin, SparseFormat.DENSE).singletonOrThrow();
        return new NDList(c.expandDims(1), s.expandDims(1));
    }

    /** x (B, heads, T, d) rotated by angles whose cos/sin are (B, 1, T, d). */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private synchronized void ensure(long needed) {
        if (needed <= length) {
            return;
        }
        long newLength = Math.max(needed, Math.max(2 * length, 256));
        try (NDManager scope = manager.newSubManager()) {
            NDArray pos = scope.arange(0, (float) newLength, 1f, DataType.FLOAT32).reshape(newLength, 1);
            NDArray freqs = pos.mul(scope.create(invFreq, new Shape(1, invFreq.length)));
            NDArray angles = NDArrays.concat(new NDList(freqs, freqs), -1);
            NDArray newCos = angles.cos().mul(scaling).toType(dtype, true);
            NDArray newSin = angles.sin().mul(scaling).toType(dtype, true);
            newCos.attach(manager);
            newSin.attach(manager);
            if (cos != null) {
                cos.close();
                sin.close();
            }
            cos = newCos;
            sin = newSin;
            length = newLength;
        }
    }
}
