package dev.gowarden.abi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Table-driven checks of the layout engine against the assignments observed in Go 1.19 disassembly and DWARF
 * (shared/notes/go-binaries.md §5.3 and §6).
 */
class AbiLayoutsTest {
    /** Renders a layout as "RAX | RBX,RCX | 8(SP)" per value. */
    private static String render(List<ValueLayout> values) {
        return values.stream().map(v -> v.pieces().stream().map(p -> switch (p.location()) {
            case Location.IntRegister r -> r.name();
            case Location.FloatRegister f -> f.name();
            case Location.Stack s -> s.offset() + "(SP)";
        }).collect(Collectors.joining(","))).collect(Collectors.joining(" | "));
    }

    private static FrameLayout internal(String sig, Arch arch) {
        return AbiLayouts.layout(SignatureParser.parse(sig), arch, FrameLayout.Abi.ABI_INTERNAL);
    }

    @Test
    void f1MixedKinds() {
        String sig = "main.F1(a int, s string, b []byte, f float64, e error, p *T) int";
        FrameLayout amd = internal(sig, Arch.AMD64);
        assertEquals("RAX | RBX,RCX | RDI,RSI,R8 | X0 | R9,R10 | R11", render(amd.args()));
        assertEquals("RAX", render(amd.results()));
        FrameLayout arm = internal(sig, Arch.ARM64);
        assertEquals("R0 | R1,R2 | R3,R4,R5 | F0 | R6,R7 | R8", render(arm.args()));
    }

    @Test
    void f2StructSplitsAcrossIntAndFloatSequences() {
        FrameLayout l = internal("main.F2(p struct{A int32; B float64; C string}, x int) (int, string)", Arch.AMD64);
        assertEquals("RAX,X0,RBX,RCX | RDI", render(l.args()));
        assertEquals("RAX | RBX,RCX", render(l.results()));
        assertEquals(4, l.args().getFirst().pieces().getFirst().size());
    }

    @Test
    void f3TenthIntGoesToStack() {
        FrameLayout l = internal("main.F3(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 int)", Arch.AMD64);
        assertEquals("RAX | RBX | RCX | RDI | RSI | R8 | R9 | R10 | R11 | 8(SP)", render(l.args()));
        assertEquals("R0 | R1 | R2 | R3 | R4 | R5 | R6 | R7 | R8 | R9", render(internal("main.F3(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 int)", Arch.ARM64).args()));
    }

    @Test
    void f4StringThatDoesNotFitGoesWholeToStackAndLaterArgsStillGetRegisters() {
        FrameLayout l = internal("main.F4(a1, a2, a3, a4, a5, a6, a7, a8 int, s string, z int)", Arch.AMD64);
        assertEquals("RAX | RBX | RCX | RDI | RSI | R8 | R9 | R10 | 8(SP),16(SP) | R11", render(l.args()));
        FrameLayout arm = internal("main.F4(a1, a2, a3, a4, a5, a6, a7, a8 int, s string, z int)", Arch.ARM64);
        assertEquals("R0 | R1 | R2 | R3 | R4 | R5 | R6 | R7 | R8,R9 | R10", render(arm.args()));
    }

    @Test
    void f5ArraysComplexAndInterfaces() {
        FrameLayout l = internal("main.F5(w struct{A [2]int; B int}, b bool, u uint8, c complex128, x interface{})", Arch.AMD64);
        assertEquals("8(SP),16(SP),24(SP) | RAX | RBX | X0,X1 | RCX,RDI", render(l.args()));
    }

    @Test
    void f6LargeStructOnStack() {
        FrameLayout l = internal("main.F6(a int, b struct{A, B, C, D, E, F, G, H, I, J int}, c int)", Arch.AMD64);
        assertEquals("RAX | 8(SP),16(SP),24(SP),32(SP),40(SP),48(SP),56(SP),64(SP),72(SP),80(SP) | RBX", render(l.args()));
    }

    @Test
    void f7ZeroAndOneLengthArrays() {
        String sig = "main.F7(m struct{X float32; Y int16; Z [1]uint64; W [0]int; V complex64}, p *int)";
        assertEquals("X0,RAX,RBX,X1,X2 | RCX", render(internal(sig, Arch.AMD64).args()));
        assertEquals("F0,R0,R1,F1,F2 | R2", render(internal(sig, Arch.ARM64).args()));
    }

