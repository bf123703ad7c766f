package dev.gowarden.elf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A little-endian ELF64 file (x86-64 or aarch64), memory-mapped read-only: a 100 MB binary is never copied
 * onto the heap. Every read is bounds-checked and a bad offset becomes an {@link ElfFormatException} that
 * names the file and the field.
 */
public final class ElfFile implements AutoCloseable {
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;

    /**
     * Layouts for files over 2 GiB only, in a holder class so that ordinary files never initialise them: the first
     * {@code MemorySegment.get} with each layout spins up VarHandle/LambdaForm machinery that costs milliseconds of
     * start-up, whereas {@link ByteBuffer} absolute reads are cheap before the JIT warms up.
     */
    private static final class Wide {
        static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final ByteBuffer buf;   // the same bytes, little-endian, for int-indexed reads; null when the file is over 2 GiB
    private final int type;
    private final int machine;
    private final long entry;
    private final List<Segment> segments;
    private final List<Section> sections;
    private List<ElfSymbol> symtab;
    private List<ElfSymbol> dynsym;
    private Optional<ElfSymbolTable> symtabView;
    private List<ElfNote> notes;

    private ElfFile(Path path, Arena arena, MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.buf = data.byteSize() <= Integer.MAX_VALUE ? data.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        // \x7fELF read as a little-endian word
        if (data.byteSize() < 64 || (int) u32(0) != 0x464c457f) {
            throw new ElfFormatException(path, "not an ELF file (no \\x7fELF magic)");
        }
        int elfClass = u8(4);
        if (elfClass != 2) {
            throw new ElfFormatException(path, "ELF class " + elfClass + " is not supported: only 64-bit ELF");
        }
        if (u8(5) != 1) {
            throw new ElfFormatException(path, "big-endian ELF is not supported: only little-endian x86-64 and aarch64");
        }
        this.type = u16(16);
        this.machine = u16(18);
        this.entry = u64(24);
        this.segments = readSegments();
        this.sections = readSections();
    }

