package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.Section;
import dev.gowarden.elf.Segment;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Finds {@code runtime.firstmoduledata} of a 1.18+ binary through its first word (the pcHeader address) and reads
 * its {@code text} field: the text start of a stripped binary, cgo or not, and the only one in Go 1.26+ whose
 * pclntab header says 0. Layout (64-bit, Go 1.16–1.26): pcHeader @0, funcnametab.ptr @0x08, ftab.ptr/len @0x80/0x88,
 * minpc @0xA0, text @0xB0. A candidate counts only when all of these agree with the pclntab, so the scan cannot be
 * fooled by a stray word equal to the table's address.
 */
final class ModuleData {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int SIZE = 0xC0;

    private ModuleData() {
    }

    static Optional<Long> textFor(ElfFile elf, Pclntab tab) {
        if (tab.ptrSize() != 8) {
            return Optional.empty();
        }
        Optional<Section> module = elf.section(".go.module");
        if (module.isPresent() && module.get().hasFileData() && module.get().size() >= SIZE) {
            Section s = module.get();
            Optional<Long> t = scan(elf.slice(s.offset(), s.size(), "section .go.module"), tab);
            if (t.isPresent()) return t;
        }
        for (Segment seg : elf.segments()) {
            if (!seg.isLoad() || !seg.isWritable() || seg.fileSize() < SIZE
                    || seg.offset() < 0 || seg.offset() > elf.size() || seg.fileSize() > elf.size() - seg.offset()) {
                continue;
            }
            Optional<Long> t = scan(elf.slice(seg.offset(), seg.fileSize(), "writable segment"), tab);
            if (t.isPresent()) return t;
        }
        return Optional.empty();
    }

    /** Scans 8-aligned words (copied out in one memcpy: plain array loops are fast before the JIT warms up). */
    private static Optional<Long> scan(MemorySegment m, Pclntab tab) {
        long want = tab.address();
        long names = want + tab.funcnameOffset();
        long ftab = want + tab.functabOffset();
        long nftab = tab.count() + 1L;
        if (m.byteSize() / 8 > Integer.MAX_VALUE) return Optional.empty();
        long[] w = new long[(int) (m.byteSize() / 8)];
        if (m.byteSize() <= Integer.MAX_VALUE) {
            // a ByteBuffer bulk read: the first MemorySegment.copy into an array bootstraps a type switch (milliseconds)
            m.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(w);
        } else {
            MemorySegment.copy(m, U64, 0, w, 0, w.length);
        }
        int words = SIZE / 8;
        for (int o = 0; o + words <= w.length; o++) {
            if (w[o] != want) continue;
            if (w[o + 1] != names || w[o + 0x10] != ftab || w[o + 0x11] != nftab) continue;
            long minpc = w[o + 0x14];
            long text = w[o + 0x16];
            if (text != 0 && minpc == text + tab.entryOffset(0)) {
                return Optional.of(text);
            }
        }
        return Optional.empty();
    }
}
