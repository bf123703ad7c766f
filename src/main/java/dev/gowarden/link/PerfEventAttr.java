package dev.gowarden.link;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds {@code struct perf_event_attr} (128 bytes, the 6.x uapi size) for the probes gowarden opens. Pure: the
 * pointer-valued fields are passed in, so requests can be unit-tested without a kernel.
 */
public final class PerfEventAttr {
    public static final int SIZE = 128;
    public static final int PERF_TYPE_TRACEPOINT = 2;
    static final long PERF_SAMPLE_RAW = 1L << 10;

    private PerfEventAttr() {
    }

    /**
     * A uprobe or kprobe on its dynamic PMU: {@code config} carries the retprobe bit (and for uprobes the
     * reference counter offset), {@code config1} points at the path or symbol name, {@code config2} is the
     * file offset or the symbol offset (or the address when no name is given).
     */
    public static byte[] pmuProbe(int pmuType, long config, long namePointer, long offsetOrAddress) {
        ByteBuffer b = base(pmuType, config);
        b.putLong(56, namePointer);
        b.putLong(64, offsetOrAddress);
        return b.array();
    }

    /** A tracefs-created trace event (legacy path), by its numeric id. */
    public static byte[] tracepoint(long eventId) {
        return base(PERF_TYPE_TRACEPOINT, eventId).array();
    }

    private static ByteBuffer base(int type, long config) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, type);
        b.putInt(4, SIZE);
        b.putLong(8, config);
        b.putLong(16, 1);              // sample_period
        b.putLong(24, PERF_SAMPLE_RAW);
        b.putInt(48, 1);               // wakeup_events
        return b;
    }
}
