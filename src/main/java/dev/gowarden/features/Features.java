package dev.gowarden.features;

import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.BpfMap;
import dev.gowarden.bpf.BpfObject;
import dev.gowarden.bpf.Errno;
import dev.gowarden.bpf.KernelBtf;
import dev.gowarden.bpf.KernelFs;
import dev.gowarden.bpf.Native;
import dev.gowarden.link.Attacher;
import dev.gowarden.link.KprobeTarget;
import dev.gowarden.link.Link;
import dev.gowarden.link.PmuFormat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the running kernel can do, found by trying it (loading a program, creating a map, attaching), never by
 * comparing version numbers. Each probe runs once per instance and its result is kept.
 */
public final class Features {
    /** One probed feature: whether it is there, and what the attempt returned. */
    public record Result(String name, boolean available, String detail) {
    }

    public static final List<String> KFUNCS = List.of("bpf_copy_from_user_str", "bpf_copy_from_user_task_str",
            "bpf_send_signal_task", "bpf_get_task_exe_file", "bpf_path_d_path", "bpf_strnstr");

    private final Map<String, Result> cache = new LinkedHashMap<>();

    private synchronized Result probe(String name, Supplier<Result> how) {
        Result r = cache.get(name);
        if (r == null) {
            try {
                r = how.get();
            } catch (BpfException e) {
                r = new Result(name, false, e.getMessage());
            }
            cache.put(name, r);
        }
        return r;
    }

    public Result btf() {
        return probe("kernel BTF", () -> {
            boolean ok = Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"));
            return new Result("kernel BTF", ok, ok ? "/sys/kernel/btf/vmlinux" : "missing: CO-RE needs CONFIG_DEBUG_INFO_BTF");
        });
    }

    public Result ringBuffer() {
        return probe("ring buffer map", () -> {
            try (BpfMap m = BpfMap.create("gw_probe_rb", BpfMap.RINGBUF, 0, 0, (int) Native.libc().pageSize())) {
                return new Result("ring buffer map", true, "BPF_MAP_TYPE_RINGBUF created");
            }
        });
    }

    public Result uprobePmu() {
        return probe("uprobe PMU", () -> PmuFormat.read("uprobe")
                .map(p -> new Result("uprobe PMU", true, "type " + p.type() + ", retprobe bit " + p.retprobeBit()))
                .orElse(new Result("uprobe PMU", false, "no /sys/bus/event_source/devices/uprobe: tracefs uprobe_events is used")));
    }

    public Result kprobePmu() {
        return probe("kprobe PMU", () -> PmuFormat.read("kprobe")
                .map(p -> new Result("kprobe PMU", true, "type " + p.type() + ", retprobe bit " + p.retprobeBit()))
                .orElse(new Result("kprobe PMU", false, "no /sys/bus/event_source/devices/kprobe (CONFIG_KPROBES not set?)")));
    }

    public Result tracefsUprobeEvents() {
        return probe("tracefs uprobe_events", () -> tracefsFile("uprobe_events"));
    }

    public Result tracefsKprobeEvents() {
        return probe("tracefs kprobe_events", () -> tracefsFile("kprobe_events"));
    }

    private Result tracefsFile(String file) {
        for (Path root : List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"))) {
            if (Files.exists(root.resolve(file))) return new Result("tracefs " + file, true, root.resolve(file).toString());
        }
        return new Result("tracefs " + file, false, "absent (tracefs not mounted, or not compiled in)");
    }

    /** Loads one program of features.bpf.c alone; returns null on success or the failure. */
    private static BpfException loadAlone(String program, Integer expectedAttachType) {
        try (BpfObject obj = BpfObject.fromResource("features").onlyLoad(program)) {
            if (expectedAttachType != null) obj.expectedAttachType(program, expectedAttachType);
            obj.load();
            return null;
        } catch (BpfException e) {
            return e;
        }
    }

    private Result loadResult(String name, String program, String okDetail) {
        BpfException e = loadAlone(program, null);
        return e == null ? new Result(name, true, okDetail) : new Result(name, false, "load refused: " + Errno.describe(e.errno()));
    }

    public Result writableUprobeRegisters() {
        return probe("writable uprobe registers", () -> {
            BpfException e = loadAlone("write_regs", null);
            return e == null ? new Result("writable uprobe registers", true, "a uprobe program may assign ctx registers")
                    : new Result("writable uprobe registers", false, "verifier rejects writing ctx registers in uprobes");
        });
    }

