package dev.segattr.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * A small smooth causal "language model" for testing attribution without a checkpoint:
 * logits_t = tanh(mean_{s <= t} x_s A) W, with x = E[ids]. Every function of it is infinitely differentiable,
 * so the path integral's quadrature error behaves as numerical analysis says.
 */
final class ToyModel implements EmbeddingModel, AutoCloseable {

    final NDManager manager = NDManager.newBaseManager();
    final NDArray embedding; // (V, H)
    final NDArray mix;       // (H, H)
    final NDArray head;      // (H, V)

    ToyModel(int vocab, int hidden, long seed) {
        manager.getEngine().setRandomSeed((int) seed);
        embedding = manager.randomNormal(new Shape(vocab, hidden));
        mix = manager.randomNormal(new Shape(hidden, hidden)).div(Math.sqrt(hidden)).mul(2);
        head = manager.randomNormal(new Shape(hidden, vocab));
    }

    List<NDArray> parameters() {
        return List.of(embedding, mix, head);
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public long vocabSize() {
        return head.getShape().get(1);
    }

    @Override
    public DataType dataType() {
        return DataType.FLOAT32;
    }

    @Override
    public NDArray embed(NDArray ids) {
        NDManager owner = ids.getManager();
        NDArray rows = embedding.get(ids.flatten()); // made in the embedding's manager: hand it to the caller's
        rows.attach(owner);
        return rows.reshape(ids.getShape().get(0), ids.getShape().get(1), -1);
    }

    @Override
    public NDArray logits(NDArray x) {
        long t = x.getShape().get(1);
        NDManager m = x.getManager();
        // Causal running mean: L[t, s] = 1/(t+1) for s <= t.
        float[] l = new float[(int) (t * t)];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                l[(int) (i * t + j)] = 1f / (i + 1);
            }
        }
        NDArray lower = m.create(l, new Shape(t, t));
        return lower.matMul(x).matMul(mix).tanh().matMul(head);
    }

    @Override
    public void close() {
        manager.close();
    }
}
