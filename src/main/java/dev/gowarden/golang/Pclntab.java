package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.ElfSymbolTable;
import dev.gowarden.elf.Section;
import dev.gowarden.elf.Segment;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Go's function table (pclntab), read in place from the memory-mapped file: every format from Go 1.2 to 1.26+
 * (magics {@code 0xFFFFFFFB}, {@code …FA}, {@code …F0}, {@code …F1}). Function {@code i} is addressed by index;
 * entries, names and flags are read on demand, so a 100,000-function table costs nothing until it is walked.
 *
 * <p>The table is found by section ({@code .gopclntab}, {@code .data.rel.ro.gopclntab}), by symbol
 * ({@code runtime.pclntab} / {@code runtime.pcheader}) or by scanning the loadable segments for the magic, and
 * validated as a whole when opened (header rule, counts, offsets, non-decreasing entries) so that later reads
 * cannot leave it. For 1.18+ the text start comes from {@code runtime.text}, else from moduledata, else from the
 * header field, else from {@code .text} (see {@link TextStartSource}).
 */
public final class Pclntab {
    // For the scan of segments over 2 GiB only. Everything else reads through ByteBuffers: the first MemorySegment.get
    // with each layout costs milliseconds of VarHandle set-up at start-up, and the first MemorySegment.copy into an
    // array bootstraps a type switch (a generated class).
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The on-disk format, named by its magic and the Go releases that write it. */
    public enum Format {
        GO12(0xFFFFFFFBL, "go1.2-1.15"),
        GO116(0xFFFFFFFAL, "go1.16-1.17"),
        GO118(0xFFFFFFF0L, "go1.18-1.19"),
        GO120(0xFFFFFFF1L, "go1.20+");

        private final long magic;
        private final String releases;

        Format(long magic, String releases) {
            this.magic = magic;
            this.releases = releases;
        }

        public long magic() {
            return magic;
        }

        public String releases() {
            return releases;
        }

        static Format of(long magic) {
            for (Format f : values()) {
                if (f.magic == magic) return f;
            }
            return null;
        }
    }

    /** Where the text start (base of 1.18+ entry offsets) came from. */
    public enum TextStartSource {
        /** Go ≤ 1.17: entries are absolute addresses. */
        NOT_NEEDED,
        RUNTIME_TEXT_SYMBOL,
        MODULEDATA,
        HEADER,
        RELOCATION,
        TEXT_SECTION
    }

    private final Path path;
    private final MemorySegment tab;
    private final ByteBuffer buf;   // the same bytes; absolute ByteBuffer reads are cheap before the JIT warms up
    private int[] ftab32;           // 1.18+: functab copied out (entryoff, funcoff pairs + sentinel)
    private long[] ftab64;          // ≤1.17: functab copied out (entry, funcoff pairs + sentinel)
    private byte[] names;           // funcnametab copied out on first use
    private final long vaddr;
    private final long fileOffset;
    private final String foundBy;
    private final Format format;
    private final int ptrSize;
    private final int quantum;
    private final int nfunc;
    private final long ftab;        // offset in tab of the functab
    private final int ftabStride;   // bytes per functab pair
    private final long funcBase;    // funcoff is relative to this offset in tab
    private final long nameBase;    // nameOff is relative to this offset in tab
    private final long nameLimit;   // names must end before this offset in tab
    private final long funcnameOffset;
    private final int nameOffField; // offset of nameOff inside _func
    private final int flagField;    // offset of the flag byte inside _func, -1 when the format has no usable one
    private final long headerTextStart;
    private long textStart;
    private TextStartSource textStartSource = TextStartSource.NOT_NEEDED;
    private Optional<ModuleData> moduleData;   // located on first use (text start of a PIE, type names)

