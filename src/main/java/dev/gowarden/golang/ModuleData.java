package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.Section;
import dev.gowarden.elf.Segment;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Finds {@code runtime.firstmoduledata} of a Go 1.16+ binary through its first word (the pcHeader address) and
 * reads its fields: {@code text}, the text start of a stripped binary, cgo or not, and the only one in Go 1.26+
 * whose pclntab header says 0; {@code types}/{@code etypes}, the base of every type's name offset. Layout (64-bit,
 * Go 1.16–1.26): pcHeader @0, funcnametab.ptr @0x08, ftab.ptr/len @0x80/0x88, minpc @0xA0, text @0xB0, then
 * types/etypes @0x118 (1.16–1.19) or @0x128 (1.20+, after the coverage counters). A candidate counts only when all
 * of the first fields agree with the pclntab, so the scan cannot be fooled by a stray word equal to the table's
 * address.
 */
final class ModuleData {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int SIZE = 0x140;

    private final long[] words;

    private ModuleData(long[] words) {
        this.words = words;
    }

    /** The text start of a 1.18+ binary (whose function entries are offsets from it). */
    static Optional<Long> textFor(ElfFile elf, Pclntab tab) {
        if (tab.format() != Pclntab.Format.GO118 && tab.format() != Pclntab.Format.GO120) return Optional.empty();
        return tab.moduleData(elf).map(m -> m.words[0x16]);
    }

    /**
     * [types, etypes) of a 1.16+ binary: the link-time range holding every type descriptor and, at
     * {@code types + _type.str}, its name. Empty for older tables or when the fields do not make a range inside one
     * loadable segment.
     */
    static Optional<long[]> typesFor(ElfFile elf, Pclntab tab) {
        int at = switch (tab.format()) {
            case GO116, GO118 -> 0x118 / 8;
            case GO120 -> 0x128 / 8;
            case GO12 -> -1;
        };
        if (at < 0) return Optional.empty();
        return tab.moduleData(elf).flatMap(m -> {
            long types = m.words[at];
            long etypes = m.words[at + 1];
            Optional<Segment> seg = elf.loadSegmentFor(types);
            if (types <= 0 || etypes <= types || seg.isEmpty() || etypes > seg.get().vaddr() + seg.get().memSize()) {
                return Optional.empty();
            }
            return Optional.of(new long[]{types, etypes});
        });
    }

    /** Scans for the table's moduledata; {@link Pclntab#moduleData} keeps the answer, so a binary is scanned once. */
    static Optional<ModuleData> locate(ElfFile elf, Pclntab tab) {
        if (tab.ptrSize() != 8) {
            return Optional.empty();
        }
        Optional<Section> module = elf.section(".go.module");
        if (module.isPresent() && module.get().hasFileData() && module.get().size() >= SIZE) {
            Section s = module.get();
            Optional<ModuleData> t = scan(elf.slice(s.offset(), s.size(), "section .go.module"), tab);
            if (t.isPresent()) return t;
        }
        for (Segment seg : elf.segments()) {
            if (!seg.isLoad() || !seg.isWritable() || seg.fileSize() < SIZE
                    || seg.offset() < 0 || seg.offset() > elf.size() || seg.fileSize() > elf.size() - seg.offset()) {
                continue;
            }
            Optional<ModuleData> t = scan(elf.slice(seg.offset(), seg.fileSize(), "writable segment"), tab);
            if (t.isPresent()) return t;
        }
        return Optional.empty();
    }

    /** Scans 8-aligned words (copied out in one memcpy: plain array loops are fast before the JIT warms up). */
    private static Optional<ModuleData> scan(MemorySegment m, Pclntab tab) {
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
        boolean relative = tab.format() == Pclntab.Format.GO118 || tab.format() == Pclntab.Format.GO120;
        for (int o = 0; o + words <= w.length; o++) {
            if (w[o] != want) continue;
            if (w[o + 1] != names || w[o + 0x10] != ftab || w[o + 0x11] != nftab) continue;
            long minpc = w[o + 0x14];
            long text = w[o + 0x16];
            // 1.18+: entries are offsets from text; 1.16-1.17: absolute, and minpc is the first one
            if (text != 0 && minpc == (relative ? text + tab.entryOffset(0) : tab.entry(0))) {
                return Optional.of(new ModuleData(java.util.Arrays.copyOfRange(w, o, o + words)));
            }
        }
        return Optional.empty();
    }
}
