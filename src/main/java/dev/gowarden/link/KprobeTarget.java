package dev.gowarden.link;

/** A kernel function (and offset into it) to probe; used by the kernel-hook sensors (kprobe PMU or tracefs). */
public record KprobeTarget(String symbol, long offset, long cookie, boolean retprobe) {
    public KprobeTarget {
        if (symbol == null || symbol.isBlank() || !symbol.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw new IllegalArgumentException("invalid kernel symbol name '" + symbol + "'");
        }
        if (retprobe && offset != 0) {
            throw new IllegalArgumentException("a kretprobe cannot have an offset (" + symbol + "+0x" + Long.toHexString(offset) + ")");
        }
    }

    public String describe() {
        return (retprobe ? "kretprobe " : "kprobe ") + symbol + (offset != 0 ? "+0x" + Long.toHexString(offset) : "");
    }
}