    private Pclntab(Path path, MemorySegment tab, long vaddr, long fileOffset, String foundBy) {
        this.path = path;
        this.tab = tab;
        this.vaddr = vaddr;
        this.fileOffset = fileOffset;
        this.foundBy = foundBy;
        long size = tab.byteSize();
        this.buf = size <= Integer.MAX_VALUE ? tab.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        if (size < 16) {
            throw fail("is only " + size + " bytes long, too short for a header");
        }
        if (size > Integer.MAX_VALUE) {
            throw fail("is " + size + " bytes long; tables over 2 GiB are not supported");
        }
        long magic = Integer.toUnsignedLong(buf.getInt(0));   // buf exists: the size is at most 2 GiB here
        this.format = Format.of(magic);
        if (format == null) {
            throw fail(String.format("has unknown magic 0x%08x (expected 0xfffffffb, 0xfffffffa, 0xfffffff0 or 0xfffffff1)", magic));
        }
        int pad0 = u8(4);
        int pad1 = u8(5);
        this.quantum = u8(6);
        this.ptrSize = u8(7);
        if (pad0 != 0 || pad1 != 0) {
            throw fail(String.format("header bytes 4-5 are 0x%02x 0x%02x, expected 0 0", pad0, pad1));
        }
        if (quantum != 1 && quantum != 2 && quantum != 4) {
            throw fail("header byte 6 (PC quantum) is " + quantum + ", expected 1, 2 or 4");
        }
        if (ptrSize != 4 && ptrSize != 8) {
            throw fail("header byte 7 (pointer size) is " + ptrSize + ", expected 4 or 8");
        }
        int p = ptrSize;
        long headerSize = switch (format) {
            case GO12 -> 8 + p;
            case GO116 -> 8 + 7L * p;
            case GO118, GO120 -> 8 + 8L * p;
        };
        if (size < headerSize) {
            throw fail("is " + size + " bytes long, shorter than its " + headerSize + "-byte header");
        }
        long n = word(8);
        if (n <= 0) {
            throw fail("declares " + n + " functions (header field nfunc at offset 8): an empty or corrupt table");
        }
        switch (format) {
            case GO12 -> {
                this.ftab = 8 + p;
                this.ftabStride = 2 * p;
                this.funcBase = 0;
                this.nameBase = 0;
                this.nameLimit = size;
                this.funcnameOffset = 0;
                this.nameOffField = p;
                this.flagField = -1;
                this.headerTextStart = 0;
            }
            case GO116 -> {
                this.funcnameOffset = headerOffset("funcnameOffset", 8 + 2L * p, size);
                long cuOffset = headerOffset("cuOffset", 8 + 3L * p, size);
                long pclnOffset = headerOffset("pclnOffset", 8 + 6L * p, size);
                if (cuOffset < funcnameOffset) {
                    throw fail(String.format("header field cuOffset 0x%x lies before funcnameOffset 0x%x", cuOffset, funcnameOffset));
                }
                this.ftab = pclnOffset;
                this.ftabStride = 2 * p;
                this.funcBase = pclnOffset;
                this.nameBase = funcnameOffset;
                this.nameLimit = cuOffset;
                this.nameOffField = p;
                this.flagField = -1;    // 1.16 has padding where 1.17 put the flag; ASM flag only from 1.18
                this.headerTextStart = 0;
            }
            default -> {
                this.headerTextStart = word(8 + 2L * p);
                this.funcnameOffset = headerOffset("funcnameOffset", 8 + 3L * p, size);
                long cuOffset = headerOffset("cuOffset", 8 + 4L * p, size);
                long pclnOffset = headerOffset("pclnOffset", 8 + 7L * p, size);
                if (cuOffset < funcnameOffset) {
                    throw fail(String.format("header field cuOffset 0x%x lies before funcnameOffset 0x%x", cuOffset, funcnameOffset));
                }
                this.ftab = pclnOffset;
                this.ftabStride = 8;
                this.funcBase = pclnOffset;
                this.nameBase = funcnameOffset;
                this.nameLimit = cuOffset;
                this.nameOffField = 4;
                this.flagField = format == Format.GO118 ? 37 : 41;
            }
        }
        // nfunc pairs plus the sentinel entry must fit: rejects absurd counts before anything is allocated.
        long sentinelEnd = format == Format.GO12 || format == Format.GO116 ? p : 4;
        if (n > Integer.MAX_VALUE - 1 || n > (size - ftab - sentinelEnd) / ftabStride) {
            throw fail(String.format("declares %d functions (header field nfunc) but its functab at offset 0x%x has room for at most %d",
                    n, ftab, Math.max(0, (size - ftab - sentinelEnd) / ftabStride)));
        }
        this.nfunc = (int) n;
        copyFunctab();
        validateFunctions();
    }

