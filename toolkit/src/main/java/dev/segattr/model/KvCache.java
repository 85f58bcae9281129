package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the positions decoded so far, so that each new token attends to
 * them without recomputing them. Preallocated to a fixed capacity: (B, kvHeads, capacity, headDim) per layer;
 * {@link #length()} slots are filled.
 */
final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final long capacity;
    private long length;
    private long pending;

    KvCache(NDManager parent, ModelConfig config, long batch, long capacity, DataType dtype) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[config.numHiddenLayers()];
        this.values = new NDArray[config.numHiddenLayers()];
        Shape shape = new Shape(batch, config.numKeyValueHeads(), capacity, config.headDim());
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(shape, dtype);
            values[i] = manager.zeros(shape, dtype);
        }
    }

    /** Number of positions already stored (the past). */
    long length() {
        return length;
    }

    /**
     * Stores a layer's new keys and values (B, kvHeads, T, d) after the past ones and returns views of all
     * of them, (B, kvHeads, past + T, d). {@link #advance()} commits T once every layer has been appended.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
        }
        NDIndex slots = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slots, k);
        values[layer].set(slots, v);
        pending = t;
        NDIndex filled = new NDIndex(":, :, :{}", length + t);
        NDArray allK = keys[layer].get(filled);
        NDArray allV = values[layer].get(filled);
        // The views belong to the step's scope, not to the cache: the caller closes them with its temporaries.
        allK.attach(k.getManager());
        allV.attach(k.getManager());
        return new NDArray[] {allK, allV};
    }

    /**
     * Keeps only the given rows of the batch, in that order (rows whose decoding has finished drop out, so that
     * the remaining steps cost what the rows still decoding need).
     */
    void keep(long[] rows) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray index = scope.create(rows);
            for (int i = 0; i < keys.length; i++) {
                NDArray k = keys[i], v = values[i];
                keys[i] = k.get(new NDIndex("{}", index));
                values[i] = v.get(new NDIndex("{}", index));
                keys[i].attach(manager);
                values[i].attach(manager);
                k.close();
                v.close();
            }
        }
    }

    void advance() {
        length += pending;
        pending = 0;
    }

    @Override
    public void close() {
        manager.close();
    }
}
