package dev.gowarden.elf;

import dev.gowarden.testutil.ElfBuilder;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfFileTest {
    @TempDir
    Path tmp;

    @Test
    void fileOffsetIsVaddrMinusSegmentVaddrPlusSegmentOffset() throws IOException {
        Path f = new ElfBuilder()
                .segment(Segment.PT_LOAD, Segment.PF_R, 0, 0x400000, 0x1000, 0x1000)
                .segment(Segment.PT_LOAD, Segment.PF_R | Segment.PF_X, 0x1000, 0x401000, 0x800, 0x800)
                .segment(Segment.PT_LOAD, Segment.PF_R | Segment.PF_W, 0x1800, 0x602800, 0x100, 0x4000)
                .write(tmp, "a.elf");
        try (ElfFile elf = ElfFile.open(f)) {
            assertEquals(0x1234 - 0x1000 + 0x1000, elf.fileOffset(0x401234));
            assertEquals(0x10, elf.fileOffset(0x400010));
            assertEquals(0x1800 + 0x50, elf.fileOffset(0x602850));
            // bss (memsz beyond filesz) has no file bytes
            ElfFormatException e = assertThrows(ElfFormatException.class, () -> elf.fileOffset(0x602900 + 0x100));
            assertTrue(e.getMessage().contains("0x602a00"), e.getMessage());
            assertEquals("amd64", elf.architecture());
            assertTrue(elf.sections().isEmpty());
        }
    }

    @Test
    void pieOffsetsUseLinkTimeAddressesWithoutLoadBias() throws IOException {
        Path f = new ElfBuilder()
                .segment(Segment.PT_LOAD, Segment.PF_R | Segment.PF_X, 0, 0, 0x2000, 0x2000)
                .write(tmp, "pie.elf");
        try (ElfFile elf = ElfFile.open(f)) {
            assertEquals(0x1abc, elf.fileOffset(0x1abc));
        }
    }

    @Test
    void realGoBinaryOffsetsPointAtTheFunctionsBytes() throws IOException {
        Path bin = GoPrograms.build("tracee");
        String objdump = GoPrograms.run("go", "tool", "objdump", "-s", "^main\\.Ints$", bin.toString());
        // e.g. "  main.go:19		0x48d9a0		493b6610		CMPQ SP, 0x10(R14)"
        Matcher m = Pattern.compile("\\t0x([0-9a-f]+)\\t\\t([0-9a-f]+)\\t").matcher(objdump);
        assertTrue(m.find(), objdump);
        long vaddr = Long.parseLong(m.group(1), 16);
        byte[] expected = HexFormat.of().parseHex(m.group(2));
        try (ElfFile elf = ElfFile.open(bin)) {
            long off = elf.fileOffset(vaddr);
            byte[] actual = new byte[expected.length];
            byte[] file = Files.readAllBytes(bin);
            System.arraycopy(file, (int) off, actual, 0, actual.length);
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual));
            ElfSymbol sym = elf.symbols().stream().filter(s -> s.name().equals("main.Ints")).findFirst().orElseThrow();
            assertEquals(vaddr, sym.value());
            assertTrue(sym.isFunction());
            assertTrue(sym.size() > 0);
            assertTrue(elf.section(".gopclntab").isPresent());
        }
    }

    @Test
    void corruptInputGivesPreciseErrors() throws IOException {
        Path empty = Files.write(tmp.resolve("empty"), new byte[0]);
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfFile.open(empty)).getMessage().contains("not an ELF file"));
        Path text = Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\necho hello world, this is not an ELF file at all, it is a shell script\n");
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfFile.open(text)).getMessage().contains("no \\x7fELF magic"));
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfFile.open(tmp.resolve("missing"))).getMessage().contains("no such file"));
        // program headers claimed past the end of the file
        byte[] b = new ElfBuilder().segment(Segment.PT_LOAD, 5, 0, 0x400000, 0x100, 0x100).fileSize(0x100).bytes();
        b[56] = (byte) 200;
        Path bad = Files.write(tmp.resolve("bad"), b);
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfFile.open(bad));
        assertTrue(e.getMessage().contains("program headers"), e.getMessage());
        // a 32-bit file
        byte[] b32 = new ElfBuilder().bytes();
        b32[4] = 1;
        Path elf32 = Files.write(tmp.resolve("elf32"), b32);
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfFile.open(elf32)).getMessage().contains("only 64-bit"));
    }
}
