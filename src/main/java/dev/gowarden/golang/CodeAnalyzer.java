package dev.gowarden.golang;

import dev.gowarden.disasm.CodeAnalysisException;
import dev.gowarden.disasm.GoPrologue;
import dev.gowarden.disasm.StackCheck;
import dev.gowarden.disasm.Sweep;
import dev.gowarden.elf.ElfFile;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Go function's machine code to place probes: the body address past the stack-bound check (so an entry
 * probe fires once per call) and every RET (return probes; uretprobes break Go's moving stacks).
 * Only the function's own bytes [entry, end) are read, through the mapped ELF file.
 */
public final class CodeAnalyzer {
    private CodeAnalyzer() {
    }

    /**
     * @throws CodeAnalysisException when the code does not decode (then no probe may be placed inside it)
     */
    public static ProbePoints analyze(GoBinary bin, GoFunction f) {
        MemorySegment code = code(bin, f);
        if (code.byteSize() == 0) {
            return new ProbePoints(f.entry(), f.entry(), List.of(), true);
        }
        String what = f.name();
        int machine = bin.elf().machine();
        List<Long> returns = switch (machine) {
            case ElfFile.EM_X86_64 -> Sweep.amd64Returns(code, f.entry(), what);
            case ElfFile.EM_AARCH64 -> Sweep.arm64Returns(code, f.entry(), what);
            default -> throw new CodeAnalysisException(what + ": ELF machine " + machine + " is not supported");
        };
        long body = stackCheck(machine, code, f.entry()).map(StackCheck::body).orElse(f.entry());
        return new ProbePoints(f.entry(), body, returns, returns.isEmpty());
    }

    /** The function's stack-bound check, if it has one (NOSPLIT functions do not). */
    public static Optional<StackCheck> stackCheck(GoBinary bin, GoFunction f) {
        MemorySegment code = code(bin, f);
        return code.byteSize() == 0 ? Optional.empty() : stackCheck(bin.elf().machine(), code, f.entry());
    }

    private static Optional<StackCheck> stackCheck(int machine, MemorySegment code, long entry) {
        return switch (machine) {
            case ElfFile.EM_X86_64 -> GoPrologue.amd64(code, entry);
            case ElfFile.EM_AARCH64 -> GoPrologue.arm64(code, entry);
            default -> Optional.empty();
        };
    }

    private static MemorySegment code(GoBinary bin, GoFunction f) {
        long size = f.end() - f.entry();
        if (size < 0) {
            throw new CodeAnalysisException(String.format("%s: end 0x%x lies before entry 0x%x", f.name(), f.end(), f.entry()));
        }
        return bin.elf().sliceAtAddress(f.entry(), size, "code of " + f.name());
    }
}
