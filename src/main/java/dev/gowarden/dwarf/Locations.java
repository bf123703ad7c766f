package dev.gowarden.dwarf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Evaluates the simple location expressions Go writes for parameters at a function's entry: registers
 * (DW_OP_reg0..31, DW_OP_regx), memory relative to the CFA (DW_OP_call_frame_cfa, DW_OP_fbreg with a CFA frame
 * base, optionally followed by DW_OP_plus_uconst / DW_OP_consts + DW_OP_plus), split by DW_OP_piece.
 * Location lists come from .debug_loc (DWARF 2-4) or .debug_loclists (DWARF 5).
 */
final class Locations {
    static final int OP_ADDR = 0x03;
    static final int OP_CONST1U = 0x08;
    static final int OP_CONST1S = 0x09;
    static final int OP_CONST2U = 0x0a;
    static final int OP_CONST2S = 0x0b;
    static final int OP_CONST4U = 0x0c;
    static final int OP_CONST4S = 0x0d;
    static final int OP_CONST8U = 0x0e;
    static final int OP_CONST8S = 0x0f;
    static final int OP_CONSTU = 0x10;
    static final int OP_CONSTS = 0x11;
    static final int OP_MINUS = 0x1c;
    static final int OP_PLUS = 0x22;
    static final int OP_PLUS_UCONST = 0x23;
    static final int OP_LIT0 = 0x30;
    static final int OP_LIT31 = 0x4f;
    static final int OP_REG0 = 0x50;
    static final int OP_REG31 = 0x6f;
    static final int OP_REGX = 0x90;
    static final int OP_FBREG = 0x91;
    static final int OP_PIECE = 0x93;
    static final int OP_CALL_FRAME_CFA = 0x9c;

    private static final int LLE_END_OF_LIST = 0;
    private static final int LLE_BASE_ADDRESSX = 1;
    private static final int LLE_STARTX_ENDX = 2;
    private static final int LLE_STARTX_LENGTH = 3;
    private static final int LLE_OFFSET_PAIR = 4;
    private static final int LLE_DEFAULT_LOCATION = 5;
    private static final int LLE_BASE_ADDRESS = 6;
    private static final int LLE_START_END = 7;
    private static final int LLE_START_LENGTH = 8;

    private Locations() {
    }

    /** Where the parameter lives at {@code lowPc}; empty when the compiler recorded nothing there. */
    static List<DwarfPiece> atEntry(DwarfReader r, Die param, long lowPc, boolean cfaFrameBase) {
        Object loc = param.get(Dw.AT_LOCATION);
        if (loc == null) return List.of();
        byte[] expr;
        if (loc instanceof byte[] b) {
            expr = b;
        } else if (loc instanceof Long off) {
            expr = r.locationListEntry(param, param.form(Dw.AT_LOCATION), off, lowPc);
            if (expr == null) return List.of();
        } else {
            return List.of();
        }
        return evaluate(r, param, expr, cfaFrameBase);
    }

    static List<DwarfPiece> evaluate(DwarfReader r, Die owner, byte[] expr, boolean cfaFrameBase) {
        if (expr.length == 0) return List.of();
        ByteCursor c = new ByteCursor(r.file(), ".debug_info (location of DIE 0x" + Long.toHexString(owner.offset()) + ")",
                MemorySegment.ofArray(expr), 0);
        List<DwarfPiece> out = new ArrayList<>();
        // The current simple location: a register, or a CFA-relative address, or unknown.
        Integer reg = null;
        Long cfa = null;
        boolean unknown = false;
        long[] stack = new long[8];
        int sp = 0;
        long pieceStart = 0;
        while (!c.atEnd()) {
            long opPos = c.pos;
            int op = c.u8();
            if (op >= OP_REG0 && op <= OP_REG31) {
                reg = op - OP_REG0;
            } else if (op == OP_REGX) {
                reg = (int) c.uleb();
            } else if (op == OP_CALL_FRAME_CFA) {
                cfa = 0L;
            } else if (op == OP_FBREG) {
                long k = c.sleb();
                if (cfaFrameBase) cfa = k;
                else unknown = true;
            } else if (op == OP_PLUS_UCONST && cfa != null) {
                cfa += c.uleb();
            } else if (op >= OP_LIT0 && op <= OP_LIT31 && sp < stack.length) {
                stack[sp++] = op - OP_LIT0;
            } else if ((op == OP_CONSTU || op == OP_CONSTS || (op >= OP_CONST1U && op <= OP_CONST8S)) && sp < stack.length) {
                stack[sp++] = switch (op) {
                    case OP_CONSTU -> c.uleb();
                    case OP_CONSTS -> c.sleb();
                    case OP_CONST1U -> c.u8();
                    case OP_CONST1S -> (byte) c.u8();
                    case OP_CONST2U -> c.u16();
                    case OP_CONST2S -> (short) c.u16();
                    case OP_CONST4U -> c.u32();
                    case OP_CONST4S -> (int) c.u32();
                    default -> c.u64();
                };
            } else if ((op == OP_PLUS || op == OP_MINUS) && cfa != null && sp > 0) {
                long k = stack[--sp];
                cfa = op == OP_PLUS ? cfa + k : cfa - k;
            } else if (op == OP_PIECE) {
                long size = c.uleb();
                out.add(piece(reg, cfa, unknown, expr, size));
                reg = null;
                cfa = null;
                unknown = false;
                sp = 0;
                pieceStart = c.pos;
            } else {
                // Anything else (DW_OP_addr, stack values, implicit values…) is not a parameter home we can read.
                unknown = true;
                c.pos = skipOperands(c, op, opPos);
            }
        }
        if (c.pos > pieceStart || out.isEmpty()) {
            out.add(piece(reg, cfa, unknown, expr, 0));
        }
        return out;
    }

