package dev.segattr.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory of this process. Native arrays live outside the Java heap, so the resident set (from /proc on Linux)
 * is the figure that shows a native leak; the heap is reported beside it.
 */
public final class Memory {

    private Memory() {
    }

    /** Resident set size now, in MiB, or -1 where /proc is not there. */
    public static double residentMb() {
        return procStatusMb("VmRSS:");
    }

    /** The largest resident set since the process started, in MiB, or -1. */
    public static double peakResidentMb() {
        return procStatusMb("VmHWM:");
    }

    /**
     * Starts a new peak-resident measurement: Linux resets VmHWM to the current resident set when "5" is written
     * to /proc/self/clear_refs. Returns false where that is not possible (the peak then counts from the start).
     */
    public static boolean resetPeakResident() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Peak use of all heap pools since start (or the last reset), in MiB. */
    public static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / 1048576.0;
    }

    public static void resetPeakHeap() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static double procStatusMb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
