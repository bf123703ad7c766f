package dev.gowarden.elf;

import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notes, build IDs and the lazy symbol table view, against the Go toolchain and .symtab read the eager way. */
class ElfNotesTest {
    @TempDir
    Path tmp;

    private static final String GNU_ID = "0123456789abcdef0011223344556677";

    private static Path build() {
        return GoPrograms.build("symbolsdemo", "gnu-build-id", List.of(), "-ldflags=-B 0x" + GNU_ID);
    }

    @Test
    void goAndGnuBuildIds() {
        Path bin = build();
        String goId = GoPrograms.run("go", "tool", "buildid", bin.toString()).trim();
        try (ElfFile elf = ElfFile.open(bin)) {
            assertEquals(goId, elf.goBuildId().orElseThrow());
            assertEquals(GNU_ID, elf.gnuBuildId().orElseThrow());
        }
    }

    @Test
    void notesAreFoundThroughSegmentsWhenSectionHeadersAreGone() throws IOException {
        Path bin = build();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(40, 0);
        b.putShort(60, (short) 0);
        Path noSections = Files.write(tmp.resolve("nosections"), b.array());
        String goId = GoPrograms.run("go", "tool", "buildid", bin.toString()).trim();
        try (ElfFile elf = ElfFile.open(noSections)) {
            assertTrue(elf.sections().isEmpty());
            // Go's linker covers only its own note with PT_NOTE; the GNU note is reachable through sections only
            assertEquals(goId, elf.goBuildId().orElseThrow());
        }
    }

    @Test
    void symbolTableViewAgreesWithTheDecodedSymbols() {
        try (ElfFile elf = ElfFile.open(build())) {
            ElfSymbolTable t = elf.symbolTable().orElseThrow();
            List<ElfSymbol> syms = elf.symbols();
            assertEquals(syms.size(), t.count());
            for (int i = 0; i < t.count(); i++) {
                ElfSymbol s = syms.get(i);
                assertEquals(s.name(), t.name(i));
                assertEquals(s.value(), t.value(i));
                assertEquals(s.size(), t.size(i));
                assertEquals(s.isFunction(), t.isFunction(i));
            }
            int i = t.find("main.Plain");
            assertTrue(i >= 0 && t.isFunction(i));
            assertTrue(t.nameEquals(i, "main.Plain".getBytes()) && t.nameEndsWith(i, ".Plain".getBytes()));
            assertEquals(-1, t.find("main.NoSuchFunction"));
            assertTrue(elf.hasSymbolTable());
        }
        try (ElfFile stripped = ElfFile.open(GoPrograms.build("symbolsdemo", "stripped", List.of(), "-ldflags=-s -w"))) {
            assertTrue(stripped.symbolTable().isEmpty());
            assertTrue(!stripped.hasSymbolTable());
        }
    }
}
