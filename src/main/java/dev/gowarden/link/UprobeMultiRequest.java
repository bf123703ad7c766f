package dev.gowarden.link;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The {@code bpf_attr} of BPF_LINK_CREATE for a uprobe_multi link (uapi 6.6+): prog_fd@0, target_fd@4,
 * attach_type@8, flags@12, then {@code uprobe_multi}: path@16, offsets@24, ref_ctr_offsets@32, cookies@40,
 * cnt@48, flags@52 (1 = return probe), pid@56.
 */
final class UprobeMultiRequest {
    static final int SIZE = 64;
    static final int UPROBE_MULTI_RETURN = 1;

    private UprobeMultiRequest() {
    }

    static MemorySegment build(Arena arena, int progFd, String path, long[] offsets, long[] cookies, int pid, boolean retprobe) {
        MemorySegment attr = arena.allocate(SIZE, 8);
        MemorySegment pathStr = arena.allocateFrom(path);
        MemorySegment offs = arena.allocateFrom(ValueLayout.JAVA_LONG, offsets);
        MemorySegment cks = arena.allocateFrom(ValueLayout.JAVA_LONG, cookies);
        attr.set(ValueLayout.JAVA_INT, 0, progFd);
        attr.set(ValueLayout.JAVA_INT, 8, Attacher.BPF_TRACE_UPROBE_MULTI);
        attr.set(ValueLayout.JAVA_LONG, 16, pathStr.address());
        attr.set(ValueLayout.JAVA_LONG, 24, offs.address());
        attr.set(ValueLayout.JAVA_LONG, 40, cks.address());
        attr.set(ValueLayout.JAVA_INT, 48, offsets.length);
        attr.set(ValueLayout.JAVA_INT, 52, retprobe ? UPROBE_MULTI_RETURN : 0);
        attr.set(ValueLayout.JAVA_INT, 56, Math.max(pid, 0));
        return attr;
    }
}
