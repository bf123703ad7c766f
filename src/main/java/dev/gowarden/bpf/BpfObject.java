package dev.gowarden.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * A BPF object file (compiled by the build from src/main/bpf, packaged under /bpf in the jar) opened from memory
 * by libbpf. Configure it (map sizes, autoload, expected attach types), then {@link #load()}; programs and maps
 * are then available by name. Closing it unloads everything it created.
 */
public final class BpfObject implements AutoCloseable {
    private final Libbpf lib = Libbpf.get();
    private final String name;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment obj;
    private final Map<String, BpfMap> maps = new ConcurrentHashMap<>();
    private final Map<String, BpfProgram> programs = new ConcurrentHashMap<>();
    private boolean loaded;
    private boolean closed;

    private BpfObject(String name, byte[] elf) {
        this.name = name;
        MemorySegment buf = arena.allocate(elf.length, 8);
        MemorySegment.copy(elf, 0, buf, ValueLayout.JAVA_BYTE, 0, elf.length);
        MemorySegment opts = arena.allocate(16, 8);
        opts.set(ValueLayout.JAVA_LONG, 0, 16);
        opts.set(ValueLayout.ADDRESS, 8, arena.allocateFrom(name));
        try {
            lib.clearLog();
            MemorySegment o = (MemorySegment) lib.openMem.invokeExact(buf, (long) elf.length, opts);
            if (o.address() == 0 || (long) lib.libbpfGetError.invokeExact(o) != 0) {
                arena.close();
                throw new BpfException("libbpf could not open BPF object " + name + ": " + lib.recentLog(20));
            }
            this.obj = o;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw Native.rethrow(t);
        }
    }

    /** Opens {@code /bpf/<name>.bpf.o} from the class path. */
    public static BpfObject fromResource(String name) {
        String path = "/bpf/" + name + ".bpf.o";
        try (InputStream in = BpfObject.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new BpfException("BPF object " + path + " is missing from the jar: rebuild with ./scripts/build.sh (needs clang)");
            }
            return new BpfObject(name, in.readAllBytes());
        } catch (IOException e) {
            throw new BpfException("cannot read BPF object " + path + ": " + e.getMessage());
        }
    }

    public String name() {
        return name;
    }

    private MemorySegment programPtr(String prog) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = (MemorySegment) lib.findProgram.invokeExact(obj, a.allocateFrom(prog));
            if (p.address() == 0) throw new BpfException("BPF object " + name + " has no program '" + prog + "'");
            return p;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private MemorySegment mapPtr(String map) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = (MemorySegment) lib.findMap.invokeExact(obj, a.allocateFrom(map));
            if (p.address() == 0) throw new BpfException("BPF object " + name + " has no map '" + map + "'");
            return p;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Before load: resize a map (ring buffer bytes, or entries). */
    public BpfObject maxEntries(String map, int entries) {
        requireNotLoaded();
        try {
            int r = (int) lib.mapSetMaxEntries.invokeExact(mapPtr(map), entries);
            if (r < 0) throw new BpfException("cannot size map " + map + " to " + entries, -r);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return this;
    }

    /** Before load: whether a program is loaded at all (feature probes load one program at a time). */
    public BpfObject autoload(String prog, boolean load) {
        requireNotLoaded();
        try {
            int r = (int) lib.setAutoload.invokeExact(programPtr(prog), load);
            if (r < 0) throw new BpfException("cannot set autoload of " + prog, -r);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return this;
    }

    /** Disables every program but the named ones. */
    public BpfObject onlyLoad(String... progs) {
        requireNotLoaded();
        java.util.Set<String> keep = java.util.Set.of(progs);
        try {
            MemorySegment p = MemorySegment.NULL;
            while (true) {
                p = (MemorySegment) lib.nextProgram.invokeExact(obj, p);
                if (p.address() == 0) break;
                String n = ((MemorySegment) lib.programName.invokeExact(p)).reinterpret(256).getString(0);
                int r = (int) lib.setAutoload.invokeExact(p, keep.contains(n));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return this;
    }

    /** Before load: the attach type the kernel checks at load time (e.g. uprobe_multi = 48). */
    public BpfObject expectedAttachType(String prog, int attachType) {
        requireNotLoaded();
        try {
            int r = (int) lib.setExpectedAttachType.invokeExact(programPtr(prog), attachType);
            if (r < 0) throw new BpfException("cannot set expected attach type of " + prog, -r);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return this;
    }

    /** Loads all enabled programs and creates the maps. A verifier rejection carries the end of the verifier log. */
    public BpfObject load() {
        requireNotLoaded();
        try {
            lib.clearLog();
            int r = (int) lib.load.invokeExact(obj);
            if (r < 0) {
                String detail = lib.recentLog(25);
                throw new BpfException("loading BPF object " + name + " failed" + (detail.isEmpty() ? "" : " (libbpf log follows)")
                        + hint(-r) + (detail.isEmpty() ? "" : "\n" + detail), -r);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        loaded = true;
        return this;
    }

    private static String hint(int errno) {
        return switch (errno) {
            case Errno.EPERM -> "; run as root (CAP_BPF and CAP_PERFMON), or this kernel refuses the program type";
            case Errno.EINVAL -> "; the kernel may lack a feature this program needs (see gowarden features)";
            default -> "";
        };
    }

    public BpfProgram program(String prog) {
        requireLoaded();
        return programs.computeIfAbsent(prog, n -> {
            try {
                int fd = (int) lib.programFd.invokeExact(programPtr(n));
                if (fd < 0) throw new BpfException("program " + n + " of " + name + " is not loaded", -fd);
                return new BpfProgram(n, fd);
            } catch (BpfException e) {
                throw e;
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
        });
    }

    public BpfMap map(String map) {
        requireLoaded();
        return maps.computeIfAbsent(map, n -> {
            try {
                MemorySegment m = mapPtr(n);
                int fd = (int) lib.mapFd.invokeExact(m);
                int type = (int) lib.mapType.invokeExact(m);
                int key = (int) lib.mapKeySize.invokeExact(m);
                int value = (int) lib.mapValueSize.invokeExact(m);
                int max = (int) lib.mapMaxEntries.invokeExact(m);
                return new BpfMap(n, fd, type, key, value, max, false);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
        });
    }

    private void requireNotLoaded() {
        if (loaded) throw new IllegalStateException("BPF object " + name + " is already loaded");
    }

    private void requireLoaded() {
        if (!loaded) throw new IllegalStateException("BPF object " + name + " is not loaded yet");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            lib.close.invokeExact(obj);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
