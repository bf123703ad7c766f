package dev.gowarden.disasm;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.golang.CodeAnalyzer;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.golang.ProbePoints;
import dev.gowarden.elf.Section;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decodes the whole {@code .text} of real amd64 binaries at every address where GNU objdump puts an instruction, and
 * checks length, control flow and branch target against objdump's listing. Covers Go 1.19 (test program, with
 * the runtime's AVX2/AVX-512 memmove, memclr and bytealg code), Go 1.23 (terraform) and Go 1.24 + cgo C code (docker).
 */
class X86ObjdumpAgreementTest {
    /** Mnemonic prefixes objdump prints in front of the instruction proper. */
    private static final Set<String> PREFIX_WORDS = Set.of("rep", "repz", "repnz", "repe", "repne", "lock", "bnd", "notrack",
            "data16", "addr32", "cs", "ds", "ss", "es", "fs", "gs", "{vex}", "{vex3}", "{evex}", "xacquire", "xrelease");

    /** objdump's own "(bad)": data embedded in code (crypto/internal/boring/sig), whose resync point is arbitrary. */
    private static final int DATA_SLACK = 32;
    private static final int MAX_DATA_REGIONS = 3;

    record Report(long instructions, long ret, long branches, long avx, long dataRegions, long functions, long bodies,
                  List<String> mismatches) {
    }

    /** One objdump line, reduced to what the probe-point oracle needs. */
    private record Line(long address, long next, String mnemonic, long target) {
    }

    /**
     * Checks {@link CodeAnalyzer#analyze} for one function against objdump's listing of it: the RETs, and the body
     * = after the last early conditional branch into the straight-line block that calls runtime.morestack*.
     */
    private static final class FunctionOracle {
        private final GoFunction f;
        private final List<Line> lines = new ArrayList<>();

        FunctionOracle(GoFunction f) {
            this.f = f;
        }

        void add(Line l) {
            lines.add(l);
        }

        /** Null when analyze() agrees, else the difference. */
        String check(ProbePoints p, Set<Long> morestack, Set<Long> dataFunctions) {
            long call = -1;
            for (Line l : lines) {
                if (l.mnemonic().equals("call") && morestack.contains(l.target())) {
                    call = l.address();
                    break;
                }
            }
            long body = f.entry();
            if (call >= 0) {
                for (int k = 0; k < Math.min(12, lines.size()); k++) {
                    Line l = lines.get(k);
                    if (!l.mnemonic().startsWith("j") || l.mnemonic().equals("jmp")) continue;
                    if (l.target() <= l.address() || l.target() > call) continue;
                    boolean straight = true;
                    for (Line m : lines) {
                        if (m.address() >= l.target() && m.address() < call && (m.mnemonic().startsWith("j")
                                || m.mnemonic().equals("call") || m.mnemonic().equals("ret"))) {
                            straight = false;
                        }
                    }
                    if (straight) body = l.next();
                }
            }
            if (p.body() != body) {
                return String.format("%s: body 0x%x, objdump says 0x%x", f.name(), p.body(), body);
            }
            if (!dataFunctions.contains(f.entry())) {
                List<Long> rets = new ArrayList<>();
                for (Line l : lines) {
                    if (l.mnemonic().equals("ret")) rets.add(l.address());
                }
                if (!rets.equals(p.returns())) {
                    return f.name() + ": returns " + p.returns() + ", objdump says " + rets;
                }
            }
            return null;
        }
    }

    @Test
    void goTestProgramAgreesWithObjdump() {
        Path bin = GoPrograms.build("probepoints", "amd64", List.of("GOARCH=amd64"));
        Report r = compare(bin);
        assertTrue(r.instructions() > 100_000, r.toString());
        assertTrue(r.avx() > 50, "expected the runtime's VEX/EVEX code in the sample: " + r);
    }

    @Test
    void terraformAgreesWithObjdump() {
        Report r = compare(Path.of("/usr/local/bin/terraform"));
        assertTrue(r.instructions() > 5_000_000, r.toString());
    }

    @Test
    void dockerAgreesWithObjdump() {
        Report r = compare(Path.of("/usr/local/bin/docker"));
        assertTrue(r.instructions() > 2_000_000, r.toString());
    }