    public Result uprobeMulti() {
        return probe("uprobe_multi links", () -> {
            try (BpfObject obj = BpfObject.fromResource("features").onlyLoad("noop_uprobe")) {
                obj.expectedAttachType("noop_uprobe", Attacher.BPF_TRACE_UPROBE_MULTI).load();
                // A directory as the target: a kernel with uprobe_multi answers EBADF, one without EINVAL.
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment attr = arena.allocate(64, 8);
                    attr.set(ValueLayout.JAVA_INT, 0, obj.program("noop_uprobe").fd());
                    attr.set(ValueLayout.JAVA_INT, 8, Attacher.BPF_TRACE_UPROBE_MULTI);
                    attr.set(ValueLayout.JAVA_LONG, 16, arena.allocateFrom("/").address());
                    attr.set(ValueLayout.JAVA_LONG, 24, arena.allocateFrom(ValueLayout.JAVA_LONG, 0L).address());
                    attr.set(ValueLayout.JAVA_INT, 48, 1);
                    Native.Result r = Native.libc().bpf(28, attr, 64);
                    if (!r.failed()) {
                        Native.libc().close((int) r.value());
                        return new Result("uprobe_multi links", true, "BPF_LINK_CREATE attach type 48");
                    }
                    return r.errno() == Errno.EBADF ? new Result("uprobe_multi links", true, "BPF_LINK_CREATE attach type 48")
                            : new Result("uprobe_multi links", false, "BPF_LINK_CREATE refused: " + Errno.describe(r.errno()));
                }
            } catch (BpfException e) {
                return new Result("uprobe_multi links", false, "program load refused: " + Errno.describe(e.errno()));
            }
        });
    }

    public Result kprobeAttach() {
        return probe("kprobe attach", () -> {
            try (BpfObject obj = BpfObject.fromResource("features").onlyLoad("kprobe_probe").load();
                 Link l = new Attacher(Attacher.Mode.AUTO).kprobe(obj.program("kprobe_probe"), new KprobeTarget("vfs_read", 0, 0, false))) {
                return new Result("kprobe attach", true, l.describe());
            } catch (BpfException e) {
                return new Result("kprobe attach", false, e.getMessage());
            }
        });
    }

    public Result bpfLsm() {
        return probe("BPF LSM programs", () -> {
            String active = activeLsms();
            if (!active.contains("bpf")) {
                return new Result("BPF LSM programs", false, "'bpf' is not in the active LSM list (" + active + "); boot with lsm=...,bpf");
            }
            return loadResult("BPF LSM programs", "lsm_probe", "lsm/file_open loads; active LSMs: " + active);
        });
    }

    public Result fentry() {
        return probe("fentry programs", () -> loadResult("fentry programs", "fentry_probe", "fentry/vfs_read loads"));
    }

    public Result fmodRet() {
        return probe("fmod_ret programs", () -> loadResult("fmod_ret programs", "fmod_ret_probe", "fmod_ret/security_file_open loads"));
    }

    /**
     * Not in {@link #all()}: it fills a live trampoline for a moment (any other LSM attach meanwhile fails).
     * How many programs the kernel lets attach to one kernel function's trampoline: copies of the LSM probe program
     * (a program attaches to a trampoline once; each copy is its own program) attached to file_open until the
     * kernel refuses; all detached and unloaded after.
     */
    public Result trampolineLinks() {
        String name = "trampoline links per function";
        return probe(name, () -> {
            if (!activeLsms().contains("bpf")) return new Result(name, false, "needs BPF LSM to probe ('bpf' is not an active LSM)");
            List<BpfObject> objects = new ArrayList<>();
            List<dev.gowarden.link.Link> links = new ArrayList<>();
            try {
                Attacher attacher = new Attacher(Attacher.Mode.AUTO);
                for (int i = 0; i < 128; i++) {
                    BpfObject obj = BpfObject.fromResource("features").onlyLoad("lsm_probe");
                    objects.add(obj);
                    obj.load();
                    try {
                        links.add(attacher.trampoline(obj.program("lsm_probe"), Attacher.BPF_LSM_MAC, "security_file_open"));
                    } catch (BpfException e) {
                        return new Result(name, true, links.size() + " programs on security_file_open, the next one: " + Errno.describe(e.errno()));
                    }
                }
                return new Result(name, true, "more than " + links.size());
            } catch (BpfException e) {
                return new Result(name, false, "load refused: " + Errno.describe(e.errno()));
            } finally {
                links.forEach(dev.gowarden.link.Link::close);
                objects.forEach(BpfObject::close);
            }
        });
    }

    public List<Result> kfuncs() {
        Map<String, Boolean> present;
        try {
            present = KernelBtf.functionsPresent(KFUNCS);
        } catch (BpfException e) {
            return KFUNCS.stream().map(k -> new Result("kfunc " + k, false, e.getMessage())).toList();
        }
        List<Result> out = new ArrayList<>();
        for (String k : KFUNCS) {
            out.add(probe("kfunc " + k, () -> new Result("kfunc " + k, present.get(k),
                    present.get(k) ? "in kernel BTF" : "not in kernel BTF")));
        }
        return out;
    }

    /** Every probe, in a stable order. */
    public List<Result> all() {
        List<Result> out = new ArrayList<>(List.of(btf(), ringBuffer(), uprobePmu(), tracefsUprobeEvents(), uprobeMulti(),
                writableUprobeRegisters(), kprobePmu(), tracefsKprobeEvents(), kprobeAttach(), fentry(), fmodRet(), bpfLsm()));
        out.addAll(kfuncs());
        return out;
    }

    private static String activeLsms() {
        Path lsm = Path.of("/sys/kernel/security/lsm");
        try {
            if (!Files.exists(lsm)) KernelFs.mount("securityfs", Path.of("/sys/kernel/security"), "securityfs");
            return Files.readString(lsm).trim();
        } catch (IOException | BpfException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
