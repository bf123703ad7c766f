package dev.gowarden.abi;

/** Where one piece (at most a machine word) of a value lives at a probe point. */
public sealed interface Location {
    /** An integer register, named as the Go assembler does (RAX, R8, R0 …). */
    record IntRegister(String name) implements Location {
    }

    /** A float/vector register: not in pt_regs, so not readable from a uprobe. */
    record FloatRegister(String name) implements Location {
    }

    /** Memory at {@code offset} bytes above the stack pointer at function entry. */
    record Stack(long offset) implements Location {
    }
}
