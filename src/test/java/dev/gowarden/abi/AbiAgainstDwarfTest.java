package dev.gowarden.abi;

import dev.gowarden.dwarf.DwarfFunction;
import dev.gowarden.dwarf.DwarfParam;
import dev.gowarden.dwarf.DwarfPiece;
import dev.gowarden.dwarf.DwarfReader;
import dev.gowarden.elf.ElfFile;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks {@link AbiLayouts} against the Go 1.19 compiler itself: src/test/go/abicheck is built for amd64 and
 * arm64, and for every argument of its functions the location the compiler wrote into DWARF for the function's
 * first instruction (register pieces, or the stack relative to the CFA) must equal what the layout engine
 * computes from the signature the same DWARF declares. The CFA at entry comes from .debug_frame, so stack
 * offsets are checked without assuming how far the CFA is from SP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbiAgainstDwarfTest {
    /** Functions of src/test/go/abicheck/main.go, each exercising assignment rules (see the Go source). */
    private static final List<String> FUNCTIONS = List.of(
            "main.Ints", "main.Bools", "main.Strs", "main.Slices", "main.Ifaces", "main.StructMix", "main.AnonStruct",
            "main.Arrays", "main.Many", "main.StrNoFit", "main.SliceNoFit", "main.ManyArm", "main.Floats", "main.Complex",
            "main.Nested", "main.BigStruct", "main.Zero", "main.Refs", "main.Named", "main.(*T).PtrMethod",
            "main.T.ValMethod", "main.Point.Sum",
            "main.Map[go.shape.string_0,go.shape.int_1]", "main.Map[go.shape.int_0,go.shape.float64_1]",
            "main.Pair[go.shape.string_0,go.shape.float64_1]", "main.Pair[go.shape.struct { X int; Y int }_0,go.shape.[]int_1]",
            "main.(*List[go.shape.string_0]).Push", "main.(*List[go.shape.int_0]).Push", "main.List[go.shape.string_0].Len",
            "main.StructNoFit", "main.ComplexNoFit", "main.Wrap[go.shape.string_0]", "main.Wrap[go.shape.string_0].func1",
            "main.Wrap[go.shape.float64_0].func1");

    /**
     * Arguments for which Go 1.19 writes an empty location list although the function uses them, all of them
     * stack-assigned: floats after X0–X14 / F0–F15 run out, and a struct that no longer fits in the integer
     * registers. Integer and complex stack arguments do get DW_OP_call_frame_cfa locations. These are reported,
     * not compared; the later arguments' registers still show that the engine reset the counters correctly.
     */
    private static final Map<Arch, java.util.Set<String>> NO_DWARF_LOCATION = Map.of(
            Arch.AMD64, java.util.Set.of("main.Floats f16", "main.Floats f17", "main.Floats g", "main.StructNoFit p"),
            Arch.ARM64, java.util.Set.of("main.Floats f17"));

    private final Map<Arch, Binary> binaries = new EnumMap<>(Arch.class);
    private final Map<Arch, int[]> checked = new EnumMap<>(Arch.class);

    /** {@code abi0Wrapped}: Go functions that also have an ABI0 wrapper symbol (NAME.abi0) because assembly calls them. */
    private record Binary(ElfFile elf, DwarfReader dwarf, java.util.Set<String> abi0Wrapped) {
    }

    private synchronized Binary binary(Arch arch) {
        return binaries.computeIfAbsent(arch, a -> {
            String goarch = a == Arch.AMD64 ? "amd64" : "arm64";
            Path p = GoPrograms.build("abicheck", goarch, List.of("GOARCH=" + goarch));
            ElfFile elf = ElfFile.open(p);
            assertEquals(goarch, elf.architecture());
            DwarfReader r = DwarfReader.open(elf).orElseThrow(() -> new AssertionError("no DWARF in " + p));
            java.util.Set<String> wrapped = elf.symbols().stream().map(sym -> sym.name()).filter(n -> n.endsWith(".abi0"))
                    .map(n -> n.substring(0, n.length() - 5)).collect(java.util.stream.Collectors.toUnmodifiableSet());
            return new Binary(elf, r, wrapped);
        });
    }

    @AfterAll
    void close() {
        checked.forEach((arch, n) -> System.out.printf("ABI vs DWARF on %s: %d functions, %d arguments, %d register pieces, %d stack values%n",
                arch, n[0], n[1], n[2], n[3]));
        for (Binary b : binaries.values()) {
            b.dwarf().close();
            b.elf().close();
        }
    }

    static Stream<Arguments> table() {
        return Stream.of(Arch.AMD64, Arch.ARM64).flatMap(a -> FUNCTIONS.stream().map(f -> Arguments.of(a, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("table")
    void layoutEngineAgreesWithCompilerDwarf(Arch arch, String function) {
        Binary b = binary(arch);
        DwarfFunction f = b.dwarf().functions(function).stream().findFirst()
                .orElseThrow(() -> new AssertionError(function + " is not in the " + arch + " DWARF"));
        List<String> problems = compare(arch, b, f, true);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * Every function of the binary (runtime and standard library included) whose arguments all have a register or
     * CFA location at entry: a sweep well beyond the hand-written table. Go 1.19's DWARF is itself wrong for some
     * functions, which are counted and set aside by rules that look only at the DWARF and the symbol table:
     * <ul>
     * <li>functions that assembly calls through an ABI0 wrapper ({@code runtime.args} and {@code runtime.args.abi0}):
     * their DWARF describes the ABI0 stack frame although the body reads registers (objdump: {@code MOVL AX, runtime.argc});</li>
     * <li>pieces adding up to more bytes than the type has, or two arguments in one register;</li>
     * <li>register sequences with holes: a parameter is missing from DWARF (autogenerated wrappers omit the receiver).</li>
     * </ul>
     */
    @ParameterizedTest
    @MethodSource("arches")
    void everyGoFunctionInTheBinaryAgrees(Arch arch) {
        Binary b = binary(arch);
        List<String> problems = new ArrayList<>();
        Map<String, Integer> setAside = new java.util.TreeMap<>();
        int functions = 0;
        for (String name : b.dwarf().functionNames()) {
            for (DwarfFunction f : b.dwarf().functions(name)) {
                if (!complete(f)) continue;
                if (b.abi0Wrapped().contains(f.name())) {
                    setAside.merge("has an ABI0 wrapper", 1, Integer::sum);
                    continue;
                }
                String defect = dwarfDefect(arch, f, cfaMinusEntrySp(b, arch, f.lowPc()));
                if (defect != null) {
                    setAside.merge(defect, 1, Integer::sum);
                    continue;
                }
                functions++;
                problems.addAll(compare(arch, b, f, false));
            }
        }
        System.out.printf("ABI vs DWARF sweep on %s: %d functions agree-checked, set aside: %s%n", arch, functions, setAside);
        assertTrue(functions > 500, "only " + functions + " functions had complete entry locations");
        assertTrue(problems.isEmpty(), problems.size() + " mismatches:\n" + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
    }

    /** Why the compiler's DWARF for {@code f} cannot be right, judged from the DWARF alone; null when it may be. */
    private static String dwarfDefect(Arch arch, DwarfFunction f, long cfaMinusSp) {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (DwarfParam p : f.arguments()) {
            long total = 0;
            for (DwarfPiece piece : p.entry()) total += piece.size() == 0 ? p.type().size() : piece.size();
            if (total > p.type().size()) return "pieces exceed the type's size";
            for (String t : renderDwarf(arch, p, cfaMinusSp)) {
                if (t.startsWith("stack") || t.startsWith("?")) continue;
                if (!used.add(t.substring(0, t.indexOf('+')))) return "two arguments in one register";
            }
        }
        int ints = 0;
        while (ints < arch.intRegisters().size() && used.contains(arch.intRegisters().get(ints))) ints++;
        int floats = 0;
        while (floats < arch.floatRegisterCount() && used.contains(arch.floatRegister(floats))) floats++;
        if (used.size() != ints + floats) return "register sequence has a hole (parameter missing)";
        return null;
    }

    static Stream<Arch> arches() {
        return Stream.of(Arch.AMD64, Arch.ARM64);
    }

    /** All arguments with a non-zero size have a fully evaluated location at entry. */
    private static boolean complete(DwarfFunction f) {
        if (f.name().contains(".abi0") || f.arguments().isEmpty()) return false;
        for (DwarfParam p : f.arguments()) {
            if (p.type().size() == 0) continue;
            if (p.entry().isEmpty()) return false;
            if (p.entry().stream().anyMatch(x -> x instanceof DwarfPiece.Unknown)) return false;
        }
        return true;
    }

    private List<String> compare(Arch arch, Binary b, DwarfFunction f, boolean count) {
        long cfaMinusSp = cfaMinusEntrySp(b, arch, f.lowPc());
        FrameLayout layout = AbiLayouts.layout(f.signature(), arch, FrameLayout.Abi.ABI_INTERNAL);
        List<String> problems = new ArrayList<>();
        List<DwarfParam> args = f.arguments();
        if (count) checked.computeIfAbsent(arch, a -> new int[4])[0]++;
        for (int i = 0; i < args.size(); i++) {
            DwarfParam p = args.get(i);
            ValueLayout v = layout.args().get(i);
            List<String> fromDwarf;
            if (count && p.entry().isEmpty() && NO_DWARF_LOCATION.get(arch).contains(f.name() + " " + p.name())) {
                // No DWARF: check the caller instead. main.main must store to the stack slot the engine names.
                List<String> engine = renderEngine(v);
                java.util.Set<Long> stores = callerStackStores(arch, b, f.name());
                long callerOffset = v.pieces().isEmpty() ? -1 : ((Location.Stack) v.pieces().getFirst().location()).offset()
                        - (arch == Arch.AMD64 ? 8 : 0);
                if (!v.onStack() || !stores.contains(callerOffset)) {
                    problems.add(String.format("%s on %s, argument %s: AbiLayouts says %s but main.main stores only to caller SP offsets %s",
                            f.name(), arch, p.name(), engine, stores));
                }
                System.out.printf("checked at the call site (no DWARF location): %s %s on %s, AbiLayouts says %s, caller stores to SP+%s%n",
                        f.name(), p.name(), arch, engine, stores);
                continue;
            }
            try {
                fromDwarf = renderDwarf(arch, p, cfaMinusSp);
            } catch (IllegalStateException e) {
                problems.add(f.name() + " " + p.name() + ": " + e.getMessage());
                continue;
            }
            List<String> fromEngine = renderEngine(v);
            if (!matches(fromDwarf, fromEngine)) {
                problems.add(String.format("%s on %s, argument %s %s: compiler DWARF says %s, AbiLayouts says %s",
                        f.name(), arch, p.name(), p.typeName(), fromDwarf, fromEngine));
            }
            if (count) {
                int[] n = checked.get(arch);
                n[1]++;
                if (v.onStack()) n[3]++;
                else n[2] += v.pieces().size();
            }
        }
        return problems;
    }

    /** Equal token by token; a DWARF piece without a location ("?+4") matches any register piece of its size. */
    private static boolean matches(List<String> dwarf, List<String> engine) {
        if (dwarf.size() != engine.size()) return false;
        for (int i = 0; i < dwarf.size(); i++) {
            String d = dwarf.get(i);
            String e = engine.get(i);
            if (d.startsWith("?+") ? !e.endsWith(d.substring(1)) || e.startsWith("stack") : !d.equals(e)) return false;
        }
        return true;
    }

    /**
     * Register pieces as "RAX+4" (register and size) in value order, or one "stack@8" for a value on the stack
     * (its address relative to the entry SP). Value offsets of register pieces are not compared: Go's DWARF
     * writes the pieces of a struct back to back without padding pieces, so they carry no offsets; the struct
     * offsets themselves are checked against reflect in DwarfReaderTest.
     */
    private static List<String> renderEngine(ValueLayout v) {
        if (v.onStack()) {
            if (v.pieces().isEmpty()) return List.of();
            long base = -1;
            for (Piece p : v.pieces()) {
                long b = ((Location.Stack) p.location()).offset() - p.valueOffset();
                if (base >= 0 && b != base) return List.of("stack pieces with different bases");
                base = b;
            }
            return List.of("stack@" + base);
        }
        List<String> out = new ArrayList<>();
        for (Piece p : v.pieces()) {
            String reg = switch (p.location()) {
                case Location.IntRegister r -> r.name();
                case Location.FloatRegister r -> r.name();
                case Location.Stack st -> "mixed stack " + st.offset();
            };
            out.add(reg + "+" + p.size());
        }
        return out;
    }

    private static List<String> renderDwarf(Arch arch, DwarfParam p, long cfaMinusSp) {
        if (p.entry().isEmpty()) {
            if (p.type().size() == 0) return List.of();
            throw new IllegalStateException("no location at entry for a " + p.type().size() + "-byte value");
        }
        List<String> out = new ArrayList<>();
        long off = 0;
        Long stackBase = null;
        for (DwarfPiece piece : p.entry()) {
            long size = piece.size() == 0 ? p.type().size() : piece.size();
            switch (piece) {
                case DwarfPiece.Register r -> out.add(registerName(arch, r.number()) + "+" + size);
                case DwarfPiece.Frame fr -> {
                    long base = fr.cfaOffset() + cfaMinusSp - off;
                    if (stackBase != null && stackBase != base) throw new IllegalStateException("stack pieces with different bases");
                    stackBase = base;
                }
                case DwarfPiece.Absent ignored -> out.add("?+" + size);
                case DwarfPiece.Unknown u -> throw new IllegalStateException("unevaluated location expression " + u.expression());
            }
            off += size;
        }
        if (stackBase != null) {
            if (!out.isEmpty()) throw new IllegalStateException("value split between registers and stack: " + out);
            return List.of("stack@" + stackBase);
        }
        return out;
    }

    private static final java.util.regex.Pattern STORE_AMD64 =
            java.util.regex.Pattern.compile("\\sMOV\\w*\\s+[^,]+,\\s+(0x[0-9a-f]+|\\d+|)\\(SP\\)");
    private static final java.util.regex.Pattern STORE_ARM64 =
            java.util.regex.Pattern.compile("\\s(F?MOV\\w*|STP|FSTPD)\\s+(\\([^)]*\\)|[^,]+),\\s+(-?\\d+|)\\(RSP\\)");

    /**
     * The caller-SP offsets main.main stores to between the previous call and its call of {@code callee}
     * ({@code go tool objdump}): outgoing stack arguments. amd64 entry SP = caller SP − 8 (CALL pushes the return
     * address); arm64 BL pushes nothing.
     */
    private java.util.Set<Long> callerStackStores(Arch arch, Binary b, String callee) {
        String dump = GoPrograms.run("go", "tool", "objdump", "-s", "^main.main$", b.elf().path().toString());
        java.util.Set<Long> stores = new java.util.TreeSet<>();
        for (String line : dump.lines().toList()) {
            if (line.contains("\tCALL ") || line.contains(" CALL ")) {
                if (line.contains("CALL " + callee + "(SB)")) return stores;
                stores.clear();
                continue;
            }
            java.util.regex.Matcher m = (arch == Arch.AMD64 ? STORE_AMD64 : STORE_ARM64).matcher(line);
            if (m.find()) {
                String off = m.group(arch == Arch.AMD64 ? 1 : 3);
                long o = off.isEmpty() ? 0 : off.startsWith("0x") ? Long.parseLong(off.substring(2), 16) : Long.parseLong(off);
                stores.add(o);
                if (arch == Arch.ARM64 && (m.group(1).equals("STP") || m.group(1).equals("FSTPD"))) stores.add(o + 8);
            }
        }
        throw new AssertionError("main.main never calls " + callee);
    }

    /** DWARF register numbers (System V x86-64 psABI; AAPCS64 DWARF) to the Go assembler's names. */
    static String registerName(Arch arch, int n) {
        if (arch == Arch.AMD64) {
            String[] low = {"RAX", "RDX", "RCX", "RBX", "RSI", "RDI", "RBP", "RSP"};
            if (n < 8) return low[n];
            if (n < 16) return "R" + n;
            if (n >= 17 && n <= 32) return "X" + (n - 17);
        } else {
            if (n <= 30) return "R" + n;
            if (n >= 64 && n <= 95) return "F" + (n - 64);
        }
        return "dwarf-reg-" + n;
    }

    @Test
    void registerNumberingMatchesThePsAbiTables() {
        assertEquals(List.of("RAX", "RDX", "RCX", "RBX", "RSI", "RDI", "RBP", "RSP", "R8", "R15", "X0", "X15"),
                Stream.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 17, 32).map(n -> registerName(Arch.AMD64, n)).toList());
        assertEquals(List.of("R0", "R30", "F0", "F31"), Stream.of(0, 30, 64, 95).map(n -> registerName(Arch.ARM64, n)).toList());
    }

    /**
     * CFA − SP at the function's first instruction, from .debug_frame: the CIE's initial rule plus the FDE's
     * instructions before its first advance. The CFA must be defined on the stack pointer.
     */
    private long cfaMinusEntrySp(Binary b, Arch arch, long pc) {
        MemorySegment frame = b.dwarf().sections().require("frame");
        int spReg = arch == Arch.AMD64 ? 7 : 31;
        long pos = 0;
        while (pos + 4 <= frame.byteSize()) {
            long length = u32(frame, pos);
            if (length == 0) {
                pos += 4;
                continue;
            }
            long body = pos + 4;
            long end = body + length;
            long cieId = u32(frame, body);
            if (cieId != 0xffffffffL) {
                long lo = frame.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), body + 4);
                long range = frame.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), body + 12);
                if (pc >= lo && pc < lo + range) {
                    Cfa cfa = new Cfa();
                    Cie cie = cie(frame, cieId);
                    run(frame, cie.instructions(), cie.end(), cie, cfa);
                    run(frame, body + 20, end, cie, cfa);
                    if (cfa.register != spReg) fail(String.format("CFA at 0x%x is defined on register %d, not SP", pc, cfa.register));
                    return cfa.offset;
                }
            }
            pos = end;
        }
        throw new AssertionError(String.format("no .debug_frame FDE covers 0x%x", pc));
    }

    private record Cie(long instructions, long end, long dataAlign) {
    }

    private static final class Cfa {
        int register = -1;
        long offset;
    }

    private static Cie cie(MemorySegment f, long at) {
        long length = u32(f, at);
        long p = at + 8;
        int version = f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p++);
        while (f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p) != 0) p++; // augmentation string (Go writes "")
        p++;
        if (version >= 4) p += 2; // address_size, segment_selector_size
        long[] r = new long[1];
        p = uleb(f, p, r); // code alignment
        p = sleb(f, p, r);
        long dataAlign = r[0];
        if (version == 1) p++;
        else p = uleb(f, p, r);
        return new Cie(p, at + 4 + length, dataAlign);
    }

    /** Interprets CFA-defining instructions until the first location advance. */
    private static void run(MemorySegment f, long p, long end, Cie cie, Cfa cfa) {
        long[] a = new long[1];
        long[] b = new long[1];
        while (p < end) {
            int op = Byte.toUnsignedInt(f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p++));
            int high = op >> 6;
            if (high == 1) return; // DW_CFA_advance_loc
            if (high == 2) { // DW_CFA_offset
                p = uleb(f, p, a);
                continue;
            }
            if (high == 3) continue; // DW_CFA_restore
            switch (op) {
                case 0x00 -> { } // nop
                case 0x02, 0x03, 0x04 -> { return; } // advance_loc1/2/4
                case 0x0c -> { // def_cfa
                    p = uleb(f, p, a);
                    p = uleb(f, p, b);
                    cfa.register = (int) a[0];
                    cfa.offset = b[0];
                }
                case 0x12 -> { // def_cfa_sf
                    p = uleb(f, p, a);
                    p = sleb(f, p, b);
                    cfa.register = (int) a[0];
                    cfa.offset = b[0] * cie.dataAlign();
                }
                case 0x0d -> { // def_cfa_register
                    p = uleb(f, p, a);
                    cfa.register = (int) a[0];
                }
                case 0x0e -> { // def_cfa_offset
                    p = uleb(f, p, a);
                    cfa.offset = a[0];
                }
                case 0x13 -> { // def_cfa_offset_sf
                    p = sleb(f, p, a);
                    cfa.offset = a[0] * cie.dataAlign();
                }
                case 0x05, 0x14 -> { // offset_extended, val_offset
                    p = uleb(f, p, a);
                    p = uleb(f, p, a);
                }
                case 0x11, 0x15 -> { // offset_extended_sf, val_offset_sf
                    p = uleb(f, p, a);
                    p = sleb(f, p, a);
                }
                case 0x06, 0x07, 0x08 -> p = uleb(f, p, a); // restore_extended, undefined, same_value
                case 0x09 -> { // register
                    p = uleb(f, p, a);
                    p = uleb(f, p, a);
                }
                default -> throw new AssertionError("unexpected call frame instruction 0x" + Integer.toHexString(op));
            }
        }
    }

    private static long u32(MemorySegment f, long at) {
        return Integer.toUnsignedLong(f.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at));
    }

    private static long uleb(MemorySegment f, long p, long[] out) {
        long v = 0;
        int shift = 0;
        byte x;
        do {
            x = f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p++);
            v |= (long) (x & 0x7f) << shift;
            shift += 7;
        } while ((x & 0x80) != 0);
        out[0] = v;
        return p;
    }

    private static long sleb(MemorySegment f, long p, long[] out) {
        long v = 0;
        int shift = 0;
        byte x;
        do {
            x = f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p++);
            v |= (long) (x & 0x7f) << shift;
            shift += 7;
        } while ((x & 0x80) != 0);
        if (shift < 64 && (x & 0x40) != 0) v |= -1L << shift;
        out[0] = v;
        return p;
    }

    @Test
    void cfaIsEntrySpPlusReturnAddressOnAmd64() {
        // Independent sanity check of the .debug_frame reading: amd64 CALL pushes 8 bytes, arm64 BL pushes nothing.
        Binary amd = binary(Arch.AMD64);
        assertEquals(8, cfaMinusEntrySp(amd, Arch.AMD64, amd.dwarf().function("main.Ints").orElseThrow().lowPc()));
        Binary arm = binary(Arch.ARM64);
        long armCfa = cfaMinusEntrySp(arm, Arch.ARM64, arm.dwarf().function("main.Ints").orElseThrow().lowPc());
        assertFalse(armCfa < 0, "CFA below SP on arm64: " + armCfa);
    }
}
