package dev.gowarden.dwarf;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.Section;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The DWARF sections of an ELF file, by their short name ("info", "abbrev", "loc" …). Plain sections are views
 * of the mapped file; compressed ones (Go ≤ 1.11 style {@code .zdebug_*} with a "ZLIB" header, or
 * {@code SHF_COMPRESSED} with an {@code Elf64_Chdr}, which Go uses from 1.12) are inflated on first use into
 * off-heap memory owned by this object, so a large binary's debug info never lands on the Java heap.
 */
public final class DwarfSections implements AutoCloseable {
    private static final int ELFCOMPRESS_ZLIB = 1;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Refuses absurd sizes in a corrupt header before allocating. */
    private static final long MAX_INFLATED = 4L << 30;

    private final ElfFile elf;
    private final Arena arena = Arena.ofShared();
    private final Map<String, Optional<MemorySegment>> cache = new HashMap<>();

    public DwarfSections(ElfFile elf) {
        this.elf = elf;
    }

    public Path file() {
        return elf.path();
    }

    /** True when the file has a {@code .debug_info} (plain or compressed). */
    public boolean hasDebugInfo() {
        return find("info") != null;
    }

    /** The contents of {@code .debug_<name>} (or {@code .zdebug_<name>}), decompressed; empty when absent. */
    public synchronized Optional<MemorySegment> section(String name) {
        Optional<MemorySegment> s = cache.get(name);
        if (s == null) {
            Section sec = find(name);
            s = sec == null ? Optional.empty() : Optional.of(load(sec));
            cache.put(name, s);
        }
        return s;
    }

    /** Like {@link #section} but the section must exist. */
    public MemorySegment require(String name) {
        return section(name).orElseThrow(() -> new DwarfException(elf.path(), "no .debug_" + name + " section"));
    }

    private Section find(String name) {
        for (Section s : elf.sections()) {
            if (s.hasFileData() && (s.name().equals(".debug_" + name) || s.name().equals(".zdebug_" + name))) {
                return s;
            }
        }
        return null;
    }

    private MemorySegment load(Section sec) {
        MemorySegment raw = elf.slice(sec.offset(), sec.size(), "section " + sec.name());
        if ((sec.flags() & Section.SHF_COMPRESSED) != 0) {
            if (raw.byteSize() < 24) {
                throw new DwarfException(elf.path(), sec.name(), 0, "SHF_COMPRESSED section is shorter than its Elf64_Chdr");
            }
            int type = raw.get(U32, 0);
            long size = raw.get(U64, 8);
            if (type != ELFCOMPRESS_ZLIB) {
                throw new DwarfException(elf.path(), sec.name(), 0, "compression type " + type + " is not supported (only ELFCOMPRESS_ZLIB)");
            }
            return inflate(sec.name(), raw.asSlice(24), size);
        }
        if (sec.name().startsWith(".zdebug_")) {
            if (raw.byteSize() < 12 || raw.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0) != 0x5a4c4942) {
                throw new DwarfException(elf.path(), sec.name(), 0, "compressed section does not start with \"ZLIB\"");
            }
            return inflate(sec.name(), raw.asSlice(12), raw.get(U64_BE, 4));
        }
        return raw;
    }

    private MemorySegment inflate(String name, MemorySegment compressed, long size) {
        if (size < 0 || size > MAX_INFLATED) {
            throw new DwarfException(elf.path(), name, 0, "implausible uncompressed size " + size);
        }
        MemorySegment out = arena.allocate(Math.max(size, 1));
        Inflater inf = new Inflater();
        try {
            inf.setInput(compressed.asByteBuffer());
            long done = 0;
            while (done < size) {
                int n = inf.inflate(out.asSlice(done, Math.min(size - done, 1 << 30)).asByteBuffer());
                if (n == 0) {
                    if (inf.finished() || inf.needsInput()) {
                        throw new DwarfException(elf.path(), name, compressed.byteSize(),
                                "zlib data ends after " + done + " of " + size + " bytes");
                    }
                    if (inf.needsDictionary()) {
                        throw new DwarfException(elf.path(), name, 0, "zlib stream needs a preset dictionary");
                    }
                }
                done += n;
            }
        } catch (DataFormatException e) {
            throw new DwarfException(elf.path(), name, 0, "corrupt zlib data: " + e.getMessage());
        } finally {
            inf.end();
        }
        return out.asSlice(0, size).asReadOnly();
    }

    @Override
    public void close() {
        arena.close();
    }
}
