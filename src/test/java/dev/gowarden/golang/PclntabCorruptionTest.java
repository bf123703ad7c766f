package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.ElfFormatException;
import dev.gowarden.elf.Section;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Corrupt input: truncated files, wrong magic, offsets outside the table, zero and absurd counts, unsorted
 * entries, missing section headers. Each gives a precise {@link GoBinaryException} or {@link ElfFormatException}
 * naming the file and the field, never another exception, a hang or an out-of-memory.
 */
class PclntabCorruptionTest {
    @TempDir
    Path tmp;

    private static Path original() {
        return GoPrograms.build("symbolsdemo", "static", List.of());
    }

    /** File offset of the .gopclntab of the original (a Go 1.19 table: magic 0xfffffff0, 8-byte words). */
    private static long pclntabOffset() {
        try (ElfFile elf = ElfFile.open(original())) {
            Section s = elf.section(".gopclntab").orElseThrow();
            return s.offset();
        }
    }

    private Path mutate(String name, Consumer<ByteBuffer> change) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(original())).order(ByteOrder.LITTLE_ENDIAN);
        change.accept(b);
        return Files.write(tmp.resolve(name), b.array());
    }

    private static GoBinaryException openFails(Path bin) {
        GoBinaryException e = assertThrows(GoBinaryException.class, () -> {
            try (GoBinary b = GoBinary.open(bin)) {
                b.functions();
            }
        });
        assertTrue(e.getMessage().startsWith(bin.toString()), "message must name the file: " + e.getMessage());
        return e;
    }

    @Test
    void wrongMagic() throws IOException {
        long t = pclntabOffset();
        Path bin = mutate("magic", b -> b.putInt((int) t, 0x12345678));
        String m = openFails(bin).getMessage();
        assertTrue(m.contains("unknown magic 0x12345678") && m.contains("section .gopclntab"), m);
    }

    @Test
    void badHeaderBytes() throws IOException {
        long t = pclntabOffset();
        String m = openFails(mutate("quantum", b -> b.put((int) t + 6, (byte) 3))).getMessage();
        assertTrue(m.contains("header byte 6 (PC quantum) is 3"), m);
        m = openFails(mutate("ptrsize", b -> b.put((int) t + 7, (byte) 2))).getMessage();
        assertTrue(m.contains("header byte 7 (pointer size) is 2"), m);
    }

    @Test
    void zeroFunctions() throws IOException {
        long t = pclntabOffset();
        String m = openFails(mutate("zero", b -> b.putLong((int) t + 8, 0))).getMessage();
        assertTrue(m.contains("declares 0 functions (header field nfunc"), m);
    }

    @Test
    void absurdFunctionCountFailsBeforeAllocating() throws IOException {
        long t = pclntabOffset();
        String m = openFails(mutate("absurd", b -> b.putLong((int) t + 8, 1L << 40))).getMessage();
        assertTrue(m.contains("declares 1099511627776 functions") && m.contains("room for at most"), m);
        m = openFails(mutate("negative", b -> b.putLong((int) t + 8, -5))).getMessage();
        assertTrue(m.contains("declares -5 functions"), m);
    }

    @Test
    void headerOffsetsOutsideTheTable() throws IOException {
        long t = pclntabOffset();
        String m = openFails(mutate("funcname", b -> b.putLong((int) t + 8 + 3 * 8, 0x7fffffff00L))).getMessage();
        assertTrue(m.contains("header field funcnameOffset") && m.contains("0x7fffffff00"), m);
        m = openFails(mutate("pcln", b -> b.putLong((int) t + 8 + 7 * 8, 1L << 50))).getMessage();
        assertTrue(m.contains("header field pclnOffset"), m);
    }

    @Test
    void funcoffOutsideTheTable() throws IOException {
        long t = pclntabOffset();
        Path bin = mutate("funcoff", b -> {
            long ftab = b.getLong((int) t + 8 + 7 * 8);
            b.putInt((int) (t + ftab + 8 * 3 + 4), 0x7ffffff0);
        });
        String m = openFails(bin).getMessage();
        assertTrue(m.contains("function 3: funcoff 0x7ffffff0"), m);
    }

    @Test
    void unsortedEntries() throws IOException {
        long t = pclntabOffset();
        Path bin = mutate("unsorted", b -> {
            long ftab = b.getLong((int) t + 8 + 7 * 8);
            b.putInt((int) (t + ftab + 8 * 10), 0x7fffffff);
        });
        String m = openFails(bin).getMessage();
        assertTrue(m.contains("functab is not sorted: entry 11"), m);
    }

    @Test
    void nameOffsetOutsideFuncnametab() throws IOException {
        long t = pclntabOffset();
        Path bin = mutate("nameoff", b -> {
            long ftab = b.getLong((int) t + 8 + 7 * 8);
            long funcoff = Integer.toUnsignedLong(b.getInt((int) (t + ftab + 8 * 5 + 4)));
            b.putInt((int) (t + ftab + funcoff + 4), 0x7ffffff0);
        });
        String m = openFails(bin).getMessage();
        assertTrue(m.contains("function 5") && m.contains("name offset 0x7ffffff0 lies outside funcnametab"), m);
    }

    @Test
    void truncatedFilesGivePreciseErrors() throws IOException {
        byte[] full = Files.readAllBytes(original());
        long t = pclntabOffset();
        long[] cuts = {16, 63, 64, 200, 4096, full.length / 10, full.length / 2, t + 10, t + 100, t + 5000, full.length - 4096, full.length - 1};
        for (long cut : cuts) {
            Path bin = Files.write(tmp.resolve("cut-" + cut), java.util.Arrays.copyOf(full, (int) cut));
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (GoBinary b = GoBinary.open(bin)) {
                    // section headers sit at the end of the file: cut there, the table is found by scanning
                    assertTrue(cut > t, "opened a file cut before its pclntab: " + cut);
                    b.functions();
                } catch (GoBinaryException | ElfFormatException e) {
                    assertTrue(e.getMessage().startsWith(bin.toString()), e.getMessage());
                }
            });
        }
    }

    @Test
    void withoutSectionHeadersTheTableIsFoundByScanningAndModuledataAgreesWithTheHeader() throws IOException {
        Path bin = mutate("nosections", b -> {
            b.putLong(40, 0);          // e_shoff
            b.putShort(60, (short) 0); // e_shnum
        });
        List<String> expected;
        try (GoBinary b = GoBinary.open(original())) {
            expected = GoReference.ours(b);
        }
        try (GoBinary b = GoBinary.open(bin)) {
            assertTrue(b.elf().sections().isEmpty());
            assertTrue(b.pclntab().foundBy().startsWith("scan"), b.pclntab().foundBy());
            assertEquals(Pclntab.TextStartSource.HEADER, b.pclntab().textStartSource());
            assertEquals(java.util.Optional.of(b.pclntab().textStart()), ModuleData.textFor(b.elf(), b.pclntab()));
            assertEquals(expected, GoReference.ours(b));
            assertEquals(GoReference.goVersionOf(original()), b.goVersion().orElseThrow().raw());
        }
    }

    @Test
    void cgoTextStartComesFromModuledataNotTheTextSection() {
        Path bin = GoPrograms.build("cgodemo", "cgo-pie-stripped", List.of("CGO_ENABLED=1"), "-buildmode=pie", "-ldflags=-s -w");
        try (GoBinary b = GoBinary.open(bin)) {
            // external linking merges the table into .data.rel.ro: no section, no symbol
            assertTrue(b.elf().section(".gopclntab").isEmpty() && b.elf().section(".data.rel.ro.gopclntab").isEmpty());
            assertTrue(b.pclntab().foundBy().startsWith("scan"), b.pclntab().foundBy());
            assertEquals(Pclntab.TextStartSource.MODULEDATA, b.pclntab().textStartSource());
            long text = b.elf().section(".text").orElseThrow().addr();
            assertTrue(b.pclntab().textStart() > text, "C start-up code precedes Go's text in a cgo binary");
        }
    }

    @Test
    void aClobberedModuledataFallsBackToTheHeader() throws IOException {
        // a position-independent executable: moduledata comes first there (a fixed-address one takes the header)
        Path stripped = GoPrograms.build("symbolsdemo", "pie-stripped", List.of(), "-buildmode=pie", "-ldflags=-s -w");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(stripped)).order(ByteOrder.LITTLE_ENDIAN);
        long pcl;
        try (GoBinary g = GoBinary.open(stripped)) {
            assertEquals(ElfFile.ET_DYN, g.elf().type());
            pcl = g.pclntab().address();
        }
        int hits = 0;
        for (int o = 0; o + 8 <= b.capacity(); o += 8) {
            if (b.getLong(o) == pcl && o + 0xB8 <= b.capacity()) {
                b.putLong(o + 0x88, 12345);    // ftab.len no longer matches nfunc+1
                hits++;
            }
        }
        assertTrue(hits > 0, "moduledata not found in the raw file");
        Path bin = Files.write(tmp.resolve("nomoduledata"), b.array());
        List<String> expected;
        try (GoBinary g = GoBinary.open(stripped)) {
            assertEquals(Pclntab.TextStartSource.MODULEDATA, g.pclntab().textStartSource());
            expected = GoReference.ours(g);
        }
        try (GoBinary g = GoBinary.open(bin)) {
            assertEquals(Pclntab.TextStartSource.HEADER, g.pclntab().textStartSource());
            assertEquals(expected, GoReference.ours(g));
        }
    }

    @Test
    void notAGoBinary() {
        Path sh = Path.of("/bin/sh");
        GoBinaryException e = assertThrows(GoBinaryException.class, () -> GoBinary.open(sh));
        assertTrue(e.getMessage().contains("not a Go binary"), e.getMessage());
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] full = Files.readAllBytes(original());
        long t = pclntabOffset();
        Random rnd = new Random(42);
        Path bin = tmp.resolve("fuzz");
        int errors = 0;
        for (int round = 0; round < 150; round++) {
            byte[] b = full.clone();
            int n = 1 + rnd.nextInt(8);
            for (int k = 0; k < n; k++) {
                int at = switch (rnd.nextInt(3)) {
                    case 0 -> (int) t + rnd.nextInt(80);                // header
                    case 1 -> (int) t + rnd.nextInt(1 << 16);           // names, functab
                    default -> rnd.nextInt(b.length);                   // anywhere
                };
                b[at] = (byte) rnd.nextInt(256);
            }
            Files.write(bin, b);
            final int r = round;
            boolean failed = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (GoBinary g = GoBinary.open(bin)) {
                    for (GoFunction f : g.functions()) {
                        if (f.name().isEmpty() && f.entry() == 0) fail("round " + r);
                    }
                    g.find(java.util.regex.Pattern.compile("^main\\."));
                    try {
                        g.lookup("main.main");
                    } catch (SymbolNotFoundException e) {
                        // a clobbered name
                    }
                    return false;
                } catch (GoBinaryException | ElfFormatException e) {
                    assertTrue(e.getMessage().startsWith(bin.toString()), "round " + r + ": " + e.getMessage());
                    return true;
                }
            }, "round " + round);
            if (failed) errors++;
        }
        assertTrue(errors > 0, "150 random corruptions of the header should break some opens");
    }
}
