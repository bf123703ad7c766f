package dev.gowarden.link;

import java.nio.file.Path;

/**
 * Where a uprobe goes: a file and an offset in it (not a virtual address), optionally a USDT-style reference
 * counter offset, a process filter (-1 = every process, present and future) and the BPF cookie the program
 * reads back with bpf_get_attach_cookie.
 */
public record UprobeTarget(Path path, long offset, long refCtrOffset, int pid, long cookie, boolean retprobe) {
    public static final int ALL_PROCESSES = -1;

    public UprobeTarget {
        if (offset < 0) throw new IllegalArgumentException("uprobe offset must not be negative: " + offset);
        path = path.toAbsolutePath();
    }

    public static UprobeTarget entry(Path path, long offset, long cookie) {
        return new UprobeTarget(path, offset, 0, ALL_PROCESSES, cookie, false);
    }

    public UprobeTarget withPid(int pid) {
        return new UprobeTarget(path, offset, refCtrOffset, pid, cookie, retprobe);
    }

    public String describe() {
        return (retprobe ? "uretprobe " : "uprobe ") + path + ":0x" + Long.toHexString(offset)
                + (pid == ALL_PROCESSES ? "" : " pid " + pid);
    }
}
