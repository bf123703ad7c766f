package dev.gowarden.disasm;

/**
 * One decoded x86-64 instruction: enough structure to find its length, its control flow, and to match Go's
 * stack-check prologues by their operands.
 *
 * @param address   link-time virtual address of the first byte (prefixes included)
 * @param length    1..15 bytes
 * @param flow      control-flow kind
 * @param target    branch/call destination when {@link Flow#hasTarget()}, else 0
 * @param prefixes  legacy prefixes present, as {@code PREFIX_*} bits
 * @param rex       the REX byte (0x40..0x4F) or 0 when absent; for VEX/EVEX the equivalent W/R/X/B bits in REX layout
 * @param map       opcode map: {@link #MAP_ONE_BYTE}, {@link #MAP_0F}, {@link #MAP_0F38}, {@link #MAP_0F3A}, or the
 *                  VEX/EVEX/XOP map number plus {@link #MAP_VEX}/{@link #MAP_EVEX}/{@link #MAP_XOP}
 * @param opcode    the opcode byte within its map
 * @param modrm     the ModRM byte, or -1 when the instruction has none
 * @param sib       the SIB byte, or -1
 * @param disp      sign-extended displacement (0 when {@code dispSize} is 0); for moffs forms the absolute address
 * @param dispSize  0, 1, 4 (or 8 for the A0..A3 moffs forms)
 * @param imm       first immediate, sign-extended from its size (relative branches: the raw displacement)
 * @param immSize   total immediate bytes (ENTER has 3: iw then ib)
 */
public record X86Instruction(long address, int length, Flow flow, long target, int prefixes, int rex, int map, int opcode,
                             int modrm, int sib, long disp, int dispSize, long imm, int immSize) {
    public static final int PREFIX_LOCK = 1;
    public static final int PREFIX_REPNE = 1 << 1;
    public static final int PREFIX_REP = 1 << 2;
    public static final int PREFIX_OPSIZE = 1 << 3;
    public static final int PREFIX_ADDRSIZE = 1 << 4;
    public static final int PREFIX_FS = 1 << 5;
    public static final int PREFIX_GS = 1 << 6;
    /** CS/DS/ES/SS overrides (no effect in 64-bit mode; used as branch hints and padding). */
    public static final int PREFIX_OTHER_SEGMENT = 1 << 7;

    public static final int MAP_ONE_BYTE = 0;
    public static final int MAP_0F = 1;
    public static final int MAP_0F38 = 2;
    public static final int MAP_0F3A = 3;
    public static final int MAP_VEX = 0x100;
    public static final int MAP_EVEX = 0x200;
    public static final int MAP_XOP = 0x400;

    /** Register numbers as x86 encodes them with the REX extension bit: 0 = RAX … 4 = RSP, 12 = R12, 14 = R14. */
    public static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
    public static final int R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
    /** Pseudo base register for RIP-relative operands. */
    public static final int RIP = 16;
    /** No base/index register. */
    public static final int NONE = -1;

    public long next() {
        return address + length;
    }

    public boolean hasModrm() {
        return modrm >= 0;
    }

    public int mod() {
        return modrm >>> 6;
    }

    /** ModRM.reg extended by REX.R: a register operand, or the opcode extension of group instructions (without REX.R). */
    public int reg() {
        return ((modrm >>> 3) & 7) | ((rex & 4) << 1);
    }

    /** The opcode extension (/digit) of group instructions. */
    public int regField() {
        return (modrm >>> 3) & 7;
    }

    /** ModRM.rm extended by REX.B when it names a register (mod == 3). */
    public int rmRegister() {
        return (modrm & 7) | ((rex & 1) << 3);
    }

    public boolean rexW() {
        return (rex & 8) != 0;
    }

    /** Base register of the memory operand, {@link #RIP}, or {@link #NONE}; only meaningful when mod != 3. */
    public int base() {
        if (modrm < 0 || mod() == 3) {
            return NONE;
        }
        int rm = modrm & 7;
        if (rm == 4) {
            int b = sib & 7;
            if (b == 5 && mod() == 0) {
                return NONE;
            }
            return b | ((rex & 1) << 3);
        }
        if (rm == 5 && mod() == 0) {
            return RIP;
        }
        return rm | ((rex & 1) << 3);
    }

    /** Index register of the memory operand or {@link #NONE}. */
    public int index() {
        if (sib < 0 || modrm < 0 || mod() == 3) {
            return NONE;
        }
        int i = ((sib >>> 3) & 7) | ((rex & 2) << 2);
        return i == RSP ? NONE : i;
    }

    public boolean isRet() {
        return flow == Flow.RET;
    }
}
