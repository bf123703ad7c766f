package dev.gowarden.disasm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-picked encodings; every expected length and target was read off GNU objdump (-b binary -m i386:x86-64). */
class X86DecoderTest {
    private static final long BASE = 0x401000;

    private static X86Instruction decode(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        return X86Decoder.decode(MemorySegment.ofArray(bytes), 0, BASE);
    }

    @ParameterizedTest(name = "{0} = {3}")
    @CsvSource({
            "c3, 1, RET, ret",
            "f3 c3, 2, RET, repz ret",
            "c2 08 00, 3, RET, ret $0x8",
            "cc, 1, TRAP, int3",
            "90, 1, NEXT, nop",
            "49 3b 66 10, 4, NEXT, cmp 0x10(%r14) %rsp",
            "4d 3b 66 10, 4, NEXT, cmp 0x10(%r14) %r12",
            "4c 8d a4 24 60 fe ff ff, 8, NEXT, lea -0x1a0(%rsp) %r12",
            "49 89 e4, 3, NEXT, mov %rsp %r12",
            "49 81 ec 48 86 01 00, 7, NEXT, sub $0x18648 %r12",
            "64 48 8b 0c 25 f8 ff ff ff, 9, NEXT, mov %fs:0xfffffffffffffff8 %rcx",
            "49 c7 c6 f8 ff ff ff, 7, NEXT, mov $-8 %r14",
            "64 4d 8b 36, 4, NEXT, mov %fs:(%r14) %r14",
            "48 8b 0d 10 20 30 00, 7, NEXT, mov 0x302010(%rip) %rcx",
            "48 b8 12 c2 a3 8d 23 d6 e2 53, 10, NEXT, movabs $imm64 %rax",
            "66 b8 34 12, 4, NEXT, mov $0x1234 %ax",
            "b8 78 56 34 12, 5, NEXT, mov $0x12345678 %eax",
            "48 a1 11 22 33 44 55 66 77 88, 10, NEXT, movabs moffs64 %rax",
            "67 a1 11 22 33 44, 6, NEXT, addr32 mov moffs32 %eax",
            "f6 c1 01, 3, NEXT, test $0x1 %cl",
            "f7 c1 78 56 34 12, 6, NEXT, test $imm32 %ecx",
            "66 f7 c1 34 12, 5, NEXT, test $imm16 %cx",
            "f6 d1, 2, NEXT, not %cl",
            "c8 10 00 01, 4, NEXT, enter $0x10 $0x1",
            "c5 fd 6f 0e, 4, NEXT, vmovdqa (%rsi) %ymm1",
            "c4 e2 7d 5a 0e, 5, NEXT, vbroadcasti128 (%rsi) %ymm1",
            "c4 e3 7d 38 c1 01, 6, NEXT, vinserti128 $0x1",
            "c5 f8 77, 3, NEXT, vzeroupper (no ModRM)",
            "c5 fc 77, 3, NEXT, vzeroall",
            "62 f1 fe 48 6f 0e, 6, NEXT, vmovdqu64 (%rsi) %zmm1",
            "62 f1 7d 48 ef 0c 24, 7, NEXT, vpxord (%rsp) %zmm0 %zmm1",
            "62 f1 fe 48 7f 44 24 01, 8, NEXT, vmovdqu64 %zmm0 0x40(%rsp) (compressed disp8)",
            "62 f3 7d 48 3a c1 01, 7, NEXT, vinserti32x8 $0x1",
            "66 0f 3a 0f c1 08, 6, NEXT, palignr $0x8",
            "66 0f 38 00 c1, 5, NEXT, pshufb",
            "f3 0f 1e fa, 4, NEXT, endbr64",
            "0f 1f 44 00 00, 5, NEXT, nopl 0x0(%rax %rax 1)",
            "66 0f 1f 84 00 00 00 00 00, 9, NEXT, nopw",
            "f3 48 0f b8 c0, 5, NEXT, popcnt",
            "0f c7 f8, 3, NEXT, rdseed",
            "f0 48 0f b1 0a, 5, NEXT, lock cmpxchg",
            "2e 0f 1f 84 00 00 00 00 00, 9, NEXT, cs nopl",
            "c4 e2 f8 f2 c1, 5, NEXT, andn",
            "c4 e3 fb f0 c0 05, 6, NEXT, rorx $0x5",
            "8f 04 24, 3, NEXT, pop (%rsp)",
            "ff 25 f0 ff ff ff, 6, JUMP_INDIRECT, jmp *-0x10(%rip)",
            "ff e0, 2, JUMP_INDIRECT, jmp *%rax",
            "ff d0, 2, CALL_INDIRECT, call *%rax",
            "ff 14 25 f0 00 00 00, 7, CALL_INDIRECT, call *0xf0",
            "48 40 c3, 3, RET, REX prefixes then ret",
    })
    void lengthAndFlow(String hex, int length, Flow flow, String objdump) {
        X86Instruction in = decode(hex);
        assertEquals(length, in.length(), objdump);
        assertEquals(flow, in.flow(), objdump);
    }