    @Test
    void f8SixteenthFloatToStack() {
        String sig = "main.F8(f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16 float64, i int)";
        FrameLayout l = internal(sig, Arch.AMD64);
        assertEquals("X14", render(l.args().subList(14, 15)));
        assertEquals("8(SP) | RAX", render(l.args().subList(15, 17)));
        assertEquals("F15 | R0", render(internal(sig, Arch.ARM64).args().subList(15, 17)));
    }

    @Test
    void f9SubWordKinds() {
        FrameLayout l = internal("main.F9(a bool, b int8, c int16, d int32, e uint64, f float32, m map[int]int, ch chan int, fn func())", Arch.AMD64);
        assertEquals("RAX | RBX | RCX | RDI | RSI | X0 | R8 | R9 | R10", render(l.args()));
        assertEquals(List.of(1, 1, 2, 4, 8), l.args().subList(0, 5).stream().map(v -> v.pieces().getFirst().size()).toList());
    }

    @Test
    void methodsResultsAndGenerics() {
        FrameLayout m = internal("main.(*T).Method(a int, s string) string", Arch.AMD64);
        assertEquals("RAX | RBX | RCX,RDI", render(m.args()));
        assertEquals("RAX,RBX", render(m.results()));
        FrameLayout r = internal("main.Results() (int, string, float64, error)", Arch.AMD64);
        assertEquals("RAX | RBX,RCX | X0 | RDI,RSI", render(r.results()));
        FrameLayout g = internal("main.Map[...](m map[string]int, k string) int", Arch.AMD64);
        assertEquals("RAX", g.dictionaryRegister());
        assertEquals("RBX | RCX,RDI", render(g.args()));
        assertNull(m.dictionaryRegister());
    }

    @Test
    void abi0StackLayoutMatchesAsmdecl() {
        FrameLayout a = AbiLayouts.layout(SignatureParser.parse(
                "main.asmF(a int, s string, b []byte, f float64, e error, p *T) (r1 int, r2 string)"), Arch.AMD64, FrameLayout.Abi.ABI0);
        // FP offsets a 0, s 8/16, b 24/32/40, f 48, e 56/64, p 72, r1 80, r2 88/96; +8 for entry SP
        assertEquals("8(SP) | 16(SP),24(SP) | 32(SP),40(SP),48(SP) | 56(SP) | 64(SP),72(SP) | 80(SP)", render(a.args()));
        assertEquals("88(SP) | 96(SP),104(SP)", render(a.results()));
        FrameLayout align = AbiLayouts.layout(SignatureParser.parse(
                "main.asmAlign(a int8, b int64, c int8, d int16, e int32, f bool) (x int8, y int64)"), Arch.AMD64, FrameLayout.Abi.ABI0);
        assertEquals("8(SP) | 16(SP) | 24(SP) | 26(SP) | 28(SP) | 32(SP)", render(align.args()));
        assertEquals("40(SP) | 48(SP)", render(align.results()));
        FrameLayout small = AbiLayouts.layout(SignatureParser.parse("main.asmSmall(a, b int8) (r bool)"), Arch.AMD64, FrameLayout.Abi.ABI0);
        assertEquals("16(SP)", render(small.results()));
    }

    @Test
    void abiChoiceFollowsGoVersionAndAssembly() {
        assertEquals(FrameLayout.Abi.ABI0, AbiLayouts.abiFor(Arch.AMD64, 1, 16, false));
        assertEquals(FrameLayout.Abi.ABI_INTERNAL, AbiLayouts.abiFor(Arch.AMD64, 1, 17, false));
        assertEquals(FrameLayout.Abi.ABI0, AbiLayouts.abiFor(Arch.ARM64, 1, 17, false));
        assertEquals(FrameLayout.Abi.ABI_INTERNAL, AbiLayouts.abiFor(Arch.ARM64, 1, 18, false));
        assertEquals(FrameLayout.Abi.ABI0, AbiLayouts.abiFor(Arch.AMD64, 1, 23, true));
    }
}
