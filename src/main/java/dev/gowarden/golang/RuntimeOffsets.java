package dev.gowarden.golang;

/**
 * Offsets into the Go runtime's goroutine struct {@code runtime.g} that probes read, per Go release
 * (64-bit targets). {@code g.goid} moved when {@code syscallbp} was added (1.23) and back when {@code gobuf.ret}
 * was removed (1.25).
 */
public record RuntimeOffsets(long goidOffset, long stackguard0Offset) {
    /** The version-keyed table; DWARF, when present, is the better source. */
    public static RuntimeOffsets forVersion(GoVersion v) {
        long goid;
        if (v.atLeast(1, 25)) {
            goid = 152;
        } else if (v.atLeast(1, 23)) {
            goid = 160;
        } else if (v.atLeast(1, 9)) {
            goid = 152;
        } else if (v.atLeast(1, 6)) {
            goid = 192;
        } else {
            goid = 184;
        }
        return new RuntimeOffsets(goid, 16);
    }
}
