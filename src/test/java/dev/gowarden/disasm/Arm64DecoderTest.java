package dev.gowarden.disasm;

import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Arm64DecoderTest {
    private static final Pattern SYMBOL = Pattern.compile("^(?:JMP|CALL) (.+)\\(SB\\)$");

    @Test
    void encodings() {
        assertEquals(Flow.RET, Arm64Decoder.decode(0xd65f03c0, 0x1000).flow());
        assertEquals(Flow.RET, Arm64Decoder.decode(0xd65f0000 | (3 << 5), 0x1000).flow()); // RET X3
        Arm64Instruction b = Arm64Decoder.decode(0x17ffffe2, 0x8f7a8); // JMP main.Small at 0x8f730
        assertEquals(Flow.JUMP, b.flow());
        assertEquals(0x8f730, b.target());
        Arm64Instruction bls = Arm64Decoder.decode(0x540002c9, 0x8f738); // BLS 22(PC)
        assertEquals(Flow.COND_JUMP, bls.flow());
        assertEquals(Arm64Decoder.COND_LS, bls.condition());
        assertEquals(0x8f738 + 22 * 4, bls.target());
        Arm64Instruction call = Arm64Decoder.decode(0x97fe25ab, 0x8f754);
        assertEquals(Flow.CALL, call.flow());
        assertEquals(Flow.TRAP, Arm64Decoder.decode(0, 0).flow());
        assertEquals(Flow.NEXT, Arm64Decoder.decode(0xf9400b90, 0).flow()); // MOVD 16(R28), R16
        assertEquals(Flow.CALL_INDIRECT, Arm64Decoder.decode(0xd63f0000, 0).flow()); // CALL (R0)
    }

    /** Every instruction of the arm64 test program: flow and direct targets as go tool objdump prints them. */
    @Test
    void agreesWithGoToolObjdump() {
        Path bin = GoPrograms.build("probepoints", "arm64", List.of("GOARCH=arm64"));
        GoObjdump dump = GoObjdump.of(bin, true);
        Map<String, Long> entries = new HashMap<>();
        for (GoObjdump.Func f : dump.byEntry().values()) entries.put(f.name(), f.entry());
        List<String> mismatches = new ArrayList<>();
        long checked = 0;
        long targets = 0;
        try (GoBinary go = GoBinary.open(bin)) {
            for (GoObjdump.Func f : dump.byEntry().values()) {
                GoObjdump.Insn last = f.insns().getLast();
                MemorySegment code = go.elf().sliceAtAddress(f.entry(), last.next() - f.entry(), f.name());
                for (GoObjdump.Insn i : f.insns()) {
                    Arm64Instruction in = Arm64Decoder.decode(code, i.address() - f.entry(), i.address());
                    String mn = i.mnemonic();
                    Flow expected;
                    if (mn.equals("RET")) expected = Flow.RET;
                    else if (mn.equals("?") && (in.word() & 0xFFFF0000) == 0) expected = Flow.TRAP; // UDF: padding, literal pools
                    else if (mn.equals("CALL")) expected = i.text().contains("(R") && !i.text().endsWith("(SB)") ? Flow.CALL_INDIRECT : Flow.CALL;
                    else if (mn.equals("JMP")) expected = i.text().matches("JMP \\(R\\d+\\)") ? Flow.JUMP_INDIRECT : Flow.JUMP;
                    else if (dump.isConditionalBranch(i)) expected = Flow.COND_JUMP;
                    else if (mn.equals("BRK") || mn.equals("UNDEF")) expected = Flow.TRAP;
                    else expected = Flow.NEXT;
                    checked++;
                    if (in.flow() != expected) {
                        mismatches.add(String.format("0x%x %s: ours %s (%08x)", i.address(), i.text(), in.flow(), in.word()));
                        continue;
                    }
                    if (expected.hasTarget()) {
                        OptionalLong t = dump.target(i);
                        Matcher m = SYMBOL.matcher(i.text());
                        if (t.isEmpty() && m.find() && entries.containsKey(m.group(1))) t = OptionalLong.of(entries.get(m.group(1)));
                        if (t.isPresent()) {
                            targets++;
                            if (t.getAsLong() != in.target()) {
                                mismatches.add(String.format("0x%x %s: our target 0x%x", i.address(), i.text(), in.target()));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches.subList(0, Math.min(40, mismatches.size()))));
        assertTrue(checked > 100_000, checked + " instructions");
        assertTrue(targets > 20_000, targets + " targets compared");
    }
}
