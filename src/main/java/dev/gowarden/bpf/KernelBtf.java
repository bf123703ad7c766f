package dev.gowarden.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Lookups in the running kernel's BTF (/sys/kernel/btf/vmlinux) through libbpf. */
public final class KernelBtf {
    private static final int BTF_KIND_FUNC = 12;

    private KernelBtf() {
    }

    /** For each name, whether the kernel's BTF has a function (kfunc or traceable function) of that name. */
    public static Map<String, Boolean> functionsPresent(List<String> names) {
        Libbpf lib = Libbpf.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment btf = (MemorySegment) lib.btfLoadVmlinux.invokeExact();
            if (btf.address() == 0 || (long) lib.libbpfGetError.invokeExact(btf) != 0) {
                throw new BpfException("cannot load kernel BTF from /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)");
            }
            try {
                return names.stream().collect(Collectors.toMap(Function.identity(), n -> {
                    try {
                        return (int) lib.btfFindByNameKind.invokeExact(btf, arena.allocateFrom(n), BTF_KIND_FUNC) > 0;
                    } catch (Throwable t) {
                        throw Native.rethrow(t);
                    }
                }));
            } finally {
                lib.btfFree.invokeExact(btf);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
