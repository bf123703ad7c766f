package dev.gowarden.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A loaded program; its fd is owned by the {@link BpfObject} it came from. */
public record BpfProgram(String name, int fd) {
    private static final int BPF_PROG_TEST_RUN = 10;

    /** Result of BPF_PROG_RUN: the program's return value and the kernel-measured duration per run. */
    public record RunResult(int retval, long durationNs) {
    }

    /**
     * Runs the program once in the kernel through BPF_PROG_RUN with a context of u64 words (raw tracepoint
     * arguments), as the ring buffer benchmark and stress test do. Raw tracepoint programs refuse a repeat
     * count (EINVAL): pass 0 for them.
     */
    public RunResult testRun(long[] ctxWords, int repeat) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(80, 8);
            MemorySegment ctx = arena.allocate(Math.max(8, ctxWords.length * 8L), 8);
            for (int i = 0; i < ctxWords.length; i++) ctx.setAtIndex(ValueLayout.JAVA_LONG, i, ctxWords[i]);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_INT, 32, repeat);
            attr.set(ValueLayout.JAVA_INT, 40, ctxWords.length * 8);
            attr.set(ValueLayout.JAVA_LONG, 48, ctxWords.length == 0 ? 0 : ctx.address());
            Native.Result r = Native.libc().bpf(BPF_PROG_TEST_RUN, attr, 80);
            if (r.failed()) throw new BpfException("BPF_PROG_RUN of " + name + " failed", r.errno());
            return new RunResult(attr.get(ValueLayout.JAVA_INT, 4), Integer.toUnsignedLong(attr.get(ValueLayout.JAVA_INT, 36)));
        }
    }
}