    /** Opens and maps the file. Errors name the file: missing, unreadable, or not ELF64 LE. */
    public static ElfFile open(Path path) {
        if (!Files.exists(path)) {
            throw new ElfFormatException(path, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ElfFormatException(path, "is a directory, not an executable");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 64) {
                throw new ElfFormatException(path, "not an ELF file (only " + size + " bytes)");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new ElfFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ElfFormatException(path, "no such file");
        } catch (IOException e) {
            arena.close();
            throw new ElfFormatException(path, "cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int type() {
        return type;
    }

    public int machine() {
        return machine;
    }

    public long entry() {
        return entry;
    }

    public String architecture() {
        return switch (machine) {
            case EM_X86_64 -> "amd64";
            case EM_AARCH64 -> "arm64";
            default -> "machine-" + machine;
        };
    }

    public long size() {
        return data.byteSize();
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<Section> sections() {
        return sections;
    }

    public Optional<Section> section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Function and object symbols of {@code .symtab}; empty for a stripped binary. */
    public synchronized List<ElfSymbol> symbols() {
        if (symtab == null) {
            symtab = readSymbols(Section.SHT_SYMTAB);
        }
        return symtab;
    }

    public synchronized List<ElfSymbol> dynamicSymbols() {
        if (dynsym == null) {
            dynsym = readSymbols(Section.SHT_DYNSYM);
        }
        return dynsym;
    }

    /**
     * An index-based view of {@code .symtab} that decodes nothing up front (cheap for 100,000 symbols);
     * empty for a stripped binary. A table or string table outside the file is an {@link ElfFormatException}.
     */
    public synchronized Optional<ElfSymbolTable> symbolTable() {
        if (symtabView == null) {
            symtabView = Optional.empty();
            for (Section s : sections) {
                if (s.type() != Section.SHT_SYMTAB) {
                    continue;
                }
                SymbolSection sym = checkSymbolSection(s);
                Section strtab = sym.strtab();
                long entsize = sym.entsize();
                MemorySegment syms = slice(s.offset(), s.size(), "symbol table " + s.name());
                MemorySegment strs = slice(strtab.offset(), strtab.size(), "string table " + strtab.name());
                symtabView = Optional.of(new ElfSymbolTable(syms, strs, entsize));
                break;
            }
        }
        return symtabView;
    }

    /** True when the file has a non-empty {@code .symtab} (it is not stripped). */
    public boolean hasSymbolTable() {
        return symbolTable().map(t -> t.count() > 0).orElse(false);
    }

    /**
     * The notes of the file: from {@code SHT_NOTE} sections, or from {@code PT_NOTE} segments when the file has
     * no section headers. Malformed notes end the walk of their container (a note cannot be trusted past a bad size).
     */
    public synchronized List<ElfNote> notes() {
        if (notes == null) {
            List<ElfNote> list = new ArrayList<>();
            boolean fromSections = false;
            for (Section s : sections) {
                if (s.type() == Section.SHT_NOTE && s.hasFileData()) {
                    fromSections = true;
                    readNotes(s.offset(), s.size(), list);
                }
            }
            if (!fromSections) {
                for (Segment s : segments) {
                    if (s.type() == Segment.PT_NOTE) {
                        readNotes(s.offset(), s.fileSize(), list);
                    }
                }
            }
            notes = Collections.unmodifiableList(list);
        }
        return notes;
    }

    /** The Go build ID (note "Go", type 4), e.g. {@code "abc/def/ghi/jkl"}. */
    public Optional<String> goBuildId() {
        for (ElfNote n : notes()) {
            if (n.name().equals("Go") && n.type() == ElfNote.NT_GO_BUILDID) {
                return Optional.of(new String(n.desc(), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** The GNU build ID (note "GNU", type 3) as lower-case hex. */
    public Optional<String> gnuBuildId() {
        for (ElfNote n : notes()) {
            if (n.name().equals("GNU") && n.type() == ElfNote.NT_GNU_BUILD_ID) {
                return Optional.of(java.util.HexFormat.of().formatHex(n.desc()));
            }
        }
        return Optional.empty();
    }

    private void readNotes(long off, long size, List<ElfNote> out) {
        if (off < 0 || size < 0 || off > data.byteSize() || size > data.byteSize() - off) {
            return;
        }
        long p = off;
        long end = off + size;
        while (end - p >= 12) {
            long namesz = u32(p);
            long descsz = u32(p + 4);
            int type = (int) u32(p + 8);
            long nameOff = p + 12;
            long descOff = nameOff + align4(namesz);
            long next = descOff + align4(descsz);
            if (namesz > size || descsz > size || next > end) {
                return;
            }
            int nameLen = (int) namesz;
            while (nameLen > 0 && byteAt(nameOff + nameLen - 1) == 0) {
                nameLen--;
            }
            String name = new String(data.asSlice(nameOff, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            out.add(new ElfNote(name, type, data.asSlice(descOff, descsz).toArray(ValueLayout.JAVA_BYTE)));
            p = next;
        }
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    /**
     * The addend of a dynamic {@code R_*_RELATIVE} relocation (x86-64 type 8, aarch64 type 1027) whose target is
     * {@code vaddr}, from the {@code SHT_RELA} sections. In a PIE file that the linker left unrelocated this addend,
     * not the stored word, is the link-time value.
     */
    public Optional<Long> relativeRelocationAddend(long vaddr) {
        int relative = machine == EM_AARCH64 ? 1027 : 8;
        for (Section s : sections) {
            if (s.type() != Section.SHT_RELA || !s.hasFileData()) {
                continue;
            }
            long ent = s.entsize() == 0 ? 24 : s.entsize();
            if (ent < 24 || s.offset() < 0 || s.size() < 0 || s.offset() > data.byteSize() || s.size() > data.byteSize() - s.offset()) {
                continue;
            }
            for (long p = s.offset(); p + 24 <= s.offset() + s.size(); p += ent) {
                if (u64(p) == vaddr && (u64(p + 8) & 0xffffffffL) == relative) {
                    return Optional.of(u64(p + 16));
                }
            }
        }
        return Optional.empty();
    }

    /** The PT_LOAD segment whose file-backed bytes hold {@code vaddr}. */
    public Optional<Segment> loadSegmentFor(long vaddr) {
        for (Segment s : segments) {
            if (s.isLoad() && s.containsInFile(vaddr)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The file offset of a link-time virtual address: {@code vaddr - p_vaddr + p_offset} of the PT_LOAD that holds it.
     * This is what the kernel's uprobe wants, for PIE and non-PIE alike (never add a load bias).
     */
    public long fileOffset(long vaddr) {
        Segment s = loadSegmentFor(vaddr).orElseThrow(() -> new ElfFormatException(path,
                String.format("address 0x%x is not inside any loadable segment", vaddr)));
        return vaddr - s.vaddr() + s.offset();
    }

    /** A read-only view of {@code length} bytes at file offset {@code offset}, bounds-checked. */
    public MemorySegment slice(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > data.byteSize() || length > data.byteSize() - offset) {
            throw new ElfFormatException(path, String.format("%s at file offset 0x%x (+%d bytes) lies outside the file (%d bytes)",
                    what, offset, length, data.byteSize()));
        }
        return data.asSlice(offset, length);
    }

    /** Bytes at a virtual address, which must be file-backed by one PT_LOAD segment. */
    public MemorySegment sliceAtAddress(long vaddr, long length, String what) {
        Segment s = loadSegmentFor(vaddr).orElseThrow(() -> new ElfFormatException(path,
                String.format("%s at address 0x%x is not inside any loadable segment", what, vaddr)));
        if (length > s.vaddr() + s.fileSize() - vaddr) {
            throw new ElfFormatException(path, String.format("%s at 0x%x (+%d bytes) runs past the end of its segment", what, vaddr, length));
        }
        return slice(vaddr - s.vaddr() + s.offset(), length, what);
    }

    /** The whole mapped file, read-only. */
    public MemorySegment contents() {
        return data.asReadOnly();
    }

    public int u8(long off) {
        check(off, 1);
        return Byte.toUnsignedInt(byteAt(off));
    }

    public int u16(long off) {
        check(off, 2);
        return Short.toUnsignedInt(buf != null ? buf.getShort((int) off) : data.get(Wide.U16, off));
    }

    public long u32(long off) {
        check(off, 4);
        return Integer.toUnsignedLong(buf != null ? buf.getInt((int) off) : data.get(Wide.U32, off));
    }

    public long u64(long off) {
        check(off, 8);
        return buf != null ? buf.getLong((int) off) : data.get(Wide.U64, off);
    }

    /** A NUL-terminated string starting at file offset {@code off}, bounded by {@code limit} (exclusive). */
    public String cString(long off, long limit) {
        long end = Math.min(limit, data.byteSize());
        long i = off;
        while (i < end && byteAt(i) != 0) {
            i++;
        }
        if (i >= end) {
            throw new ElfFormatException(path, String.format("string at file offset 0x%x is not NUL-terminated before 0x%x", off, end));
        }
        byte[] bytes;
        if (buf != null) {
            // 0 <= off <= i < size here; a ByteBuffer bulk read skips the type-switch bootstrap of MemorySegment.toArray
            bytes = new byte[(int) (i - off)];
            buf.get((int) off, bytes);
        } else {
            bytes = data.asSlice(off, i - off).toArray(ValueLayout.JAVA_BYTE);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The byte at {@code off} (below the file size, so it fits an int index when {@code buf} exists); a negative one fails as before. */
    private byte byteAt(long off) {
        return buf != null && off >= 0 ? buf.get((int) off) : data.get(ValueLayout.JAVA_BYTE, off);
    }

    private void check(long off, int len) {
        if (off < 0 || off > data.byteSize() - len) {
            throw new ElfFormatException(path, String.format("read of %d bytes at file offset 0x%x is outside the file (%d bytes): truncated or corrupt",
                    len, off, data.byteSize()));
        }
    }

    private List<Segment> readSegments() {
        long phoff = u64(32);
        int phentsize = u16(54);
        int phnum = u16(56);
        if (phnum == 0) {
            return List.of();
        }
        if (phentsize < 56) {
            throw new ElfFormatException(path, "e_phentsize " + phentsize + " is too small for ELF64 program headers");
        }
        if (phoff <= 0 || phoff + (long) phnum * phentsize > data.byteSize()) {
            throw new ElfFormatException(path, String.format("program headers (e_phoff=0x%x, %d entries) lie outside the file", phoff, phnum));
        }
        List<Segment> list = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            long p = phoff + (long) i * phentsize;
            list.add(new Segment((int) u32(p), (int) u32(p + 4), u64(p + 8), u64(p + 16), u64(p + 32), u64(p + 40), u64(p + 48)));
        }
        return Collections.unmodifiableList(list);
    }

    /** Section headers may be missing or lie (stripped by sstrip, corrupt): then we return none and callers fall back to segments. */
    private List<Section> readSections() {
        long shoff = u64(40);
        int shentsize = u16(58);
        int shnum = u16(60);
        int shstrndx = u16(62);
        if (shoff == 0 || shnum == 0 || shentsize < 64 || shoff + (long) shnum * shentsize > data.byteSize() || shstrndx >= shnum) {
            return List.of();
        }
        long strOff = u64(shoff + (long) shstrndx * shentsize + 24);
        long strSize = u64(shoff + (long) shstrndx * shentsize + 32);
        boolean namesValid = strOff >= 0 && strSize >= 0 && strOff + strSize <= data.byteSize();
        List<Section> list = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long s = shoff + (long) i * shentsize;
            long nameOff = u32(s);
            String name = namesValid && nameOff < strSize ? safeCString(strOff + nameOff, strOff + strSize) : "";
            list.add(new Section(name, (int) u32(s + 4), u64(s + 8), u64(s + 16), u64(s + 24), u64(s + 32),
                    (int) u32(s + 40), (int) u32(s + 44), u64(s + 56)));
        }
        return Collections.unmodifiableList(list);
    }

    private String safeCString(long off, long limit) {
        try {
            return cString(off, limit);
        } catch (ElfFormatException e) {
            return "";
        }
    }

    private record SymbolSection(Section strtab, long entsize) {
    }

    /** The string table and entry size of a symbol table section, checked. */
    private SymbolSection checkSymbolSection(Section s) {
        if (s.link() >= sections.size()) {
            throw new ElfFormatException(path, "symbol table " + s.name() + " links to missing string table " + s.link());
        }
        long entsize = s.entsize() == 0 ? 24 : s.entsize();
        if (entsize < 24) {
            throw new ElfFormatException(path, "symbol table " + s.name() + " has entry size " + entsize + " (< 24)");
        }
        return new SymbolSection(sections.get(s.link()), entsize);
    }

    private List<ElfSymbol> readSymbols(int sectionType) {
        for (Section s : sections) {
            if (s.type() != sectionType) {
                continue;
            }
            SymbolSection sym = checkSymbolSection(s);
            Section strtab = sym.strtab();
            long entsize = sym.entsize();
            slice(s.offset(), s.size(), "symbol table " + s.name());
            slice(strtab.offset(), strtab.size(), "string table " + strtab.name());
            long count = s.size() / entsize;
            List<ElfSymbol> list = new ArrayList<>((int) Math.min(count, 1 << 20));
            long strEnd = strtab.offset() + strtab.size();
            for (long i = 1; i < count; i++) {
                long e = s.offset() + i * entsize;
                long nameOff = u32(e);
                int info = u8(e + 4);
                int shndx = u16(e + 6);
                long value = u64(e + 8);
                long size = u64(e + 16);
                String name = nameOff < strtab.size() ? safeCString(strtab.offset() + nameOff, strEnd) : "";
                list.add(new ElfSymbol(name, value, size, info & 0xf, info >> 4, shndx));
            }
            return Collections.unmodifiableList(list);
        }
        return List.of();
    }

    @Override
    public void close() {
        arena.close();
    }
}
