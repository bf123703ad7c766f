package dev.gowarden.sensor;

import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.BpfProgram;
import dev.gowarden.bpf.Native;
import dev.gowarden.link.Link;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** BPF_RAW_TRACEPOINT_OPEN of a raw tracepoint program; the returned fd is the attachment. */
final class RawTracepoint {
    private static final int BPF_RAW_TRACEPOINT_OPEN = 17;

    private RawTracepoint() {
    }

    static Link attach(BpfProgram prog, String tracepoint) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(16, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, arena.allocateFrom(tracepoint).address());
            attr.set(ValueLayout.JAVA_INT, 8, prog.fd());
            Native.Result r = Native.libc().bpf(BPF_RAW_TRACEPOINT_OPEN, attr, 16);
            if (r.failed()) throw new BpfException("cannot attach " + prog.name() + " to raw tracepoint " + tracepoint, r.errno());
            int fd = (int) r.value();
            return new Link() {
                private boolean closed;

                @Override
                public String describe() {
                    return "raw_tracepoint " + tracepoint + " -> " + prog.name();
                }

                @Override
                public synchronized void close() {
                    if (!closed) {
                        closed = true;
                        Native.libc().close(fd);
                    }
                }
            };
        }
    }
}
