package dev.gowarden.sensor;

import dev.gowarden.abi.Arch;

import java.util.List;
import java.util.Map;

/**
 * Word indexes of Go's register names in the kernel's {@code struct pt_regs} seen by uprobe programs
 * (x86-64 kernel layout; arm64 {@code user_pt_regs}). Float/vector registers are not there.
 */
public final class PtRegs {
    private static final List<String> X86 = List.of("R15", "R14", "R13", "R12", "RBP", "RBX", "R11", "R10", "R9", "R8",
            "RAX", "RCX", "RDX", "RSI", "RDI", "ORIG_RAX", "RIP", "CS", "EFLAGS", "RSP", "SS");
    private static final Map<String, String> ALIASES = Map.of("SP", "RSP", "BP", "RBP", "PC", "RIP");

    private PtRegs() {
    }

    /** The pt_regs word index of a register, or -1 when pt_regs does not hold it. */
    public static int index(Arch arch, String register) {
        return switch (arch) {
            case AMD64 -> X86.indexOf(ALIASES.getOrDefault(register, register));
            case ARM64 -> {
                if (register.equals("SP") || register.equals("RSP")) yield 31;
                if (register.equals("PC")) yield 32;
                if (register.startsWith("R")) {
                    try {
                        int n = Integer.parseInt(register.substring(1));
                        yield n >= 0 && n <= 30 ? n : -1;
                    } catch (NumberFormatException e) {
                        yield -1;
                    }
                }
                yield -1;
            }
        };
    }
}