    /** Go 1.14 – 1.17 and 1.23 (esbuild from npm): the ABI0 prologue (g from TLS into RCX) and the first register-ABI release. */
    @ParameterizedTest
    @ValueSource(strings = {"esbuild-linux-64-0.5.26", "esbuild-linux-64-0.7.22", "esbuild-linux-64-0.11.23",
            "esbuild-linux-64-0.12.29", "esbuild-linux-x64-0.24.0"})
    void olderGoReleasesAgreeWithObjdump(String label) {
        Report r = compare(GoCorpus.get("fetch-go-corpus.sh", label));
        assertTrue(r.instructions() > 500_000, r.toString());
        assertTrue(r.bodies() > r.functions() / 2, r.toString());
    }

    private static Report compare(Path binary) {
        try (ElfFile elf = ElfFile.open(binary); GoBinary bin = GoBinary.open(binary)) {
            assertEquals(ElfFile.EM_X86_64, elf.machine(), binary.toString());
            Section text = elf.section(".text").orElseThrow(() -> new AssertionError(binary + " has no .text"));
            MemorySegment code = elf.slice(text.offset(), text.size(), ".text");
            long base = text.addr();
            List<String> cmd = List.of("objdump", "-d", "-z", "--no-show-raw-insn", "-j", ".text", binary.toString());
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long count = 0;
            long rets = 0;
            long branches = 0;
            long avx = 0;
            List<String> mismatches = new ArrayList<>();
            long prevAddr = -1;
            int prevLen = 0;
            long dataRegions = 0;
            long tolerateUntil = -1;
            List<GoFunction> funcs = new ArrayList<>(bin.functions());
            funcs.sort(Comparator.comparingLong(GoFunction::entry));
            Set<Long> morestack = new HashSet<>();
            for (String n : List.of("runtime.morestack", "runtime.morestack_noctxt", "runtime.morestackc")) {
                for (GoFunction f : bin.lookupAll(n)) morestack.add(f.entry());
            }
            assertTrue(morestack.size() >= 3, "runtime.morestack* not found in " + binary);
            Set<Long> dataFunctions = new HashSet<>();
            int fi = 0;
            FunctionOracle current = null;
            long functions = 0;
            long bodies = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8), 1 << 20)) {
                String line;
                while ((line = r.readLine()) != null) {
                    int colon = line.indexOf(":\t");
                    if (colon < 0 || line.isEmpty() || line.charAt(0) != ' ') {
                        if (line.endsWith(">:")) prevAddr = -1; // a symbol: objdump restarts decoding there
                        continue;
                    }
                    long addr = Long.parseUnsignedLong(line.substring(0, colon).strip(), 16);
                    String asm = line.substring(colon + 2).strip();
                    if (current != null && addr >= current.f.end()) {
                        ProbePoints pp = CodeAnalyzer.analyze(bin, current.f);
                        String why = current.check(pp, morestack, dataFunctions);
                        if (why != null) mismatches.add(why);
                        functions++;
                        if (pp.body() != pp.entry()) bodies++;
                        current = null;
                    }
                    if (current == null) {
                        while (fi < funcs.size() && funcs.get(fi).end() <= addr) fi++;
                        if (fi < funcs.size() && addr >= funcs.get(fi).entry()) current = new FunctionOracle(funcs.get(fi++));
                    }
                    if (asm.equals("(bad)")) {
                        if (current != null) dataFunctions.add(current.f.entry());
                        dataRegions++;
                        tolerateUntil = current != null ? Math.min(addr + DATA_SLACK, current.f.end()) : addr + DATA_SLACK;
                    }
                    if (addr < tolerateUntil) {
                        prevAddr = -1;
                        continue;
                    }
                    if (prevAddr >= 0 && addr - prevAddr != prevLen) {
                        mismatches.add(String.format("0x%x: our length %d, objdump's next instruction at +%d (%s)",
                                prevAddr, prevLen, addr - prevAddr, bytes(code, prevAddr - base)));
                    }
                    X86Instruction in = X86Decoder.decode(code, addr - base, addr);
                    count++;
                    if ((in.map() & (X86Instruction.MAP_VEX | X86Instruction.MAP_EVEX)) != 0) avx++;
                    String[] w = words(asm);
                    if (current != null) current.add(new Line(addr, in.next(), w[0], in.target()));
                    String why = checkFlow(in, w);
                    if (why != null) {
                        mismatches.add(String.format("0x%x %s: %s (%s)", addr, asm, why, bytes(code, addr - base)));
                    }
                    if (in.flow() == Flow.RET) rets++;
                    if (in.flow().hasTarget()) branches++;
                    prevAddr = addr;
                    prevLen = in.length();
                    if (mismatches.size() > 50) break;
                }
            }
            if (current != null) {
                String why = current.check(CodeAnalyzer.analyze(bin, current.f), morestack, dataFunctions);
                if (why != null) mismatches.add(why);
                functions++;
            }
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
            Report rep = new Report(count, rets, branches, avx, dataRegions, functions, bodies, mismatches);
            System.out.printf("%s: %d instructions (%d RET, %d direct branches/calls, %d VEX/EVEX) compared with objdump, "
                    + "%d mismatches, %d data regions skipped; %d functions' probe points checked, %d with a body%n",
                    binary, count, rets, branches, avx, mismatches.size(), dataRegions, functions, bodies);
            assertTrue(functions > funcs.size() * 9L / 10, functions + " of " + funcs.size() + " functions checked");
            assertTrue(dataRegions <= MAX_DATA_REGIONS, rep.toString());
            assertTrue(mismatches.isEmpty(), binary + ": " + mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
            assertTrue(rets > 0 && branches > 0, rep.toString());
            return rep;
        } catch (IOException e) {
            throw new AssertionError("cannot run objdump (apt-get install binutils): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Mnemonic (prefix words dropped, retq spelled ret) and first operand, without regular expressions: millions of lines. */
    private static String[] words(String asm) {
        int i = 0;
        int n = asm.length();
        while (true) {
            int sp = asm.indexOf(' ', i);
            String w = sp < 0 ? asm.substring(i) : asm.substring(i, sp);
            int j = sp < 0 ? n : sp;
            while (j < n && asm.charAt(j) == ' ') j++;
            if (j < n && (PREFIX_WORDS.contains(w) || w.startsWith("rex"))) {
                i = j;
                continue;
            }
            int end = asm.indexOf(' ', j);
            String operand = j >= n ? "" : end < 0 ? asm.substring(j) : asm.substring(j, end);
            if (w.equals("retq") || w.equals("retw")) w = "ret";
            return new String[]{w, operand};
        }
    }

    /** Null when our flow/target matches objdump's mnemonic and operand, else the reason. */
    private static String checkFlow(X86Instruction in, String[] words) {
        String mn = words[0];
        String operand = words[1];
        Flow expected;
        if (mn.equals("(bad)")) expected = Flow.INVALID;
        else if (mn.equals("ret")) expected = Flow.RET;
        else if (mn.equals("int3")) expected = Flow.TRAP;
        else if (mn.startsWith("lret") || mn.startsWith("iret") || mn.equals("ljmp")) expected = Flow.JUMP_INDIRECT;
        else if (mn.equals("jmp") || mn.equals("jmpq")) expected = operand.startsWith("*") ? Flow.JUMP_INDIRECT : Flow.JUMP;
        else if (mn.equals("call") || mn.equals("callq")) expected = operand.startsWith("*") ? Flow.CALL_INDIRECT : Flow.CALL;
        else if (mn.startsWith("j") || mn.startsWith("loop")) expected = Flow.COND_JUMP;
        else expected = Flow.NEXT;
        if (in.flow() != expected) {
            return "our flow " + in.flow() + ", objdump's " + expected;
        }
        if (expected.hasTarget()) {
            long target = Long.parseUnsignedLong(operand.startsWith("0x") ? operand.substring(2) : operand, 16);
            if (target != in.target()) {
                return String.format("our target 0x%x", in.target());
            }
        }
        return null;
    }

    private static String bytes(MemorySegment code, long off) {
        long n = Math.min(15, code.byteSize() - off);
        return HexFormat.ofDelimiter(" ").formatHex(code.asSlice(off, n).toArray(ValueLayout.JAVA_BYTE));
    }
}
