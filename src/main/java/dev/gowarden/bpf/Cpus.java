package dev.gowarden.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The number of possible CPUs, which sizes per-CPU map values (not the online count). */
public final class Cpus {
    private static final class Holder {
        static final int POSSIBLE = read();
    }

    private Cpus() {
    }

    public static int possible() {
        return Holder.POSSIBLE;
    }

    /** Parses ranges like "0-3,8-11" and returns the highest CPU + 1. */
    static int parse(String ranges) {
        int max = -1;
        for (String part : ranges.trim().split(",")) {
            if (part.isEmpty()) continue;
            int dash = part.indexOf('-');
            int hi = Integer.parseInt(dash < 0 ? part : part.substring(dash + 1));
            max = Math.max(max, hi);
        }
        return max + 1;
    }

    private static int read() {
        try {
            return parse(Files.readString(Path.of("/sys/devices/system/cpu/possible")));
        } catch (IOException | NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
