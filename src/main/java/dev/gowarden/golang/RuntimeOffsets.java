package dev.gowarden.golang;

/**
 * Offsets into the Go runtime's goroutine struct {@code runtime.g} that probes read, per Go release
 * (64-bit targets). {@code g.goid} moved when {@code syscallbp} was added (1.23) and back when {@code gobuf.ret}
 * was removed (1.25).
 */
public record RuntimeOffsets(long goidOffset, long stackguard0Offset, long stackHiOffset) {
    /** g.stack {lo, hi} is the first field of runtime.g in every release since Go 1.4. */
    public static final long STACK_HI = 8;

    /**
     * The table entry for a binary's Go version; without build info, the 1.17 entry (152, also right for
     * 1.9-1.22 and 1.25+). DWARF, when present, is the better source.
     */
    public static RuntimeOffsets forBinary(GoBinary bin) {
        return forVersion(bin.goVersion().orElse(GoVersion.of(1, 17)));
    }

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
        return new RuntimeOffsets(goid, 16, STACK_HI);
    }
}
