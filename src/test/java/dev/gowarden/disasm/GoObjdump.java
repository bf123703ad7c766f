package dev.gowarden.disasm;

import dev.gowarden.testutil.GoPrograms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code go tool objdump} output, parsed without any of our decoders so tests can check them against it.
 * Gives per function (keyed by entry) the instructions with their lengths and Go-assembler text, and derives the
 * expected probe points from the text alone.
 */
public record GoObjdump(boolean arm64, Map<Long, Func> byEntry) {
    private static final Pattern TEXT = Pattern.compile("^TEXT (.+)\\(SB\\)");
    private static final Pattern PC_RELATIVE = Pattern.compile("^\\S+ (?:R\\d+, )?(?:\\$\\d+, )?(?:R\\d+, )?(-?\\d+)\\(PC\\)$");
    private static final Pattern ABSOLUTE = Pattern.compile("^\\S+ 0x([0-9a-f]+)$");
    private static final Set<String> ARM64_CONDITIONAL = Set.of("BEQ", "BNE", "BCS", "BHS", "BCC", "BLO", "BMI", "BPL",
            "BVS", "BVC", "BHI", "BLS", "BGE", "BLT", "BGT", "BLE", "CBZ", "CBNZ", "CBZW", "CBNZW", "TBZ", "TBNZ");

    public record Insn(long address, int length, String text) {
        public String mnemonic() {
            int sp = text.indexOf(' ');
            return sp < 0 ? text : text.substring(0, sp);
        }

        public long next() {
            return address + length;
        }
    }

    public record Func(String name, List<Insn> insns) {
        public long entry() {
            return insns.getFirst().address();
        }
    }

    public static GoObjdump of(Path binary, boolean arm64) {
        String out = GoPrograms.run("go", "tool", "objdump", binary.toString());
        Map<Long, Func> map = new HashMap<>();
        String name = null;
        List<Insn> insns = null;
        for (String line : out.split("\n")) {
            Matcher m = TEXT.matcher(line);
            if (m.find()) {
                if (insns != null && !insns.isEmpty()) map.put(insns.getFirst().address(), new Func(name, insns));
                name = m.group(1);
                insns = new ArrayList<>();
                continue;
            }
            if (insns == null || line.isBlank()) continue;
            List<String> cols = new ArrayList<>();
            for (String c : line.split("\t")) {
                if (!c.isBlank()) cols.add(c.strip());
            }
            if (cols.size() < 4 || !cols.get(1).startsWith("0x")) {
                throw new IllegalStateException("unexpected go tool objdump line: " + line);
            }
            long addr = Long.parseUnsignedLong(cols.get(1).substring(2), 16);
            insns.add(new Insn(addr, cols.get(2).length() / 2, cols.get(3)));
        }
        if (insns != null && !insns.isEmpty()) map.put(insns.getFirst().address(), new Func(name, insns));
        if (map.size() < 100) {
            throw new IllegalStateException("go tool objdump " + binary + " listed only " + map.size() + " functions");
        }
        return new GoObjdump(arm64, map);
    }

    public boolean isConditionalBranch(Insn i) {
        String mn = i.mnemonic();
        return arm64 ? ARM64_CONDITIONAL.contains(mn) : mn.startsWith("J") && !mn.equals("JMP");
    }

    public boolean isControlFlow(Insn i) {
        String mn = i.mnemonic();
        if (mn.equals("RET") || mn.equals("CALL") || mn.equals("JMP") || mn.equals("UD2") || mn.equals("INT")) return true;
        return isConditionalBranch(i);
    }

    /** Branch target as printed: {@code 0x…} on amd64, {@code N(PC)} (instructions) on arm64. */
    public OptionalLong target(Insn i) {
        Matcher m = ABSOLUTE.matcher(i.text());
        if (m.find()) return OptionalLong.of(Long.parseUnsignedLong(m.group(1), 16));
        m = PC_RELATIVE.matcher(i.text());
        if (m.find()) return OptionalLong.of(i.address() + Long.parseLong(m.group(1)) * 4);
        return OptionalLong.empty();
    }

    /** Addresses of the RET instructions. */
    public static List<Long> returns(Func f) {
        List<Long> out = new ArrayList<>();
        for (Insn i : f.insns()) {
            if (i.mnemonic().equals("RET")) out.add(i.address());
        }
        return out;
    }

    /**
     * The address after the last early conditional branch into the straight-line block that ends with
     * {@code CALL runtime.morestack…}; the entry when the function never calls morestack (NOSPLIT).
     */
    public long expectedBody(Func f) {
        List<Insn> in = f.insns();
        int call = -1;
        for (int k = 0; k < in.size(); k++) {
            if (in.get(k).text().startsWith("CALL runtime.morestack")) {
                call = k;
                break;
            }
        }
        if (call < 0) return f.entry();
        long callAddr = in.get(call).address();
        long body = f.entry();
        for (int k = 0; k < Math.min(12, in.size()); k++) {
            Insn i = in.get(k);
            if (!isConditionalBranch(i)) continue;
            OptionalLong t = target(i);
            if (t.isEmpty() || t.getAsLong() <= i.address() || t.getAsLong() > callAddr) continue;
            boolean straight = true;
            for (Insn j : in) {
                if (j.address() >= t.getAsLong() && j.address() < callAddr && isControlFlow(j)) straight = false;
            }
            if (straight) body = i.next();
        }
        return body;
    }
}
