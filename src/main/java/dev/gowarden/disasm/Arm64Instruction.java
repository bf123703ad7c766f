package dev.gowarden.disasm;

/**
 * One arm64 instruction (always 4 bytes).
 *
 * @param address link-time virtual address
 * @param word    the little-endian instruction word
 * @param flow    control-flow kind
 * @param target  branch/call destination when {@link Flow#hasTarget()}, else 0
 */
public record Arm64Instruction(long address, int word, Flow flow, long target) {
    public static final int LENGTH = 4;
    /** Register number 31: SP or XZR depending on the instruction. */
    public static final int SP_OR_ZR = 31;

    public long next() {
        return address + LENGTH;
    }

    /** Bits 0..4: Rd/Rt of most data-processing and load instructions. */
    public int rd() {
        return word & 0x1F;
    }

    /** Bits 5..9: Rn. */
    public int rn() {
        return (word >>> 5) & 0x1F;
    }

    /** Bits 16..20: Rm. */
    public int rm() {
        return (word >>> 16) & 0x1F;
    }

    /** The condition of a B.cond (0 = EQ … 9 = LS … 14 = AL); -1 for anything else. */
    public int condition() {
        return (word & 0xFF000010) == 0x54000000 ? word & 0xF : -1;
    }
}
