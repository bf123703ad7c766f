package dev.gowarden.disasm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Classifies arm64 instruction words by control flow and decodes direct branch targets. */
public final class Arm64Decoder {
    public static final int COND_CC = 3;
    public static final int COND_LS = 9;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Arm64Decoder() {
    }

    /** Decodes the word at {@code offset} of {@code code}; the caller keeps {@code offset + 4 <= code.byteSize()}. */
    public static Arm64Instruction decode(MemorySegment code, long offset, long address) {
        if (offset < 0 || offset > code.byteSize() - Arm64Instruction.LENGTH) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside code of " + code.byteSize() + " bytes");
        }
        return decode(code.get(U32, offset), address);
    }

    public static Arm64Instruction decode(int w, long address) {
        if ((w & 0xFFFFFC1F) == 0xD65F0000) {
            return new Arm64Instruction(address, w, Flow.RET, 0);
        }
        if ((w & 0x7C000000) == 0x14000000) {
            // B (bit 31 = 0) and BL (bit 31 = 1): imm26 words.
            long target = address + ((long) (w << 6) >> 6) * 4;
            return new Arm64Instruction(address, w, w < 0 ? Flow.CALL : Flow.JUMP, target);
        }
        if ((w & 0xFF000010) == 0x54000000) {
            return new Arm64Instruction(address, w, Flow.COND_JUMP, address + imm19(w));
        }
        if ((w & 0x7E000000) == 0x34000000) {
            // CBZ / CBNZ
            return new Arm64Instruction(address, w, Flow.COND_JUMP, address + imm19(w));
        }
        if ((w & 0x7E000000) == 0x36000000) {
            // TBZ / TBNZ: imm14 at bits 5..18
            long target = address + ((long) (w << 13) >> 18) * 4;
            return new Arm64Instruction(address, w, Flow.COND_JUMP, target);
        }
        if ((w & 0xFFFFFC1F) == 0xD61F0000) {
            return new Arm64Instruction(address, w, Flow.JUMP_INDIRECT, 0);
        }
        if ((w & 0xFFFFFC1F) == 0xD63F0000) {
            return new Arm64Instruction(address, w, Flow.CALL_INDIRECT, 0);
        }
        if ((w & 0xFFFF0000) == 0 || (w & 0xFFE0001F) == 0xD4200000) {
            // UDF #imm16 (the zero word pads between functions) and BRK
            return new Arm64Instruction(address, w, Flow.TRAP, 0);
        }
        return new Arm64Instruction(address, w, Flow.NEXT, 0);
    }

    private static long imm19(int w) {
        return ((long) (w << 8) >> 13) * 4;
    }
}
