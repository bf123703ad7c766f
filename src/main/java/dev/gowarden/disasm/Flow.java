package dev.gowarden.disasm;

/** How an instruction passes control on, which is all probe placement needs to know about it. */
public enum Flow {
    /** Falls through to the next instruction. */
    NEXT,
    /** Returns to the caller (x86 C3 / C2 iw, with or without prefixes; arm64 RET Xn). */
    RET,
    /** Unconditional direct jump; the target is known. */
    JUMP,
    /** Conditional direct branch (Jcc, LOOP/JRCXZ; arm64 B.cond, CBZ/CBNZ, TBZ/TBNZ); the target is known. */
    COND_JUMP,
    /** Direct call; the target is known. */
    CALL,
    /** Jump through a register or memory. */
    JUMP_INDIRECT,
    /** Call through a register or memory. */
    CALL_INDIRECT,
    /** A trap that is also Go's padding: x86 INT3 (0xCC); arm64 UDF (the zero word) and BRK. */
    TRAP,
    /** Bytes that do not decode, or an instruction cut off by the end of the code. */
    INVALID;

    public boolean hasTarget() {
        return this == JUMP || this == COND_JUMP || this == CALL;
    }
}
