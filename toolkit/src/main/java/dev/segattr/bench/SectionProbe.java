package dev.segattr.bench;

/**
 * The memory of one section: resident set and native in-use bytes before it, and the peaks (resident, native,
 * heap) during it. Linux and the JVM keep the resident and heap peaks; glibc keeps no peak of its in-use bytes,
 * so a daemon thread samples them every {@value #SAMPLE_MILLIS} ms (a peak shorter than that can be missed).
 */
final class SectionProbe implements AutoCloseable {

    static final long SAMPLE_MILLIS = 50;

    private final double residentBefore;
    private final double nativeBefore;
    private final Thread sampler;
    private volatile double peakNative;
    private volatile boolean running = true;

    private SectionProbe(double residentBefore, double nativeBefore) {
        this.residentBefore = residentBefore;
        this.nativeBefore = nativeBefore;
        this.peakNative = nativeBefore;
        this.sampler = new Thread(this::sample, "segattr-bench-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    static SectionProbe start() {
        System.gc(); // drop the previous section's garbage (its arrays' Java handles), not its native memory
        Memory.resetPeakHeap();
        Memory.resetPeakResident();
        return new SectionProbe(Memory.residentMb(), Memory.nativeInUseMb());
    }

    private void sample() {
        while (running) {
            peakNative = Math.max(peakNative, Memory.nativeInUseMb());
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    BenchReport.SectionMemory stop() {
        close();
        double peak = Math.max(peakNative, Memory.nativeInUseMb());
        return new BenchReport.SectionMemory(residentBefore, Memory.peakResidentMb(), Memory.peakHeapMb(), nativeBefore,
                nativeBefore < 0 ? -1 : peak);
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