    private long headerOffset(String field, long at, long size) {
        long v = word(at);
        if (v < 0 || v > size) {
            throw fail(String.format("header field %s (at offset %d) is 0x%x, outside the table (%d bytes)", field, at, v, size));
        }
        return v;
    }

    /** Copies the functab (nfunc pairs + sentinel; bounds checked above) into an array: one memcpy. */
    private void copyFunctab() {
        int words = 2 * nfunc + 1;
        if (ftabStride == 8) {
            ftab32 = new int[words];
            buf.slice((int) ftab, 4 * words).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ftab32);
        } else if (ptrSize == 8) {
            ftab64 = new long[words];
            buf.slice((int) ftab, 8 * words).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(ftab64);
        } else {
            ftab64 = new long[words];
            for (int k = 0; k < words; k++) ftab64[k] = Integer.toUnsignedLong(buf.getInt((int) (ftab + 4L * k)));
        }
    }

    /** Entries non-decreasing and every _func record (to its flag byte) inside the table. */
    private void validateFunctions() {
        long size = tab.byteSize();
        long need = (flagField >= 0 ? flagField + 1 : nameOffField + 4);
        long prev = Long.MIN_VALUE;
        for (int i = 0; i <= nfunc; i++) {
            long e = rawEntry(i);
            if (Long.compareUnsigned(e, prev) < 0 && prev != Long.MIN_VALUE) {
                throw fail(String.format("functab is not sorted: entry %d (0x%x) is below entry %d (0x%x)", i, e, i - 1, prev));
            }
            prev = e;
            if (i == nfunc) break;
            long fo = funcoff(i);
            long rec = funcBase + fo;
            if (fo < 0 || rec < 0 || rec > size - need) {
                throw fail(String.format("function %d: funcoff 0x%x puts its _func record outside the table (%d bytes)", i, fo, size));
            }
        }
    }

    // ---- location ---------------------------------------------------------------------------------------------

    /** Finds and validates the pclntab of {@code elf}, or empty when it has none. Corrupt tables throw. */
    public static Optional<Pclntab> locate(ElfFile elf) {
        Path path = elf.path();
        for (String name : List.of(".gopclntab", ".data.rel.ro.gopclntab")) {
            Optional<Section> s = elf.section(name);
            if (s.isPresent() && s.get().hasFileData() && s.get().size() > 0) {
                Section sec = s.get();
                MemorySegment m = elf.slice(sec.offset(), sec.size(), "section " + name);
                return Optional.of(new Pclntab(path, m, sec.addr(), sec.offset(), "section " + name).resolveTextStart(elf));
            }
        }
        Optional<ElfSymbolTable> symtab = elf.symbolTable();
        if (symtab.isPresent()) {
            ElfSymbolTable t = symtab.get();
            for (String name : List.of("runtime.pclntab", "runtime.pcheader")) {
                int i = t.find(name);
                if (i < 0 || t.value(i) == 0) continue;
                long addr = t.value(i);
                Segment seg = elf.loadSegmentFor(addr).orElseThrow(() -> new GoBinaryException(String.format(
                        "%s: symbol %s at 0x%x is not inside any loadable segment", path, name, addr)));
                long end = seg.vaddr() + seg.fileSize();
                int e = t.find("runtime.epclntab");
                if (e >= 0 && t.value(e) > addr && t.value(e) <= end) {
                    end = t.value(e);
                } else if (t.size(i) > 0 && addr + t.size(i) <= end) {
                    end = addr + t.size(i);
                }
                long off = elf.fileOffset(addr);
                MemorySegment m = elf.slice(off, end - addr, "symbol " + name);
                return Optional.of(new Pclntab(path, m, addr, off, "symbol " + name).resolveTextStart(elf));
            }
        }
        return scan(elf).map(p -> p.resolveTextStart(elf));
    }

    /**
     * Scans the loadable segments (non-executable first) for a 4-aligned magic that passes the header rule and
     * validates as a whole table with printable names. Used when section headers and symbols are gone.
     */
    static Optional<Pclntab> scan(ElfFile elf) {
        List<Segment> order = new ArrayList<>();
        for (Segment s : elf.segments()) if (s.isLoad() && !s.isExecutable()) order.add(s);
        for (Segment s : elf.segments()) if (s.isLoad() && s.isExecutable()) order.add(s);
        int expectedQuantum = elf.machine() == ElfFile.EM_AARCH64 ? 4 : 1;
        for (Segment seg : order) {
            if (seg.fileSize() < 16 || seg.offset() < 0 || seg.offset() > elf.size() || seg.fileSize() > elf.size() - seg.offset()) continue;
            MemorySegment m = elf.slice(seg.offset(), seg.fileSize(), "segment");
            ByteBuffer b = m.byteSize() <= Integer.MAX_VALUE ? m.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
            long limit = seg.fileSize() - 16;
            for (long o = 0; o <= limit; o += 4) {
                int w = b != null ? b.getInt((int) o) : m.get(I32, o);
                if (w != 0xFFFFFFFB && w != 0xFFFFFFFA && w != 0xFFFFFFF0 && w != 0xFFFFFFF1) continue;
                if (scanByte(m, b, o + 4) != 0 || scanByte(m, b, o + 5) != 0
                        || scanByte(m, b, o + 6) != expectedQuantum || scanByte(m, b, o + 7) != 8) {
                    continue;
                }
                try {
                    Pclntab p = new Pclntab(elf.path(), m.asSlice(o), seg.vaddr() + o, seg.offset() + o,
                            String.format("scan of the segment at 0x%x", seg.vaddr()));
                    if (p.namesLookPrintable()) {
                        return Optional.of(p);
                    }
                } catch (GoBinaryException e) {
                    // a stray magic: keep scanning
                }
            }
        }
        return Optional.empty();
    }

    /** A byte of a scanned segment: through its buffer, or the segment itself when it is over 2 GiB (no buffer). */
    private static byte scanByte(MemorySegment m, ByteBuffer b, long o) {
        return b != null ? b.get((int) o) : m.get(ValueLayout.JAVA_BYTE, o);
    }

    private boolean namesLookPrintable() {
        int step = Math.max(1, nfunc / 16);
        for (int i = 0; i < nfunc; i += step) {
            int at = nameIndex(i);
            int len = nameLengthAt(i, at);
            if (len <= 0) return false;
            for (int k = at; k < at + len; k++) {
                int b = nameByte(k) & 0xff;
                if (b < 0x20 || b == 0x7f) return false;
            }
        }
        return true;
    }

    // ---- text start -------------------------------------------------------------------------------------------

    private Pclntab resolveTextStart(ElfFile elf) {
        if (format == Format.GO12 || format == Format.GO116) {
            textStart = 0;
            textStartSource = TextStartSource.NOT_NEEDED;
            checkEntriesExecutable(elf);
            return this;
        }
        Optional<ElfSymbolTable> symtab = elf.symbolTable();
        if (symtab.isPresent()) {
            int i = symtab.get().find("runtime.text");
            if (i >= 0 && symtab.get().value(i) != 0) {
                return useTextStart(elf, symtab.get().value(i), TextStartSource.RUNTIME_TEXT_SYMBOL);
            }
        }
        if (elf.type() == ElfFile.ET_EXEC && headerTextStart != 0) {
            // a fixed-address executable: the linker stored runtime.text itself (moduledata.text holds the same
            // value), and scanning the writable segments for moduledata would cost milliseconds for nothing
            return useTextStart(elf, headerTextStart, TextStartSource.HEADER);
        }
        Optional<Long> md = ModuleData.textFor(elf, this);
        if (md.isPresent()) {
            return useTextStart(elf, md.get(), TextStartSource.MODULEDATA);
        }
        if (headerTextStart != 0) {
            return useTextStart(elf, headerTextStart, TextStartSource.HEADER);
        }
        Optional<Long> reloc = elf.relativeRelocationAddend(vaddr + 8 + 2L * ptrSize);
        if (reloc.isPresent() && reloc.get() != 0) {
            return useTextStart(elf, reloc.get(), TextStartSource.RELOCATION);
        }
        Optional<Section> text = elf.section(".text");
        if (text.isPresent() && text.get().addr() != 0) {
            return useTextStart(elf, text.get().addr(), TextStartSource.TEXT_SECTION);
        }
        throw fail("has entry offsets relative to a text start that none of runtime.text, moduledata, the header "
                + "field textStart (0) or a .text section gives");
    }

    private Pclntab useTextStart(ElfFile elf, long value, TextStartSource source) {
        this.textStart = value;
        this.textStartSource = source;
        checkEntriesExecutable(elf);
        return this;
    }

    private void checkEntriesExecutable(ElfFile elf) {
        long first = entry(0);
        long last = entry(nfunc);
        for (Segment s : elf.segments()) {
            if (s.isLoad() && s.isExecutable() && first >= s.vaddr() && last <= s.vaddr() + s.memSize()) {
                return;
            }
        }
        throw fail(String.format("function entries 0x%x-0x%x%s do not lie inside one executable segment", first, last,
                textStartSource == TextStartSource.NOT_NEEDED ? ""
                        : String.format(" (text start 0x%x from %s)", textStart, describe(textStartSource))));
    }

    static String describe(TextStartSource s) {
        return switch (s) {
            case NOT_NEEDED -> "absolute entries";
            case RUNTIME_TEXT_SYMBOL -> "symbol runtime.text";
            case MODULEDATA -> "moduledata.text";
            case HEADER -> "pclntab header textStart";
            case RELOCATION -> "relocation of the header textStart";
            case TEXT_SECTION -> "section .text";
        };
    }

    /** This table's moduledata in {@code elf} (the file the table was read from), scanned for once. */
    synchronized Optional<ModuleData> moduleData(ElfFile elf) {
        if (moduleData == null) moduleData = ModuleData.locate(elf, this);
        return moduleData;
    }

    // ---- accessors --------------------------------------------------------------------------------------------

    public Format format() {
        return format;
    }

    public int ptrSize() {
        return ptrSize;
    }

    public int quantum() {
        return quantum;
    }

    /** Link-time virtual address of the table (the pcHeader). */
    public long address() {
        return vaddr;
    }

    public long fileOffset() {
        return fileOffset;
    }

    public long byteSize() {
        return tab.byteSize();
    }

    /** How the table was found, e.g. "section .gopclntab", "symbol runtime.pclntab". */
    public String foundBy() {
        return foundBy;
    }

    public long textStart() {
        return textStart;
    }

    public TextStartSource textStartSource() {
        return textStartSource;
    }

    /** The header's textStart field as stored in the file (1.18+; 0 in Go 1.26+). */
    public long headerTextStart() {
        return headerTextStart;
    }

    /** Offset of funcnametab from the table start (1.16+; 0 for 1.2–1.15 whose names are relative to the table). */
    long funcnameOffset() {
        return funcnameOffset;
    }

    /** Offset of the functab from the table start. */
    long functabOffset() {
        return ftab;
    }

    /** The functab entry offset of function i for 1.18+ (what moduledata's minpc is built from). */
    long entryOffset(int i) {
        return Integer.toUnsignedLong(ftab32[2 * i]);
    }

    public int count() {
        return nfunc;
    }

    /** Entry of function {@code i}; {@code entry(count())} is the end of the last function. */
    public long entry(int i) {
        return format == Format.GO118 || format == Format.GO120 ? textStart + rawEntry(i) : rawEntry(i);
    }

    public long nextEntry(int i) {
        return entry(i + 1);
    }

    private long rawEntry(int i) {
        return ftab32 != null ? Integer.toUnsignedLong(ftab32[2 * i]) : ftab64[2 * i];
    }

    private long funcoff(int i) {
        return ftab32 != null ? Integer.toUnsignedLong(ftab32[2 * i + 1]) : ftab64[2 * i + 1];
    }

    /** True when the function is hand-written assembly (FuncFlag_ASM, 1.18+); false when the format cannot say. */
    public boolean assembly(int i) {
        if (flagField < 0) return false;
        return (buf.get((int) (funcBase + funcoff(i) + flagField)) & 0x4) != 0;
    }

    /** Offset in the table of the first byte of function i's name; throws when the name offset is out of range. */
    long nameStart(int i) {
        long rec = funcBase + funcoff(i);
        long nameOff = buf.getInt((int) (rec + nameOffField));
        long start = nameBase + nameOff;
        if (nameOff < 0 || start >= nameLimit) {
            throw fail(String.format("function %d (entry 0x%x): name offset 0x%x lies outside funcnametab (0x%x bytes)",
                    i, entry(i), nameOff, nameLimit - nameBase));
        }
        return start;
    }

    /**
     * The names region [nameBase, nameLimit) as a heap array, for walks over every name (one memcpy, then loops
     * run on plain bytes). Lookups of a few names read the mapped table instead: copying 8 MB costs milliseconds
     * of fresh heap pages.
     */
    byte[] names() {
        byte[] n = names;
        if (n == null) {
            n = new byte[(int) (nameLimit - nameBase)];
            buf.get((int) nameBase, n);
            names = n;
        }
        return n;
    }

    /** Index in the names region of function i's name. */
    int nameIndex(int i) {
        return (int) (nameStart(i) - nameBase);
    }

    /** Byte {@code at} of the names region. */
    private byte nameByte(int at) {
        byte[] n = names;
        return n != null ? n[at] : buf.get((int) nameBase + at);
    }

    private int namesLength() {
        return (int) (nameLimit - nameBase);
    }

    /** Length of the NUL-terminated name at {@code at} in the names region; throws when it is not terminated. */
    int nameLengthAt(int i, int at) {
        int limit = namesLength();
        int p = at;
        byte[] n = names;
        if (n != null) {
            while (p < limit && n[p] != 0) p++;
        } else {
            while (p < limit && buf.get((int) nameBase + p) != 0) p++;
        }
        if (p >= limit) {
            throw fail(String.format("function %d: name at offset 0x%x is not NUL-terminated inside funcnametab", i, at));
        }
        return p - at;
    }

    /**
     * Indexes, in entry order, of the functions whose name starts with {@code prefix} (no NUL in it), compared on
     * the name bytes without decoding any name. Checks every function's name on the way exactly as a full decode
     * would (offset inside funcnametab, NUL-terminated), so a corrupt table fails with the same error.
     */
    List<Integer> withNamePrefix(byte[] prefix) {
        int limit = namesLength();
        int lastNul = limit - 1;
        while (lastNul >= 0 && nameByte(lastNul) != 0) lastNul--;
        int plen = prefix.length;
        byte first = plen > 0 ? prefix[0] : 0;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nfunc; i++) {
            int at = nameIndex(i);
            if (at > lastNul) {
                nameLengthAt(i, at);    // throws: not NUL-terminated
            }
            if (plen == 0 || nameByte(at) == first && at + plen <= limit && nameStartsWith(at, prefix)) {
                out.add(i);
            }
        }
        return out;
    }

    private boolean nameStartsWith(int at, byte[] prefix) {
        for (int k = 1; k < prefix.length; k++) {
            if (nameByte(at + k) != prefix[k]) return false;
        }
        return true;
    }

    /** Length of the NUL-terminated name at table offset {@code start}. */
    long nameLength(int i, long start) {
        return nameLengthAt(i, (int) (start - nameBase));
    }

    public String name(int i) {
        int at = nameIndex(i);
        return decodeName(at, nameLengthAt(i, at));
    }

    /** Decodes {@code len} bytes at {@code at} of the names region (ASCII fast path, else UTF-8). */
    String decodeName(int at, int len) {
        byte[] n = names;
        int from = at;
        if (n == null) {
            n = new byte[len];
            buf.get((int) nameBase + at, n);
            from = 0;
        }
        for (int k = from; k < from + len; k++) {
            if (n[k] < 0) return new String(n, from, len, StandardCharsets.UTF_8);
        }
        return new String(n, from, len, StandardCharsets.ISO_8859_1);
    }

    private long word(long at) {
        return ptrSize == 8 ? buf.getLong((int) at) : Integer.toUnsignedLong(buf.getInt((int) at));
    }

    private int u8(long at) {
        return buf.get((int) at) & 0xff;
    }

    private GoBinaryException fail(String what) {
        return new GoBinaryException(String.format("%s: pclntab (%s, at 0x%x, file offset 0x%x) %s", path, foundBy, vaddr, fileOffset, what));
    }
}
