package dev.segattr.bench;

/** The memory of one section: resident set before, and the peaks (resident and heap) during it. */
final class SectionProbe {

    private final double residentBefore;

    private SectionProbe(double residentBefore) {
        this.residentBefore = residentBefore;
    }

    static SectionProbe start() {
        System.gc(); // drop the previous section's garbage (its arrays' Java handles), not its native memory
        Memory.resetPeakHeap();
        Memory.resetPeakResident();
        return new SectionProbe(Memory.residentMb());
    }

    BenchReport.SectionMemory stop() {
        return new BenchReport.SectionMemory(residentBefore, Memory.peakResidentMb(), Memory.peakHeapMb());
    }
}
