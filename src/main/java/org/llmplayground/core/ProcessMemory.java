package org.llmplayground.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * How much memory this process holds. The heap alone misses most of it: PyTorch's tensors live in native memory, so
 * the honest figure is the resident set (VmRSS in /proc/self/status on Linux), in MiB.
 */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** The resident set in MiB ("VmRSS:  524288 kB" → 512.0), or empty where there is no /proc. */
    public static OptionalDouble residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalDouble.of(Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return OptionalDouble.empty();
    }

    /** The heap in use, in MiB. */
    public static double heapMb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
    }

    /** The resident set, or the heap where the resident set is unknown. */
    public static double residentOrHeapMb() {
        return residentMb().orElseGet(ProcessMemory::heapMb);
    }
}
