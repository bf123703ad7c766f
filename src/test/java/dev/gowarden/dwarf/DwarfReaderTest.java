package dev.gowarden.dwarf;

import dev.gowarden.abi.GoType;
import dev.gowarden.abi.Signature;
import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.Section;
import dev.gowarden.golang.GoVersion;
import dev.gowarden.golang.RuntimeOffsets;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads src/test/go/abicheck (Go 1.19, amd64) and compares what the DWARF reader says with the Go source
 * (signatures), with the program's own reflect output (struct layouts) and with the checked facts of
 * shared/notes/go-binaries.md §9 (runtime.g offsets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DwarfReaderTest {
    private ElfFile elf;
    private DwarfReader dwarf;
    private Path binary;

    @BeforeAll
    void open() {
        binary = GoPrograms.build("abicheck", "amd64", List.of("GOARCH=amd64"));
        elf = ElfFile.open(binary);
        dwarf = DwarfReader.open(elf).orElseThrow(() -> new AssertionError("no DWARF in " + binary));
    }

    @AfterAll
    void close() {
        dwarf.close();
        elf.close();
    }

    /** "main.F(a int, s string) (int, error)" with DWARF type names: the form the Go source is written in. */
    static String render(DwarfFunction f) {
        String args = f.params().stream().filter(p -> !p.result()).map(p -> p.name() + " " + p.typeName())
                .collect(Collectors.joining(", "));
        List<String> res = f.params().stream().filter(DwarfParam::result).map(DwarfParam::typeName).toList();
        String results = res.isEmpty() ? "" : res.size() == 1 ? " " + res.getFirst() : " (" + String.join(", ", res) + ")";
        return f.name() + "(" + args + ")" + results;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            main.Ints      | main.Ints(a int, b int8, c int16, d int32, e int64, f uint, g uint8, h uint16, i uint32, j uint64) int
            main.Bools     | main.Bools(a bool, b bool, c uintptr, d int32, e uint8) bool
            main.Strs      | main.Strs(s string, t string, u string, v string, w string) string
            main.Slices    | main.Slices(a []int, b []string, c []uint8, d [][]int) int
            main.Ifaces    | main.Ifaces(e error, a interface {}, r io.Reader, s main.Stringer, w io.Writer) int
            main.StructMix | main.StructMix(p main.Mixed, x int) (int, string)
            main.Arrays    | main.Arrays(a0 [0]int, a1 [1]int, a2 [2]int, x int, a1s [1]string, a2f [2]float64, y int) int
            main.Complex   | main.Complex(c64 complex64, c128 complex128, f float32, x int) complex128
            main.Refs      | main.Refs(m map[string]int, c chan int, f func(int) int, p *int, u unsafe.Pointer, r <-chan string) int
            main.Named     | main.Named(d main.Duration, s main.MyString, p main.Point, e *os.File) main.Duration
            main.Results   | main.Results() (int, string, float64, error)
            main.(*T).PtrMethod | main.(*T).PtrMethod(t *main.T, a int, s string) string
            main.T.ValMethod    | main.T.ValMethod(t main.T, a int, b float32) int
            main.Point.Sum      | main.Point.Sum(p main.Point, k int8) int
            """)
    void signatureMatchesGoSource(String name, String expected) {
        DwarfFunction f = dwarf.function(name).orElseThrow(() -> new AssertionError(name + " not found"));
        assertEquals(expected, render(f));
        Signature s = dwarf.signatureOf(name).orElseThrow();
        assertTrue(s.declared());
        assertEquals(name, s.function());
        assertEquals(f.params().stream().filter(p -> !p.result()).count(), s.params().size());
    }

    @Test
    void typesHaveTheirGoShapes() {
        Signature s = dwarf.signatureOf("main.Refs").orElseThrow();
        // map, chan, func and pointers are one word; unsafe.Pointer is its own kind
        for (int i = 0; i < 4; i++) assertInstanceOf(GoType.Pointer.class, s.params().get(i).type());
        assertEquals(new GoType.Basic(GoType.Kind.UNSAFE_POINTER, "unsafe.Pointer"), s.params().get(4).type());
        assertEquals("int", ((GoType.Pointer) s.params().get(3).type()).elem().display());

        Signature sl = dwarf.signatureOf("main.Slices").orElseThrow();
        assertEquals(new GoType.Slice(new GoType.Basic(GoType.Kind.UINT8, "uint8")), sl.params().get(2).type());
        assertEquals("[][]int", sl.params().get(3).type().display());

        Signature ifs = dwarf.signatureOf("main.Ifaces").orElseThrow();
        assertEquals(List.of("error", "interface {}", "io.Reader", "main.Stringer", "io.Writer"),
                ifs.params().stream().map(p -> assertInstanceOf(GoType.Interface.class, p.type()).display()).toList());

        Signature named = dwarf.signatureOf("main.Named").orElseThrow();
        assertEquals(new GoType.Basic(GoType.Kind.INT64, "main.Duration"), named.params().get(0).type());
        assertEquals(new GoType.Basic(GoType.Kind.STRING, "main.MyString"), named.params().get(1).type());

        Signature cx = dwarf.signatureOf("main.Complex").orElseThrow();
        assertEquals(List.of(GoType.Kind.COMPLEX64, GoType.Kind.COMPLEX128, GoType.Kind.FLOAT32, GoType.Kind.INT),
                cx.params().stream().map(p -> ((GoType.Basic) p.type()).kind()).toList());

        Signature arr = dwarf.signatureOf("main.Arrays").orElseThrow();
        assertEquals(new GoType.Array(2, new GoType.Basic(GoType.Kind.FLOAT64, "float64")), arr.params().get(5).type());
        assertEquals(0, arr.params().get(0).type().size());
    }

    @Test
    void structLayoutsMatchTheRuntimesReflectInformation() {
        // The program prints "main.Mixed 32 A@0 B@8 C@16" per type from reflect, which the DWARF writer does not use.
        String out = GoPrograms.run(binary.toString(), "layout");
        List<String> lines = out.lines().filter(l -> l.startsWith("main.")).toList();
        assertEquals(7, lines.size(), out);
        for (String line : lines) {
            String[] parts = line.split(" ");
            GoType t = dwarf.type(parts[0]).orElseThrow(() -> new AssertionError("type " + parts[0] + " not found"));
            GoType.Struct st = assertInstanceOf(GoType.Struct.class, t, parts[0]);
            assertEquals(Long.parseLong(parts[1]), st.size(), parts[0] + " size");
            List<String> fields = st.fields().stream().map(f -> f.name() + "@" + f.offset()).toList();
            assertEquals(List.of(parts).subList(2, parts.length), fields, parts[0] + " fields");
        }
    }

    @Test
    void goroutineIdOffsetIsTheCheckedGo119Value() {
        assertEquals(OptionalLong.of(152), dwarf.memberOffset("runtime.g", "goid"));
        assertEquals(OptionalLong.of(16), dwarf.memberOffset("runtime.g", "stackguard0"));
        assertEquals(OptionalLong.of(48), dwarf.memberOffset("runtime.g", "m"));
        assertEquals(OptionalLong.of(72), dwarf.memberOffset("runtime.m", "procid"));
        assertEquals(OptionalLong.of(56 + 8), dwarf.memberOffset("runtime.g", "sched.pc"), "nested member through gobuf");
        assertEquals(OptionalLong.empty(), dwarf.memberOffset("runtime.g", "nosuchfield"));
        assertEquals(OptionalLong.empty(), dwarf.memberOffset("runtime.nosuchtype", "goid"));
        assertEquals(RuntimeOffsets.forVersion(GoVersion.of(1, 19)), DwarfRuntimeOffsets.fromDwarf(dwarf).orElseThrow());
    }

    @Test
    void genericFunctionsMatchEveryInstantiation() {
        List<DwarfFunction> maps = dwarf.functions("main.Map[...]");
        assertEquals(List.of("main.Map[go.shape.string_0,go.shape.int_1](m map[go.shape.string_0]go.shape.int_1, k go.shape.string_0) go.shape.int_1",
                "main.Map[go.shape.int_0,go.shape.float64_1](m map[go.shape.int_0]go.shape.float64_1, k go.shape.int_0) go.shape.float64_1"),
                maps.stream().map(DwarfReaderTest::render).toList());
        assertEquals(2, dwarf.signaturesOf("main.Map[...]").size());
        assertTrue(dwarf.signatureOf("main.Map[...]").orElseThrow().isGeneric(), "the dictionary register must be accounted for");
        assertEquals("main.(*List[go.shape.string_0]).Push(l *main.List[go.shape.string_0], v go.shape.string_0)",
                render(dwarf.function("main.(*List[go.shape.string_0]).Push").orElseThrow()));
        assertEquals(2, dwarf.functions("main.(*List[...]).Push").size());
    }

    @Test
    void unknownNamesAreEmpty() {
        assertTrue(dwarf.signatureOf("main.NoSuchFunction").isEmpty());
        assertTrue(dwarf.signatureOf("nosuchpkg.F").isEmpty());
        assertTrue(dwarf.type("main.NoSuchType").isEmpty());
        // still answers afterwards, from the now complete index
        assertTrue(dwarf.signatureOf("fmt.Fprintln").isPresent());
    }

    @Test
    void functionRangeIsTheSymbolsRange() {
        DwarfFunction f = dwarf.function("main.Ints").orElseThrow();
        var sym = elf.symbols().stream().filter(s -> s.name().equals("main.Ints")).findFirst().orElseThrow();
        assertEquals(sym.value(), f.lowPc());
        assertEquals(sym.value() + sym.size(), f.highPc());
    }

    @Test
    void compressedAndUncompressedSectionsReadTheSame() {
        assertTrue(elf.section(".debug_info").orElseThrow().flags() != 0
                && (elf.section(".debug_info").orElseThrow().flags() & Section.SHF_COMPRESSED) != 0, "Go 1.19 writes SHF_COMPRESSED");
        List<String> expected = renderSome(dwarf);

        Path plain = GoPrograms.build("abicheck", "amd64-plain", List.of("GOARCH=amd64"), "-ldflags=-compressdwarf=false");
        Path gnu = GoPrograms.buildDir().resolve("go-bin").resolve("abicheck-amd64-zdebug");
        GoPrograms.run("objcopy", "--compress-debug-sections=zlib-gnu", plain.toString(), gnu.toString());
        for (Path p : List.of(plain, gnu)) {
            try (ElfFile e = ElfFile.open(p); DwarfReader r = DwarfReader.open(e).orElseThrow()) {
                boolean zdebug = e.section(".zdebug_info").isPresent();
                assertEquals(p == gnu, zdebug, p + " section naming");
                if (p == plain) {
                    assertEquals(0, e.section(".debug_info").orElseThrow().flags() & Section.SHF_COMPRESSED);
                }
                assertEquals(expected, renderSome(r), p.toString());
                assertEquals(OptionalLong.of(152), r.memberOffset("runtime.g", "goid"));
            }
        }
    }

    private static List<String> renderSome(DwarfReader r) {
        List<String> out = new ArrayList<>();
        for (String n : List.of("main.Ints", "main.StrNoFit", "main.(*T).PtrMethod", "main.Nested", "fmt.Fprintln")) {
            DwarfFunction f = r.function(n).orElseThrow();
            out.add(render(f) + " " + f.params().stream().map(p -> p.entry().toString()).toList());
        }
        return out;
    }

    @Test
    void strippedBinaryHasNoReader() {
        Path stripped = GoPrograms.build("abicheck", "amd64-nodwarf", List.of("GOARCH=amd64"), "-ldflags=-w");
        try (ElfFile e = ElfFile.open(stripped)) {
            assertTrue(DwarfReader.open(e).isEmpty());
        }
    }

    @Test
    void corruptUnitHeaderNamesFileSectionAndOffset() throws IOException {
        Path plain = GoPrograms.build("abicheck", "amd64-plain", List.of("GOARCH=amd64"), "-ldflags=-compressdwarf=false");
        Path bad = GoPrograms.buildDir().resolve("go-bin").resolve("abicheck-amd64-corrupt");
        Files.copy(plain, bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long infoOffset;
        try (ElfFile e = ElfFile.open(bad)) {
            infoOffset = e.section(".debug_info").orElseThrow().offset();
        }
        try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[]{(byte) 0x99, 0}), infoOffset + 4); // version of the first unit
        }
        try (ElfFile e = ElfFile.open(bad); DwarfReader r = DwarfReader.open(e).orElseThrow()) {
            DwarfException ex = assertThrows(DwarfException.class, () -> r.signatureOf("main.Ints"));
            assertTrue(ex.getMessage().contains(bad.toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains(".debug_info at offset 0x0"), ex.getMessage());
            assertTrue(ex.getMessage().contains("version 153"), ex.getMessage());
        }
    }

    @Test
    void dwarf5UnitsFromGccInACgoBinary() {
        Path bin = GoPrograms.build("dwarfcgo", "", List.of("CGO_ENABLED=1"));
        try (ElfFile e = ElfFile.open(bin); DwarfReader r = DwarfReader.open(e).orElseThrow()) {
            assertTrue(e.section(".debug_loclists").isPresent() && e.section(".debug_line_str").isPresent(),
                    "gcc 12 should have written DWARF 5 sections");
            DwarfFunction c = r.function("cadd").orElseThrow(() -> new AssertionError("C function cadd not found"));
            // long cadd(int a, long b, double c, const char *s), per the C source
            assertEquals("cadd(a int, b long int, c double, s *char) long int", render(c));
            assertEquals(List.of(GoType.Kind.INT32, GoType.Kind.INT64, GoType.Kind.FLOAT64),
                    c.params().subList(0, 3).stream().map(p -> ((GoType.Basic) p.type()).kind()).toList());
            assertInstanceOf(GoType.Pointer.class, c.params().get(3).type());
            // System V AMD64 ABI: integer args in rdi, rsi, rdx (DWARF 5, 4, 1), the double in xmm0 (17);
            // a's location is a DWARF 5 location list.
            assertEquals(List.of(5, 4, 17, 1), c.arguments().stream().map(p -> ((DwarfPiece.Register) p.entry().getFirst()).number()).toList());
            assertEquals("main.GoSide(n int, s string) int", render(r.function("main.GoSide").orElseThrow()));
        }
    }

    @Test
    void dockerGo124AnswersOneSignatureQuickly() {
        Path docker = Path.of("/usr/local/bin/docker");
        assertTrue(Files.isRegularFile(docker), "shared/notes/platform.md promises /usr/local/bin/docker (Go 1.24) on every machine");
        long t0 = System.nanoTime();
        try (ElfFile e = ElfFile.open(docker); DwarfReader r = DwarfReader.open(e).orElseThrow()) {
            DwarfFunction f = r.function("os.Getenv").orElseThrow();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("os.Getenv(key string) string", render(f));
            // Go 1.23-1.24 moved goid to 160 (notes §9)
            assertEquals(OptionalLong.of(160), r.memberOffset("runtime.g", "goid"));
            assertEquals("net/http.(*Client).Do(c *net/http.Client, req *net/http.Request) (*net/http.Response, error)",
                    render(r.function("net/http.(*Client).Do").orElseThrow()));
            assertTrue(ms < 3000, "one signature from docker took " + ms + " ms");
            System.out.println("docker: os.Getenv signature in " + ms + " ms (cold, including open)");
        }
    }

    @Test
    void packageOfSplitsImportPathFromSymbol() {
        assertEquals("net/http", DwarfReader.packageOf("net/http.(*Client).Do"));
        assertEquals("main", DwarfReader.packageOf("main.Map[go.shape.*net/http.Client_0]"));
        assertEquals("github.com/a/b", DwarfReader.packageOf("github.com/a/b.(*T).M.func1"));
        assertEquals("main.Map[...]", DwarfReader.normalizeGeneric("main.Map[go.shape.string_0,go.shape.int_1]"));
        assertEquals("main.(*List[...]).Push", DwarfReader.normalizeGeneric("main.(*List[go.shape.struct { A [2]int }_0]).Push"));
        assertFalse(DwarfReader.normalizeGeneric("main.F").contains("["));
    }
}
