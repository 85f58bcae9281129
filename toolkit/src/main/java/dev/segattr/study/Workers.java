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
 * <p>Gradients are taken per thread ({@link dev.segattr.model.ThreadGradients}: DJL's own collector allows one per
 * process), so the fine-tunes run side by side on the workers, each job's evaluation queued behind them as soon as
 * its model exists; the attribution, which every fine-tune needs, runs first while the starting model's evaluation
 * and the ablation scorer take the other workers.
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

    /** The jobs on the workers (or here, in order, with one worker), each job's evaluations handed to {@link #evaluate}; waits for all. */
    void all(List<Runnable> jobs) {
        if (pool == null) {
            jobs.forEach(Runnable::run);
        } else {
            await(jobs.stream().<Future<?>>map(job -> pool.submit(withGradModeOff(job))).toList());
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
