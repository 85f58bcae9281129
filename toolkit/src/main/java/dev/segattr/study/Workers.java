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
 * Independent jobs (a fine-tune and its evaluation) on a few threads of this process. Each thread has PyTorch's
 * grad mode off, as the thread that loaded the engine has (grad mode is per thread; an optimizer's in-place update
 * fails with it on, and generation would build graphs). The first failure stops the rest and is thrown as it was.
 */
final class Workers {

    private Workers() {
    }

    static void run(List<Runnable> jobs, int workers) {
        if (workers == 1) {
            jobs.forEach(Runnable::run);
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "study-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable job : jobs) {
                futures.add(pool.submit(() -> {
                    gradModeOff();
                    job.run();
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("study interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void gradModeOff() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }
}
