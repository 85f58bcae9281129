package dev.segattr.study;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The study's jobs on a few threads of this process, one PyTorch intra-op thread each (the tiny model's matrices are
 * too small for intra-op threads to pay; independent jobs keep the cores busy instead).
 *
 * <p>DJL 0.36 allows one gradient collector per process ("only one can be collecting at a time"), so everything that
 * takes gradients (attribution, fine-tuning) runs in one lane, in order, on the caller's thread or one worker; the
 * evaluations, which only decode, run on the other workers as soon as their model exists. With 2 workers one core
 * attributes or trains while the other evaluates, and the evaluations left at the end share both.
 *
 * <p>Each worker thread has PyTorch's grad mode off, as the thread that loaded the engine has (grad mode is per
 * thread; generation would otherwise build graphs). The first failure is thrown as it was, after the jobs running
 * have been told to stop.
 */
final class Workers implements AutoCloseable {

    private final ExecutorService pool;
    private final List<Future<?>> evaluations = new ArrayList<>();

    Workers(int workers) {
        if (workers > 1) {
            Engine.getInstance(); // loaded here, on the study's thread, before any worker touches it
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = workers == 1 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "study-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** An evaluation: at once on a free worker (or, with one worker, right here). */
    void evaluate(Runnable job) {
        if (pool == null) {
            job.run();
        } else {
            synchronized (evaluations) {
                evaluations.add(pool.submit(withGradModeOff(job)));
            }
        }
    }

    /** The gradient lane: the jobs in order on one worker, each job's evaluations handed to {@link #evaluate}; waits for all. */
    void gradientLane(List<Runnable> jobs) {
        if (pool == null) {
            jobs.forEach(Runnable::run);
        } else {
            await(List.of(pool.submit(withGradModeOff(() -> jobs.forEach(Runnable::run)))));
        }
        List<Future<?>> all;
        synchronized (evaluations) {
            all = List.copyOf(evaluations);
        }
        await(all);
    }

    private void await(List<Future<?>> futures) {
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            pool.shutdownNow();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("study interrupted", e);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private static Runnable withGradModeOff(Runnable job) {
        return () -> {
            if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
                JniUtils.setGradMode(false);
            }
            job.run();
        };
    }
}