    @ParameterizedTest(name = "{0} -> +{2}")
    @CsvSource({
            "e9 fb ff ff ff, JUMP, 0",
            "eb fe, JUMP, 0",
            "74 05, COND_JUMP, 7",
            "0f 84 00 01 00 00, COND_JUMP, 262",
            "0f 86 9c 00 00 00, COND_JUMP, 162",
            "e8 fb ff ff ff, CALL, 0",
            "e3 fe, COND_JUMP, 0",
    })
    void relativeTargets(String hex, Flow flow, long offset) {
        X86Instruction in = decode(hex);
        assertEquals(flow, in.flow());
        assertEquals(BASE + offset, in.target());
    }

    @Test
    void operandsOfTheStackCheck() {
        X86Instruction cmp = decode("4d 3b 66 10");
        assertEquals(X86Instruction.R12, cmp.reg());
        assertEquals(X86Instruction.R14, cmp.base());
        assertEquals(16, cmp.disp());
        X86Instruction tls = decode("64 48 8b 0c 25 f8 ff ff ff");
        assertEquals(X86Instruction.PREFIX_FS, tls.prefixes());
        assertEquals(X86Instruction.RCX, tls.reg());
        assertEquals(X86Instruction.NONE, tls.base());
        assertEquals(-8, tls.disp());
        X86Instruction rip = decode("48 8b 0d 10 20 30 00");
        assertEquals(X86Instruction.RIP, rip.base());
        X86Instruction lea = decode("4c 8d a4 24 60 fe ff ff");
        assertEquals(X86Instruction.RSP, lea.base());
        assertEquals(X86Instruction.NONE, lea.index());
        assertEquals(-0x1a0, lea.disp());
    }

    @Test
    void cutOffInstructionsAreInvalidAndNothingBeyondTheSegmentIsRead() {
        // Each prefix of a long instruction must decode as INVALID without touching bytes past the slice.
        byte[] full = HexFormat.of().parseHex("62f1fe487f442401" + "48b812c2a38d23d6e253" + "0f8400010000");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(full.length);
            MemorySegment.copy(full, 0, mem, ValueLayout.JAVA_BYTE, 0, full.length);
            int[] starts = {0, 8, 18};
            int[] lengths = {8, 10, 6};
            for (int k = 0; k < starts.length; k++) {
                for (int cut = 1; cut < lengths[k]; cut++) {
                    MemorySegment piece = mem.asSlice(starts[k], cut);
                    X86Instruction in = X86Decoder.decode(piece, 0, BASE);
                    assertEquals(Flow.INVALID, in.flow(), "cut at " + cut);
                    assertEquals(1, in.length());
                }
                assertEquals(lengths[k], X86Decoder.decode(mem.asSlice(starts[k], lengths[k]), 0, BASE).length());
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> X86Decoder.decode(MemorySegment.ofArray(new byte[2]), 2, BASE));
    }

    @Test
    void moreThanFifteenBytesIsInvalid() {
        assertEquals(Flow.INVALID, decode("66".repeat(15) + "90").flow());
        assertEquals(15, decode("66".repeat(14) + "90").length());
    }

    @Test
    void invalidOpcodesIn64BitMode() {
        for (String hex : new String[]{"06", "27", "60", "9a", "d4", "ea"}) {
            assertEquals(Flow.INVALID, decode(hex + "00000000000000").flow(), hex);
        }
    }
}