    /** Skips the operands of an operator we do not evaluate; unknown operators end the expression. */
    private static long skipOperands(ByteCursor c, int op, long opPos) {
        switch (op) {
            case OP_ADDR -> c.skip(8);
            case 0x06, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x24, 0x25,
                 0x26, 0x27, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x96, 0x9f -> {
                // operators without operands
            }
            case 0x94, 0x95 -> c.skip(1);
            case 0x2f, 0x28 -> c.skip(2);
            default -> {
                if (op >= 0x70 && op <= 0x8f) c.sleb(); // DW_OP_bregN
                else return c.limit;
            }
        }
        return c.pos;
    }

    private static DwarfPiece piece(Integer reg, Long cfa, boolean unknown, byte[] expr, long size) {
        if (!unknown && reg == null && cfa == null) return new DwarfPiece.Absent(size);
        if (!unknown && reg != null && cfa == null) return new DwarfPiece.Register(reg, size);
        if (!unknown && cfa != null && reg == null) return new DwarfPiece.Frame(cfa, size);
        return new DwarfPiece.Unknown(HexFormat.of().formatHex(expr), size);
    }

    /** DWARF 2-4 .debug_loc: (begin, end) pairs relative to the unit's base address. */
    static byte[] locEntry(DwarfReader r, Unit u, long offset, long pc) {
        MemorySegment loc = r.sectionOrFail("loc");
        ByteCursor c = new ByteCursor(r.file(), ".debug_loc", loc, offset);
        long base = u.baseAddress();
        long allOnes = u.addrSize() == 8 ? -1L : 0xffffffffL;
        while (true) {
            long begin = c.unsigned(u.addrSize());
            long end = c.unsigned(u.addrSize());
            if (begin == 0 && end == 0) return null;
            if (begin == allOnes) {
                base = end;
                continue;
            }
            int len = c.u16();
            if (Long.compareUnsigned(pc, base + begin) >= 0 && Long.compareUnsigned(pc, base + end) < 0) {
                return c.bytes(len);
            }
            c.skip(len);
        }
    }

    /** DWARF 5 .debug_loclists, from a section offset or a DW_FORM_loclistx index. */
    static byte[] loclistsEntry(DwarfReader r, Unit u, int form, long value, long pc) {
        MemorySegment sec = r.sectionOrFail("loclists");
        long offset = value;
        if (form == Dw.FORM_LOCLISTX) {
            if (u.loclistsBase() < 0) {
                throw new DwarfException(r.file(), ".debug_info", u.offset(), "DW_FORM_loclistx without DW_AT_loclists_base");
            }
            ByteCursor t = new ByteCursor(r.file(), ".debug_loclists", sec, u.loclistsBase() + value * u.offsetSize());
            offset = u.loclistsBase() + t.unsigned(u.offsetSize());
        }
        ByteCursor c = new ByteCursor(r.file(), ".debug_loclists", sec, offset);
        long base = u.baseAddress();
        while (true) {
            long at = c.pos;
            int kind = c.u8();
            long begin;
            long end;
            switch (kind) {
                case LLE_END_OF_LIST -> {
                    return null;
                }
                case LLE_BASE_ADDRESSX -> {
                    base = address(r, u, c.uleb());
                    continue;
                }
                case LLE_BASE_ADDRESS -> {
                    base = c.unsigned(u.addrSize());
                    continue;
                }
                case LLE_STARTX_ENDX -> {
                    begin = address(r, u, c.uleb());
                    end = address(r, u, c.uleb());
                }
                case LLE_STARTX_LENGTH -> {
                    begin = address(r, u, c.uleb());
                    end = begin + c.uleb();
                }
                case LLE_OFFSET_PAIR -> {
                    begin = base + c.uleb();
                    end = base + c.uleb();
                }
                case LLE_DEFAULT_LOCATION -> {
                    begin = 0;
                    end = -1;
                }
                case LLE_START_END -> {
                    begin = c.unsigned(u.addrSize());
                    end = c.unsigned(u.addrSize());
                }
                case LLE_START_LENGTH -> {
                    begin = c.unsigned(u.addrSize());
                    end = begin + c.uleb();
                }
                default -> throw c.error(at, "unknown location list entry kind " + kind);
            }
            long len = c.uleb();
            if (Long.compareUnsigned(pc, begin) >= 0 && Long.compareUnsigned(pc, end) < 0) {
                return c.bytes(len);
            }
            c.skip(len);
        }
    }

    private static long address(DwarfReader r, Unit u, long index) {
        if (u.addrBase() < 0) {
            throw new DwarfException(r.file(), ".debug_info", u.offset(), "address index without DW_AT_addr_base");
        }
        MemorySegment a = r.sectionOrFail("addr");
        return new ByteCursor(r.file(), ".debug_addr", a, u.addrBase() + index * u.addrSize()).unsigned(u.addrSize());
    }
}
