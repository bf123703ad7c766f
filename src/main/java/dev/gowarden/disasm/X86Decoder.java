package dev.gowarden.disasm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A table-driven x86-64 (64-bit mode) instruction decoder that finds lengths, control flow and operand layout, but
 * not mnemonics. It covers what Go's toolchain emits: legacy prefixes, REX, the one-byte, 0F, 0F38 and 0F3A maps,
 * VEX (AVX/AVX2/BMI), EVEX (AVX-512) and XOP, ModRM/SIB/displacement and immediate rules, RIP-relative operands.
 * Reads never go past the end of the given segment: an instruction cut off there decodes as {@link Flow#INVALID}.
 */
public final class X86Decoder {
    public static final int MAX_LENGTH = 15;


    /*
     * Operand classes per opcode, one character per byte value (rows of 16). Strings keep the tables immutable.
     * n: nothing follows   m: ModRM   b: imm8   z: imm16/32   w: imm16   M: ModRM+imm8   Z: ModRM+imm16/32
     * j: rel8   J: rel32   v: imm16/32/64 (MOV r, imm)   a: moffs (MOV A0..A3)   e: ENTER iw,ib
     * f: F6/F7 group (imm only for /0 /1)   p: prefix   r: REX   V: VEX   E: EVEX   X: XOP or POP r/m
     * 2: 0F escape   3: 0F38/0F3A escape   T: 3DNow! (ModRM, suffix byte)   Q: 0F 78 (SSE4a forms take 2 bytes)
     * x: invalid in 64-bit mode
     */
    private static final String ONE_BYTE =
            "mmmmbzxxmmmmbzx2" + // 00
            "mmmmbzxxmmmmbzxx" + // 10
            "mmmmbzpxmmmmbzpx" + // 20
            "mmmmbzpxmmmmbzpx" + // 30
            "rrrrrrrrrrrrrrrr" + // 40
            "nnnnnnnnnnnnnnnn" + // 50
            "xxEmppppzZbMnnnn" + // 60
            "jjjjjjjjjjjjjjjj" + // 70
            "MZxMmmmmmmmmmmmX" + // 80
            "nnnnnnnnnnxnnnnn" + // 90
            "aaaannnnbznnnnnn" + // A0
            "bbbbbbbbvvvvvvvv" + // B0
            "MMwnVVMZenwnnbxn" + // C0
            "mmmmxxxnmmmmmmmm" + // D0
            "jjjjbbbbJJxjnnnn" + // E0
            "pnppnnffnnnnnnmm";  // F0

    private static final String MAP_0F =
            "mmmmxnnnnnxnxmnT" + // 00
            "mmmmmmmmmmmmmmmm" + // 10
            "mmmmxxxxmmmmmmmm" + // 20
            "nnnnnnxn3x3xxxxx" + // 30
            "mmmmmmmmmmmmmmmm" + // 40
            "mmmmmmmmmmmmmmmm" + // 50
            "mmmmmmmmmmmmmmmm" + // 60
            "MMMMmmmnQmxxmmmm" + // 70
            "JJJJJJJJJJJJJJJJ" + // 80
            "mmmmmmmmmmmmmmmm" + // 90
            "nnnmMmxxnnnmMmmm" + // A0
            "mmmmmmmmmmMmmmmm" + // B0
            "mmMmMMMmnnnnnnnn" + // C0
            "mmmmmmmmmmmmmmmm" + // D0
            "mmmmmmmmmmmmmmmm" + // E0
            "mmmmmmmmmmmmmmmm";  // F0

    private X86Decoder() {
    }

    /**
     * Decodes the instruction at {@code offset} in {@code code}, whose first byte has address {@code address}.
     * Never throws for bad bytes: returns a one-byte {@link Flow#INVALID} instruction instead, so a sweep can go on
     * and its caller decides what an undecodable byte means.
     */
    public static X86Instruction decode(MemorySegment code, long offset, long address) {
        return decode(view(code), offset, address);
    }

    /**
     * A little-endian buffer over a function's bytes, to decode many instructions of it: buffer reads avoid the
     * one-time VarHandle set-up of MemorySegment layout reads, which dominates a short command's start-up.
     */
    public static ByteBuffer view(MemorySegment code) {
        return code.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** As {@link #decode(MemorySegment, long, long)}, on a {@link #view}. */
    public static X86Instruction decode(ByteBuffer code, long offset, long address) {
        long limit = Math.min(code.limit(), offset + MAX_LENGTH);
        if (offset < 0 || offset >= code.limit()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside code of " + code.limit() + " bytes");
        }
        long p = offset;
        int prefixes = 0;
        int rex = 0;
        int b;
        // Legacy prefixes in any order; a REX counts only when the opcode follows it directly.
        while (true) {
            if (p >= limit) return invalid(address);
            b = u8(code, p);
            int bit = prefixBit(b);
            if (bit != 0) {
                prefixes |= bit;
                rex = 0;
                p++;
                continue;
            }
            if ((b & 0xF0) == 0x40) {
                rex = b;
                p++;
                continue;
            }
            break;
        }
        int map = X86Instruction.MAP_ONE_BYTE;
        int opcode = b;
        char cls = ONE_BYTE.charAt(b);
        p++;
        switch (cls) {
            case 'x':
                return invalid(address);
            case '2': {
                if (p >= limit) return invalid(address);
                opcode = u8(code, p++);
                map = X86Instruction.MAP_0F;
                cls = MAP_0F.charAt(opcode);
                if (cls == '3') {
                    if (p >= limit) return invalid(address);
                    map = opcode == 0x38 ? X86Instruction.MAP_0F38 : X86Instruction.MAP_0F3A;
                    opcode = u8(code, p++);
                    cls = map == X86Instruction.MAP_0F38 ? 'm' : 'M';
                } else if (cls == 'Q') {
                    // 66 0F 78 (EXTRQ) and F2 0F 78 (INSERTQ) carry two immediate bytes; plain 0F 78 is VMREAD.
                    cls = (prefixes & (X86Instruction.PREFIX_OPSIZE | X86Instruction.PREFIX_REPNE)) != 0 ? 'W' : 'm';
                }
                if (cls == 'x') return invalid(address);
                break;
            }
            case 'V', 'E', 'X':
                return decodeVexFamily(code, offset, p, limit, address, prefixes, b);
            default:
                break;
        }
        return finish(code, offset, p, limit, address, prefixes, rex, map, opcode, cls);
    }

    /** C4/C5 (VEX), 62 (EVEX), 8F (XOP, or POP r/m when ModRM.reg is 0). {@code p} points after the escape byte. */
    private static X86Instruction decodeVexFamily(ByteBuffer code, long offset, long p, long limit, long address,
                                                  int prefixes, int escape) {
        if (p >= limit) return invalid(address);
        int p0 = u8(code, p);
        int rex;
        int vmap;
        int kind;
        if (escape == 0xC5) {
            // R vvvv L pp, implied map 0F; R is stored inverted.
            rex = ((~p0 >>> 7) & 1) << 2;
            vmap = 1;
            kind = X86Instruction.MAP_VEX;
            p += 1;
        } else if (escape == 0xC4 || escape == 0x8F) {
            if (escape == 0x8F && (p0 & 0x1F) < 8) {
                // POP r/m64: the byte after 8F is its ModRM.
                return finish(code, offset, p, limit, address, prefixes, 0, X86Instruction.MAP_ONE_BYTE, 0x8F, 'm');
            }
            if (p + 1 >= limit) return invalid(address);
            int p1 = u8(code, p + 1);
            rex = (((~p0 >>> 5) & 7)) | ((p1 >>> 4) & 8);
            vmap = p0 & 0x1F;
            kind = escape == 0xC4 ? X86Instruction.MAP_VEX : X86Instruction.MAP_XOP;
            p += 2;
        } else {
            // EVEX: P0 = R X B R' 0 mmm, P1 = W vvvv 1 pp, P2 = z L'L b V' aaa.
            if (p + 2 >= limit) return invalid(address);
            int p1 = u8(code, p + 1);
            if ((p1 & 0x04) == 0) return invalid(address);
            rex = ((~p0 >>> 5) & 7) | ((p1 >>> 4) & 8);
            vmap = p0 & 0x07;
            kind = X86Instruction.MAP_EVEX;
            p += 3;
        }
        if (p >= limit) return invalid(address);
        int opcode = u8(code, p++);
        char cls;
        if (kind == X86Instruction.MAP_XOP) {
            cls = switch (vmap) {
                case 8 -> 'M';
                case 9 -> 'm';
                case 10 -> 'D';
                default -> 'x';
            };
        } else {
            cls = switch (vmap) {
                case 1 -> {
                    if (opcode == 0x77 && kind == X86Instruction.MAP_VEX) {
                        yield 'n'; // VZEROUPPER / VZEROALL have no ModRM
                    }
                    yield (opcode >= 0x70 && opcode <= 0x73) || opcode == 0xC2 || (opcode >= 0xC4 && opcode <= 0xC6) ? 'M' : 'm';
                }
                case 2 -> 'm';
                case 3 -> 'M';
                case 5, 6 -> kind == X86Instruction.MAP_EVEX ? 'm' : 'x';
                default -> 'x';
            };
        }
        if (cls == 'x') return invalid(address);
        return finish(code, offset, p, limit, address, prefixes, rex, kind | vmap, opcode, cls);
    }

    /** Decodes ModRM/SIB/displacement and the immediate for operand class {@code cls}; {@code p} points after the opcode. */
    private static X86Instruction finish(ByteBuffer code, long offset, long p, long limit, long address, int prefixes,
                                         int rex, int map, int opcode, char cls) {
        int modrm = -1;
        int sib = -1;
        long disp = 0;
        int dispSize = 0;
        boolean hasModrm = switch (cls) {
            case 'm', 'M', 'Z', 'f', 'T', 'W', 'D' -> true;
            default -> false;
        };
        if (hasModrm) {
            if (p >= limit) return invalid(address);
            modrm = u8(code, p++);
            int mod = modrm >>> 6;
            int rm = modrm & 7;
            if (mod != 3) {
                if (rm == 4) {
                    if (p >= limit) return invalid(address);
                    sib = u8(code, p++);
                }
                if (mod == 1) {
                    dispSize = 1;
                } else if (mod == 2 || (mod == 0 && rm == 5) || (mod == 0 && rm == 4 && (sib & 7) == 5)) {
                    dispSize = 4;
                }
                if (p + dispSize > limit) return invalid(address);
                disp = dispSize == 1 ? (byte) u8(code, p) : dispSize == 4 ? s32(code, p) : 0;
                p += dispSize;
            }
        }
        boolean opsize16 = (prefixes & X86Instruction.PREFIX_OPSIZE) != 0 && (rex & 8) == 0;
        int immSize = switch (cls) {
            case 'b', 'M', 'j', 'T' -> 1;
            case 'z', 'Z' -> opsize16 ? 2 : 4;
            case 'J' -> 4;
            case 'w' -> 2;
            case 'e' -> 3;
            case 'W' -> 2;
            case 'D' -> 4;
            case 'v' -> (rex & 8) != 0 ? 8 : opsize16 ? 2 : 4;
            case 'f' -> ((modrm >>> 3) & 7) <= 1 ? (opcode == 0xF6 ? 1 : opsize16 ? 2 : 4) : 0;
            default -> 0;
        };
        if (cls == 'a') {
            // MOV AL/rAX <-> moffs: the address is 8 bytes, 4 with an address-size prefix.
            dispSize = (prefixes & X86Instruction.PREFIX_ADDRSIZE) != 0 ? 4 : 8;
            if (p + dispSize > limit) return invalid(address);
            disp = dispSize == 8 ? code.getLong((int) p) : s32(code, p);
            p += dispSize;
        }
        if (p + immSize > limit) return invalid(address);
        long imm = switch (immSize) {
            case 1 -> (byte) u8(code, p);
            case 2, 3 -> (short) (u8(code, p) | u8(code, p + 1) << 8);
            case 4 -> s32(code, p);
            case 8 -> code.getLong((int) p);
            default -> 0;
        };
        p += immSize;
        int length = (int) (p - offset);
        long next = address + length;
        Flow flow = Flow.NEXT;
        long target = 0;
        if (map == X86Instruction.MAP_ONE_BYTE) {
            switch (opcode) {
                case 0xC3, 0xC2 -> flow = Flow.RET;
                case 0xCA, 0xCB, 0xCF -> flow = Flow.JUMP_INDIRECT; // far return / IRET: leaves the function, not a near RET
                case 0xCC -> flow = Flow.TRAP;
                case 0xEB, 0xE9 -> {
                    flow = Flow.JUMP;
                    target = next + imm;
                }
                case 0xE8 -> {
                    flow = Flow.CALL;
                    target = next + imm;
                }
                case 0xE0, 0xE1, 0xE2, 0xE3 -> {
                    flow = Flow.COND_JUMP;
                    target = next + imm;
                }
                case 0xFF -> {
                    int r = (modrm >>> 3) & 7;
                    if (r == 2 || r == 3) flow = Flow.CALL_INDIRECT;
                    else if (r == 4 || r == 5) flow = Flow.JUMP_INDIRECT;
                    else if (r == 7) return invalid(address);
                }
                default -> {
                    if (opcode >= 0x70 && opcode <= 0x7F) {
                        flow = Flow.COND_JUMP;
                        target = next + imm;
                    }
                }
            }
        } else if (map == X86Instruction.MAP_0F && opcode >= 0x80 && opcode <= 0x8F) {
            flow = Flow.COND_JUMP;
            target = next + imm;
        }
        return new X86Instruction(address, length, flow, target, prefixes, rex, map, opcode, modrm, sib, disp, dispSize, imm, immSize);
    }

    private static int prefixBit(int b) {
        return switch (b) {
            case 0xF0 -> X86Instruction.PREFIX_LOCK;
            case 0xF2 -> X86Instruction.PREFIX_REPNE;
            case 0xF3 -> X86Instruction.PREFIX_REP;
            case 0x66 -> X86Instruction.PREFIX_OPSIZE;
            case 0x67 -> X86Instruction.PREFIX_ADDRSIZE;
            case 0x64 -> X86Instruction.PREFIX_FS;
            case 0x65 -> X86Instruction.PREFIX_GS;
            case 0x26, 0x2E, 0x36, 0x3E -> X86Instruction.PREFIX_OTHER_SEGMENT;
            default -> 0;
        };
    }

    private static X86Instruction invalid(long address) {
        return new X86Instruction(address, 1, Flow.INVALID, 0, 0, 0, 0, 0, -1, -1, 0, 0, 0, 0);
    }

    private static int u8(ByteBuffer code, long p) {
        return Byte.toUnsignedInt(code.get((int) p));
    }

    private static long s32(ByteBuffer code, long p) {
        return code.getInt((int) p);
    }
}
