package dev.gowarden.golang;

import dev.gowarden.abi.Arch;
import dev.gowarden.disasm.Arm64Decoder;
import dev.gowarden.disasm.Arm64Instruction;
import dev.gowarden.disasm.Flow;
import dev.gowarden.disasm.GoCorpus;
import dev.gowarden.disasm.GoObjdump;
import dev.gowarden.disasm.StackCheck;
import dev.gowarden.disasm.X86Decoder;
import dev.gowarden.disasm.X86Instruction;
import dev.gowarden.elf.ElfFile;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probe points of the probepoints test program (Go 1.19, amd64 and arm64) against go tool objdump. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeAnalyzerTest {
    private Path amd64;
    private Path arm64;
    private GoObjdump amd64Dump;
    private GoObjdump arm64Dump;

    @BeforeAll
    void build() {
        amd64 = GoPrograms.build("probepoints", "amd64", List.of("GOARCH=amd64"));
        arm64 = GoPrograms.build("probepoints", "arm64", List.of("GOARCH=arm64"));
        amd64Dump = GoObjdump.of(amd64, false);
        arm64Dump = GoObjdump.of(arm64, true);
    }

    @Test
    void amd64SmallFrameBodyIsAfterJbe() {
        try (GoBinary bin = GoBinary.open(amd64)) {
            GoFunction f = bin.lookup("main.Small");
            ProbePoints p = CodeAnalyzer.analyze(bin, f);
            List<GoObjdump.Insn> insns = amd64Dump.byEntry().get(f.entry()).insns();
            assertTrue(insns.get(0).text().startsWith("CMPQ 0x10(R14), SP"), insns.get(0).text());
            assertTrue(insns.get(1).text().startsWith("JBE"), insns.get(1).text());
            assertEquals(insns.get(2).address(), p.body());
            assertEquals(f.entry() + 6, p.body());
            assertEquals(GoObjdump.returns(amd64Dump.byEntry().get(f.entry())), p.returns());
            assertEquals(1, p.returns().size());
            assertFalse(p.noReturn());
            StackCheck c = CodeAnalyzer.stackCheck(bin, f).orElseThrow();
            assertEquals(StackCheck.Shape.SMALL, c.shape());
            assertEquals(StackCheck.GSource.REGISTER, c.gSource());
            assertEquals(List.of(), c.clobbered());
        }
    }

    @Test
    void amd64LargeAndHugeFramesUseOnlyR12() {
        try (GoBinary bin = GoBinary.open(amd64)) {
            GoFunction large = bin.lookup("main.Large");
            StackCheck l = CodeAnalyzer.stackCheck(bin, large).orElseThrow();
            assertEquals(StackCheck.Shape.LARGE, l.shape());
            assertEquals(List.of("R12"), l.clobbered());
            List<GoObjdump.Insn> li = amd64Dump.byEntry().get(large.entry()).insns();
            assertTrue(li.get(0).text().startsWith("LEAQ") && li.get(0).text().endsWith("R12"), li.get(0).text());
            assertTrue(li.get(2).text().startsWith("JBE"), li.get(2).text());
            assertEquals(li.get(3).address(), CodeAnalyzer.analyze(bin, large).body());

            GoFunction huge = bin.lookup("main.Huge");
            StackCheck h = CodeAnalyzer.stackCheck(bin, huge).orElseThrow();
            assertEquals(StackCheck.Shape.HUGE, h.shape());
            assertEquals(List.of("R12"), h.clobbered());
            List<GoObjdump.Insn> hi = amd64Dump.byEntry().get(huge.entry()).insns();
            assertEquals("MOVQ SP, R12", hi.get(0).text());
            assertTrue(hi.get(2).text().startsWith("JB "), hi.get(2).text());
            assertTrue(hi.get(4).text().startsWith("JBE"), hi.get(4).text());
            assertEquals(hi.get(5).address(), CodeAnalyzer.analyze(bin, huge).body());
        }
    }

    @Test
    void arm64ShapesClobberOnlyScratchRegisters() {
        try (GoBinary bin = GoBinary.open(arm64)) {
            assertEquals("arm64", bin.architecture());
            StackCheck s = CodeAnalyzer.stackCheck(bin, bin.lookup("main.Small")).orElseThrow();
            assertEquals(StackCheck.Shape.SMALL, s.shape());
            assertEquals(List.of("R16"), s.clobbered());
            assertEquals(bin.lookup("main.Small").entry() + 12, s.body());
            StackCheck l = CodeAnalyzer.stackCheck(bin, bin.lookup("main.Large")).orElseThrow();
            assertEquals(StackCheck.Shape.LARGE, l.shape());
            assertEquals(List.of("R16", "R17"), l.clobbered());
            assertEquals(bin.lookup("main.Large").entry() + 16, l.body());
            StackCheck h = CodeAnalyzer.stackCheck(bin, bin.lookup("main.Huge")).orElseThrow();
            assertEquals(StackCheck.Shape.HUGE, h.shape());
            assertEquals(Set.of("R16", "R17", "R27"), Set.copyOf(h.clobbered()));
            List<GoObjdump.Insn> hi = arm64Dump.byEntry().get(bin.lookup("main.Huge").entry()).insns();
            assertTrue(hi.get(4).text().startsWith("BCC"), hi.get(4).text());
            assertTrue(hi.get(6).text().startsWith("BLS"), hi.get(6).text());
            assertEquals(hi.get(7).address(), h.body());
        }
    }

    @Test
    void nosplitLeavesHaveBodyAtEntry() {
        for (Path p : List.of(amd64, arm64)) {
            try (GoBinary bin = GoBinary.open(p)) {
                for (String name : List.of("main.NosplitLeaf", "main.Leaf", "main.(*Inner).Get", "main.sum")) {
                    GoFunction f = bin.lookup(name);
                    ProbePoints pp = CodeAnalyzer.analyze(bin, f);
                    assertEquals(f.entry(), pp.body(), name + " in " + p);
                    assertTrue(CodeAnalyzer.stackCheck(bin, f).isEmpty(), name);
                    assertEquals(1, pp.returns().size(), name);
                }
            }
        }
    }

    @Test
    void severalReturnsAndNone() {
        for (Path p : List.of(amd64, arm64)) {
            GoObjdump dump = p == amd64 ? amd64Dump : arm64Dump;
            try (GoBinary bin = GoBinary.open(p)) {
                GoFunction many = bin.lookup("main.ManyReturns");
                ProbePoints m = CodeAnalyzer.analyze(bin, many);
                assertEquals(6, m.returns().size(), p.toString());
                assertEquals(GoObjdump.returns(dump.byEntry().get(many.entry())), m.returns());
                for (long r : m.returns()) {
                    assertTrue(r > m.body() && r < many.end());
                }
                // panic-only, infinite loop, tail-jumping wrapper: no RET at all
                for (String name : List.of("main.PanicOnly", "main.Forever", "main.(*Outer).Get")) {
                    ProbePoints pp = CodeAnalyzer.analyze(bin, bin.lookup(name));
                    assertTrue(pp.noReturn(), name);
                    assertEquals(List.of(), pp.returns(), name);
                }
                GoFunction wrapper = bin.lookup("main.(*Outer).Get");
                List<GoObjdump.Insn> wi = dump.byEntry().get(wrapper.entry()).insns();
                assertTrue(wi.stream().anyMatch(i -> i.text().equals("JMP main.(*Inner).Get(SB)")), wi.toString());
                // the promoted-method wrapper with a frame does return, and checks the stack
                ProbePoints outer = CodeAnalyzer.analyze(bin, bin.lookup("main.Outer.Get"));
                assertNotEquals(outer.entry(), outer.body());
                assertEquals(1, outer.returns().size());
            }
        }
    }

    /** Every function of both programs (runtime, assembly, wrappers included) agrees with go tool objdump. */
    @Test
    void everyFunctionMatchesGoToolObjdump() {
        for (Path p : List.of(amd64, arm64)) {
            GoObjdump dump = p == amd64 ? amd64Dump : arm64Dump;
            Arch arch = p == amd64 ? Arch.AMD64 : Arch.ARM64;
            try (GoBinary bin = GoBinary.open(p)) {
                int compared = 0;
                int withBody = 0;
                int tls = 0;
                List<String> mismatches = new ArrayList<>();
                for (GoFunction f : bin.functions()) {
                    GoObjdump.Func d = dump.byEntry().get(f.entry());
                    if (d == null) continue;
                    compared++;
                    ProbePoints pp = CodeAnalyzer.analyze(bin, f);
                    long expected = dump.expectedBody(d);
                    if (pp.body() != expected) {
                        mismatches.add(String.format("%s: body 0x%x, objdump says 0x%x", f.name(), pp.body(), expected));
                    }
                    if (!pp.returns().equals(GoObjdump.returns(d))) {
                        mismatches.add(f.name() + ": returns " + pp.returns() + ", objdump says " + GoObjdump.returns(d));
                    }
                    if (pp.body() != pp.entry()) {
                        withBody++;
                        StackCheck c = CodeAnalyzer.stackCheck(bin, f).orElseThrow();
                        Set<String> forbidden = new HashSet<>(arch.intRegisters());
                        forbidden.add(arch == Arch.AMD64 ? "RDX" : "R26"); // closure context
                        forbidden.add(arch == Arch.AMD64 ? "RSP" : "R30");  // stack pointer / link register
                        forbidden.add(arch.goroutineRegister());
                        if (f.assembly() && arch == Arch.AMD64) {
                            // ABI0: arguments are on the stack, so the prologue may load g from TLS into any
                            // register (Go 1.19: MOVQ $-8, R14; MOVQ FS:(R14), R14), but not the closure context
                            assertEquals(StackCheck.GSource.TLS, c.gSource(), f.name());
                            assertFalse(c.clobbered().contains("RDX") || c.clobbered().contains("RSP"), f.name() + " " + c);
                            tls++;
                            continue;
                        }
                        for (String r : c.clobbered()) {
                            assertFalse(forbidden.contains(r), f.name() + " prologue writes argument/special register " + r + ": " + c);
                        }
                        Set<String> scratch = arch == Arch.AMD64 ? Set.of("R12") : Set.of("R16", "R17", "R27");
                        assertTrue(scratch.containsAll(c.clobbered()), f.name() + ": " + c);
                    }
                }
                assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches in " + p + ":\n" + String.join("\n", mismatches));
                assertTrue(compared > 1000, "only " + compared + " functions compared in " + p);
                assertTrue(withBody > compared / 2, withBody + " of " + compared + " with a stack check in " + p);
                if (arch == Arch.AMD64) {
                    assertTrue(tls > 0, "no ABI0 assembly function with a TLS prologue found");
                }
            }
        }
    }

    /** Go 1.24 + cgo (docker) and Go 1.23 stripped (terraform, ~100k functions): total, cheap, and a body for most. */
    @ParameterizedTest
    @CsvSource({"/usr/local/bin/docker, 30000", "/usr/local/bin/terraform, 100000"})
    void realBinariesNeverThrow(String path, int minFunctions) {
        try (GoBinary bin = GoBinary.open(Path.of(path))) {
            List<GoFunction> all = bin.functions();
            assertTrue(all.size() >= minFunctions, all.size() + " functions");
            int bodies = 0;
            int noReturn = 0;
            long returns = 0;
            for (GoFunction f : all) {
                ProbePoints p = CodeAnalyzer.analyze(bin, f); // must not throw
                if (p.body() != p.entry()) bodies++;
                if (p.noReturn()) noReturn++;
                returns += p.returns().size();
                assertTrue(p.body() >= f.entry() && p.body() < Math.max(f.end(), f.entry() + 1), f.name());
            }
            // a second pass measures steady-state cost, without class loading and JIT warm-up
            long t0 = System.nanoTime();
            for (GoFunction f : all) CodeAnalyzer.analyze(bin, f);
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf("%s: %d functions, %d with a body (%.1f%%), %d without RET, %d RETs; analyze() of all: %.0f ms (%.1f us each)%n",
                    path, all.size(), bodies, 100.0 * bodies / all.size(), noReturn, returns, ms, ms * 1000 / all.size());
            assertTrue(bodies > all.size() * 7L / 10, bodies + " bodies of " + all.size());
            assertTrue(ms < 5000, "analyze() of all functions took " + ms + " ms");
        }
    }

    /** crypto/internal/boring/sig.StandardCrypto jumps over a magic byte string to its RET: no probe in the data. */
    @Test
    void dataInCodeIsNotSweptIntoProbes() {
        try (GoBinary bin = GoBinary.open(Path.of("/usr/local/bin/docker"))) {
            GoFunction f = bin.lookup("crypto/internal/boring/sig.StandardCrypto");
            MemorySegment code = bin.elf().sliceAtAddress(f.entry(), f.size(), f.name());
            X86Instruction jmp = X86Decoder.decode(code, 0, f.entry());
            assertEquals(Flow.JUMP, jmp.flow());
            ProbePoints p = CodeAnalyzer.analyze(bin, f);
            assertEquals(List.of(jmp.target()), p.returns());
            assertEquals(0xC3, Byte.toUnsignedInt(code.get(java.lang.foreign.ValueLayout.JAVA_BYTE, jmp.target() - f.entry())));
        }
    }

    /**
     * ABI0 code of Go before the register ABI (amd64 < 1.17, arm64 < 1.18): g comes from TLS on amd64 and scratch
     * registers are RCX/RAX or R1/R2, which hold no arguments there. A body is found exactly for the functions that
     * call runtime.morestack* (found with the decoders alone, which the objdump tests check).
     */
    @ParameterizedTest
    @CsvSource({
            "fetch-go-corpus.sh, esbuild-linux-64-0.5.26, go1.14.2, RCX;RAX",
            "fetch-go-corpus.sh, esbuild-linux-64-0.11.23, go1.16.3, RCX;RAX",
            "fetch-go-corpus.sh, esbuild-linux-arm64-0.8.46, go1.15.7, R1;R2",
            "fetch-go-corpus.sh, esbuild-linux-arm64-0.13.15, go1.17.2, R1;R2",
    })
    void oldGoAbi0Prologues(String script, String label, String goVersion, String mainClobbers) {
        Path path = GoCorpus.get(script, label);
        assertTrue(GoPrograms.run("go", "version", path.toString()).strip().endsWith(goVersion), "expected " + goVersion);
        try (GoBinary bin = GoBinary.open(path)) {
            boolean arm = bin.elf().machine() == ElfFile.EM_AARCH64;
            Set<Long> morestack = new HashSet<>();
            for (String n : List.of("runtime.morestack", "runtime.morestack_noctxt", "runtime.morestackc")) {
                for (GoFunction f : bin.lookupAll(n)) morestack.add(f.entry());
            }
            assertEquals(3, morestack.size(), "runtime.morestack* entries");
            StackCheck mainCheck = CodeAnalyzer.stackCheck(bin, bin.lookup("main.main")).orElseThrow();
            assertEquals(List.of(mainClobbers.split(";")), mainCheck.clobbered());
            assertEquals(arm ? StackCheck.GSource.REGISTER : StackCheck.GSource.TLS, mainCheck.gSource());
            int bodies = 0;
            List<String> wrong = new ArrayList<>();
            for (GoFunction f : bin.functions()) {
                if (morestack.contains(f.entry())) continue;
                ProbePoints p = CodeAnalyzer.analyze(bin, f);
                boolean calls = callsAny(bin, f, morestack, arm);
                if (calls != (p.body() != p.entry())) wrong.add(f.name() + (calls ? " calls morestack but has no body" : " has a body without morestack call"));
                if (p.body() == p.entry()) continue;
                bodies++;
                StackCheck c = CodeAnalyzer.stackCheck(bin, f).orElseThrow();
                for (String r : c.clobbered()) {
                    // closure context, stack pointer, frame pointer, g (arm64), link register
                    assertFalse(Set.of("RDX", "RSP", "RBP", "R26", "R28", "R29", "R30").contains(r), f.name() + ": " + c);
                }
                if (!arm) assertEquals(StackCheck.GSource.TLS, c.gSource(), f.name());
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " disagreements:\n" + String.join("\n", wrong.subList(0, Math.min(30, wrong.size()))));
            assertTrue(bodies > bin.functions().size() / 2, bodies + " bodies");
        }
    }

    private static boolean callsAny(GoBinary bin, GoFunction f, Set<Long> targets, boolean arm) {
        MemorySegment code = bin.elf().sliceAtAddress(f.entry(), f.size(), f.name());
        if (arm) {
            for (long off = 0; off + 4 <= code.byteSize(); off += 4) {
                Arm64Instruction in = Arm64Decoder.decode(code, off, f.entry() + off);
                if (in.flow() == Flow.CALL && targets.contains(in.target())) return true;
            }
            return false;
        }
        for (long off = 0; off < code.byteSize(); ) {
            X86Instruction in = X86Decoder.decode(code, off, f.entry() + off);
            if (in.flow() == Flow.CALL && targets.contains(in.target())) return true;
            off += in.length();
        }
        return false;
    }
}
