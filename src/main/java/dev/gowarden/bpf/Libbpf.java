package dev.gowarden.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.Deque;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The ~15 libbpf 1.1 entry points gowarden uses (Debian {@code libbpf1}), bound through FFM. libbpf does the
 * ELF, BTF, CO-RE and relocation work of loading an object; maps and links are ours.
 * libbpf's log (verifier output included) is captured so load errors can show it.
 */
final class Libbpf {
    private static final class Holder {
        static final Libbpf INSTANCE = new Libbpf();
    }

    final MethodHandle openMem;
    final MethodHandle load;
    final MethodHandle close;
    final MethodHandle findProgram;
    final MethodHandle programFd;
    final MethodHandle programName;
    final MethodHandle nextProgram;
    final MethodHandle setExpectedAttachType;
    final MethodHandle setAutoload;
    final MethodHandle findMap;
    final MethodHandle mapFd;
    final MethodHandle mapSetMaxEntries;
    final MethodHandle mapValueSize;
    final MethodHandle mapKeySize;
    final MethodHandle mapMaxEntries;
    final MethodHandle mapType;
    final MethodHandle libbpfGetError;
    final MethodHandle btfLoadVmlinux;
    final MethodHandle btfFindByNameKind;
    final MethodHandle btfFree;
    private final MethodHandle vsnprintf;
    /** Last lines libbpf printed; read after a failed load. Bounded. */
    private final Deque<String> log = new ArrayDeque<>();

    private Libbpf() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new BpfException("libbpf.so.1 not found: install Debian's libbpf1 (apt-get install libbpf1)");
        }
        openMem = linker.downcallHandle(lib.findOrThrow("bpf_object__open_mem"), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        load = linker.downcallHandle(lib.findOrThrow("bpf_object__load"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        close = linker.downcallHandle(lib.findOrThrow("bpf_object__close"), FunctionDescriptor.ofVoid(ADDRESS));
        findProgram = linker.downcallHandle(lib.findOrThrow("bpf_object__find_program_by_name"), FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        nextProgram = linker.downcallHandle(lib.findOrThrow("bpf_object__next_program"), FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        programFd = linker.downcallHandle(lib.findOrThrow("bpf_program__fd"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        programName = linker.downcallHandle(lib.findOrThrow("bpf_program__name"), FunctionDescriptor.of(ADDRESS, ADDRESS));
        setExpectedAttachType = linker.downcallHandle(lib.findOrThrow("bpf_program__set_expected_attach_type"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setAutoload = linker.downcallHandle(lib.findOrThrow("bpf_program__set_autoload"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
        findMap = linker.downcallHandle(lib.findOrThrow("bpf_object__find_map_by_name"), FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        mapFd = linker.downcallHandle(lib.findOrThrow("bpf_map__fd"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mapSetMaxEntries = linker.downcallHandle(lib.findOrThrow("bpf_map__set_max_entries"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        mapValueSize = linker.downcallHandle(lib.findOrThrow("bpf_map__value_size"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mapKeySize = linker.downcallHandle(lib.findOrThrow("bpf_map__key_size"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mapMaxEntries = linker.downcallHandle(lib.findOrThrow("bpf_map__max_entries"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mapType = linker.downcallHandle(lib.findOrThrow("bpf_map__type"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        libbpfGetError = linker.downcallHandle(lib.findOrThrow("libbpf_get_error"), FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        btfLoadVmlinux = linker.downcallHandle(lib.findOrThrow("btf__load_vmlinux_btf"), FunctionDescriptor.of(ADDRESS));
        btfFindByNameKind = linker.downcallHandle(lib.findOrThrow("btf__find_by_name_kind"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        btfFree = linker.downcallHandle(lib.findOrThrow("btf__free"), FunctionDescriptor.ofVoid(ADDRESS));
        vsnprintf = linker.downcallHandle(linker.defaultLookup().findOrThrow("vsnprintf"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        installPrintCallback(linker, lib);
    }

    static Libbpf get() {
        return Holder.INSTANCE;
    }

    private void installPrintCallback(Linker linker, SymbolLookup lib) {
        try {
            MethodHandle target = MethodHandles.lookup().findVirtual(Libbpf.class, "onPrint",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class)).bindTo(this);
            MemorySegment stub = linker.upcallStub(target, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MethodHandle setPrint = linker.downcallHandle(lib.findOrThrow("libbpf_set_print"), FunctionDescriptor.of(ADDRESS, ADDRESS));
            MemorySegment ignored = (MemorySegment) setPrint.invokeExact(stub);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** libbpf print callback: (level, fmt, va_list). Must never throw: an exception in an upcall kills the JVM. */
    private int onPrint(int level, MemorySegment fmt, MemorySegment args) {
        try (Arena arena = Arena.ofConfined()) {
            // The verifier log arrives as one large message; keep its lines so the end (the error) can be shown.
            MemorySegment buf = arena.allocate(1 << 20);
            int n = (int) vsnprintf.invokeExact(buf, (long) (1 << 20), fmt, args);
            String text = buf.getString(0).stripTrailing();
            synchronized (log) {
                for (String line : text.split("\n")) log.addLast(line);
                while (log.size() > 400) log.removeFirst();
            }
            if (Boolean.getBoolean("gowarden.debug")) {
                System.err.println("libbpf: " + text);
            }
            return n;
        } catch (Throwable t) {
            return 0;
        }
    }

    void clearLog() {
        synchronized (log) {
            log.clear();
        }
    }

    /** The captured log, verifier output included, trimmed to the last lines that matter. */
    String recentLog(int maxLines) {
        synchronized (log) {
            return String.join("\n", log.stream().skip(Math.max(0, log.size() - maxLines)).toList());
        }
    }
}
