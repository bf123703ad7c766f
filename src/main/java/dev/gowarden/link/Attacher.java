package dev.gowarden.link;

import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.BpfProgram;
import dev.gowarden.bpf.Errno;
import dev.gowarden.bpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Attaches programs to uprobes and kprobes, with the semantics of cilium/ebpf's link package: the dynamic perf
 * PMU ({@code /sys/bus/event_source/devices/uprobe}) when the kernel has it, else a tracefs event in a random
 * group; every probe carries a BPF cookie through {@code BPF_LINK_CREATE}. {@link #uprobeMulti} attaches many
 * offsets of one file in one call where the kernel has uprobe_multi links.
 */
public final class Attacher {
    /** Which kernel interface creates the probe. */
    public enum Mode { AUTO, PMU, TRACEFS }

    public static final int BPF_PERF_EVENT = 41;
    public static final int BPF_TRACE_UPROBE_MULTI = 48;
    private static final int BPF_LINK_CREATE = 28;
    private static final int PERF_FLAG_FD_CLOEXEC = 8;

    private final Mode mode;
    private final Optional<PmuFormat> uprobePmu;
    private final Optional<PmuFormat> kprobePmu;
    private Tracefs tracefs;

    public Attacher(Mode mode) {
        this.mode = mode;
        this.uprobePmu = mode == Mode.TRACEFS ? Optional.empty() : PmuFormat.read("uprobe");
        this.kprobePmu = mode == Mode.TRACEFS ? Optional.empty() : PmuFormat.read("kprobe");
    }

    public Mode mode() {
        return mode;
    }

    private synchronized Tracefs tracefs() {
        if (tracefs == null) tracefs = Tracefs.open();
        return tracefs;
    }

    /** The tracefs group this attacher creates events in (created on first use). */
    public String tracefsGroup() {
        return tracefs().group();
    }

    public Link uprobe(BpfProgram prog, UprobeTarget t) {
        if (!Files.isRegularFile(t.path())) {
            throw new BpfException("cannot attach " + t.describe() + ": no such file", Errno.ENOENT);
        }
        if (uprobePmu.isPresent()) {
            PmuFormat pmu = uprobePmu.get();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment path = arena.allocateFrom(t.path().toString());
                byte[] attr = PerfEventAttr.pmuProbe(pmu.type(), pmu.config(t.retprobe(), t.refCtrOffset()), path.address(), t.offset());
                int perfFd = perfEventOpen(arena, attr, t.pid(), t.describe());
                return linkPerfEvent(prog, perfFd, t.cookie(), t.describe(), null);
            }
        }
        if (mode == Mode.PMU) {
            throw new BpfException("cannot attach " + t.describe() + ": this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe)");
        }
        Tracefs fs = tracefs();
        if (!fs.hasUprobeEvents()) {
            throw new BpfException("cannot attach " + t.describe() + ": neither the uprobe PMU nor " + fs.root() + "/uprobe_events exists (CONFIG_UPROBE_EVENTS)");
        }
        Tracefs.Event ev = fs.createUprobe(t);
        try (Arena arena = Arena.ofConfined()) {
            int perfFd = perfEventOpen(arena, PerfEventAttr.tracepoint(ev.id()), t.pid(), t.describe());
            return linkPerfEvent(prog, perfFd, t.cookie(), t.describe(), ev);
        } catch (RuntimeException e) {
            fs.remove(ev);
            throw e;
        }
    }

    public Link kprobe(BpfProgram prog, KprobeTarget t) {
        if (kprobePmu.isPresent()) {
            PmuFormat pmu = kprobePmu.get();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocateFrom(t.symbol());
                byte[] attr = PerfEventAttr.pmuProbe(pmu.type(), pmu.config(t.retprobe(), 0), name.address(), t.offset());
                int perfFd = perfEventOpen(arena, attr, -1, t.describe());
                return linkPerfEvent(prog, perfFd, t.cookie(), t.describe(), null);
            }
        }
        if (mode == Mode.PMU) {
            throw new BpfException("cannot attach " + t.describe() + ": this kernel has no kprobe PMU (CONFIG_KPROBES is not set?)");
        }
        Tracefs fs = tracefs();
        if (!fs.hasKprobeEvents()) {
            throw new BpfException("cannot attach " + t.describe() + ": this kernel has neither a kprobe PMU nor kprobe_events (CONFIG_KPROBES is not set)");
        }
        Tracefs.Event ev = fs.createKprobe(t);
        try (Arena arena = Arena.ofConfined()) {
            int perfFd = perfEventOpen(arena, PerfEventAttr.tracepoint(ev.id()), -1, t.describe());
            return linkPerfEvent(prog, perfFd, t.cookie(), t.describe(), ev);
        } catch (RuntimeException e) {
            fs.remove(ev);
            throw e;
        }
    }

    /**
     * One BPF_LINK_CREATE of type uprobe_multi for many offsets in one file. The program must have been loaded
     * with expected attach type {@link #BPF_TRACE_UPROBE_MULTI}.
     */
    public Link uprobeMulti(BpfProgram prog, Path file, long[] offsets, long[] cookies, int pid, boolean retprobe) {
        if (offsets.length == 0) throw new IllegalArgumentException("uprobe_multi needs at least one offset");
        if (cookies.length != offsets.length) throw new IllegalArgumentException("one cookie per offset");
        String what = "uprobe_multi " + file + " (" + offsets.length + " offsets)" + (pid > 0 ? " pid " + pid : "");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = UprobeMultiRequest.build(arena, prog.fd(), file.toAbsolutePath().toString(), offsets, cookies, pid, retprobe);
            Native.Result r = Native.libc().bpf(BPF_LINK_CREATE, attr, attr.byteSize());
            if (r.failed()) throw new BpfException("cannot attach " + what + explain(r.errno()), r.errno());
            return new FdLink(what, (int) r.value());
        }
    }

    /** BPF_LSM_MAC: an LSM program attached to the hook it was loaded for (its section, e.g. lsm/file_open). */
    public static final int BPF_LSM_MAC = 27;

    /**
     * Attaches a program loaded for a kernel-function trampoline (LSM, fentry, fmod_ret): one BPF_LINK_CREATE with
     * the target from load time. Every such link on one kernel function takes a trampoline slot; the kernel has 38
     * (BPF_MAX_TRAMP_LINKS on x86-64) and refuses the next with E2BIG.
     */
    public Link trampoline(BpfProgram prog, int attachType, String target) {
        String what = "trampoline " + target + " -> " + prog.name();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(64, 8);
            attr.set(ValueLayout.JAVA_INT, 0, prog.fd());
            attr.set(ValueLayout.JAVA_INT, 8, attachType);
            Native.Result r = Native.libc().bpf(BPF_LINK_CREATE, attr, 64);
            if (r.failed()) {
                throw new BpfException("cannot attach " + what + (r.errno() == Errno.E2BIG
                        ? ": the kernel's trampoline for " + target + " is full (at most 38 programs on one kernel function)"
                        : explain(r.errno())), r.errno());
            }
            return new FdLink(what, (int) r.value());
        }
    }

    private static int perfEventOpen(Arena arena, byte[] attrBytes, int pid, String what) {
        MemorySegment attr = arena.allocate(attrBytes.length, 8);
        MemorySegment.copy(attrBytes, 0, attr, ValueLayout.JAVA_BYTE, 0, attrBytes.length);
        // Every process (pid -1) needs a CPU; the probe still fires on all CPUs because the program hangs off
        // the trace event, not the perf event's CPU.
        int cpu = pid < 0 ? 0 : -1;
        Native.Result r = Native.libc().syscall(Native.libc().numbers().perfEventOpen(), attr.address(), pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (r.failed()) {
            throw new BpfException("cannot attach " + what + explain(r.errno()), r.errno());
        }
        return (int) r.value();
    }

    private Link linkPerfEvent(BpfProgram prog, int perfFd, long cookie, String what, Tracefs.Event ev) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(64, 8);
            attr.set(ValueLayout.JAVA_INT, 0, prog.fd());
            attr.set(ValueLayout.JAVA_INT, 4, perfFd);
            attr.set(ValueLayout.JAVA_INT, 8, BPF_PERF_EVENT);
            attr.set(ValueLayout.JAVA_LONG, 16, cookie);
            Native.Result r = Native.libc().bpf(BPF_LINK_CREATE, attr, 64);
            if (r.failed()) {
                Native.libc().close(perfFd);
                throw new BpfException("cannot link program " + prog.name() + " to " + what
                        + (r.errno() == Errno.EINVAL ? " (this kernel may lack BPF perf links with cookies, Linux 5.15+)" : ""), r.errno());
            }
            return new PerfEventLink(what + " -> " + prog.name(), perfFd, (int) r.value(), ev == null ? null : tracefs(), ev);
        }
    }

    static String explain(int errno) {
        return switch (errno) {
            case Errno.ENOENT -> ": the file or kernel symbol does not exist";
            case Errno.EILSEQ -> ": the offset is not on an instruction boundary";
            case Errno.ENOTSUPP, Errno.EOPNOTSUPP -> ": the kernel cannot probe the instruction there (a trap or unsupported instruction)";
            case Errno.ERANGE -> ": the offset is beyond the end of the file";
            case Errno.EINVAL -> ": the kernel rejected the request (offset outside the file, bad instruction, or unsupported probe type)";
            case Errno.EPERM, Errno.EACCES -> ": permission denied (run as root with CAP_BPF and CAP_PERFMON)";
            case Errno.ESRCH -> ": no such process";
            default -> "";
        };
    }
}
