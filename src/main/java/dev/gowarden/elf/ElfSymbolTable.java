package dev.gowarden.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Index-based, allocation-free view of {@code .symtab} or {@code .dynsym}: values, sizes and types are read
 * straight from the mapped file and a name is decoded only when asked for. Entry 0 (the null symbol) is skipped,
 * so {@code i} runs from 0 to {@code count() - 1}. Both tables were bounds-checked when the view was made.
 */
public final class ElfSymbolTable {
    /**
     * Layouts for tables over 2 GiB only, in a holder class so that ordinary tables never initialise them: the first
     * {@code MemorySegment.get} with each layout costs milliseconds of VarHandle set-up at start-up, whereas
     * {@link ByteBuffer} absolute reads are cheap before the JIT warms up.
     */
    private static final class Wide {
        static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    }

    private final MemorySegment syms;
    private final MemorySegment strs;
    private final ByteBuffer symBuf;    // the same bytes as syms, little-endian; null when over 2 GiB
    private final ByteBuffer strBuf;    // the same bytes as strs; null when over 2 GiB
    private final long entsize;
    private final int count;

    ElfSymbolTable(MemorySegment syms, MemorySegment strs, long entsize) {
        this.syms = syms;
        this.strs = strs;
        this.entsize = entsize;
        this.symBuf = syms.byteSize() <= Integer.MAX_VALUE ? syms.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        this.strBuf = strs.byteSize() <= Integer.MAX_VALUE ? strs.asByteBuffer() : null;
        long n = syms.byteSize() / entsize - 1;
        this.count = (int) Math.max(0, Math.min(n, Integer.MAX_VALUE));
    }

    public int count() {
        return count;
    }

    private long at(int i) {
        return (i + 1L) * entsize;
    }

    public long value(int i) {
        return symU64(at(i) + 8);
    }

    public long size(int i) {
        return symU64(at(i) + 16);
    }

    public int type(int i) {
        return symByte(at(i) + 4) & 0xf;
    }

    public int bind(int i) {
        return (symByte(at(i) + 4) & 0xff) >> 4;
    }

    public int sectionIndex(int i) {
        long at = at(i) + 6;
        return Short.toUnsignedInt(symBuf != null && at == (int) at ? symBuf.getShort((int) at) : syms.get(Wide.U16, at));
    }

    /** A defined function symbol (STT_FUNC, not undefined). */
    public boolean isFunction(int i) {
        return type(i) == ElfSymbol.STT_FUNC && sectionIndex(i) != ElfSymbol.SHN_UNDEF;
    }

    /** The name, or "" when its offset or terminator lies outside the string table. */
    public String name(int i) {
        long off = nameOffset(i);
        long len = nameLength(off);
        if (len < 0) {
            return "";
        }
        if (strBuf == null) {
            return new String(strs.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
        // a ByteBuffer bulk read: the first MemorySegment.toArray bootstraps a type switch (milliseconds at start-up)
        byte[] bytes = new byte[(int) len];
        strBuf.get((int) off, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** True when symbol {@code i} is named exactly {@code utf8} (compared byte by byte, nothing decoded). */
    public boolean nameEquals(int i, byte[] utf8) {
        long off = nameOffset(i);
        if (off + utf8.length >= strs.byteSize()) {
            return false;
        }
        for (int k = 0; k < utf8.length; k++) {
            if (strByte(off + k) != utf8[k]) {
                return false;
            }
        }
        return strByte(off + utf8.length) == 0;
    }

    /** True when symbol {@code i}'s name ends with {@code suffix} (UTF-8 bytes). */
    public boolean nameEndsWith(int i, byte[] suffix) {
        long off = nameOffset(i);
        long len = nameLength(off);
        if (len < suffix.length) {
            return false;
        }
        long from = off + len - suffix.length;
        for (int k = 0; k < suffix.length; k++) {
            if (strByte(from + k) != suffix[k]) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first symbol with this exact name, or -1. */
    public int find(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < count; i++) {
            if (nameEquals(i, b)) {
                return i;
            }
        }
        return -1;
    }

    // Entry i lies inside syms for 0 <= i < count; an out-of-range i whose offset does not fit an int goes to the
    // segment, which fails as it always did (the buffer checks the rest itself).
    private long symU64(long at) {
        return symBuf != null && at == (int) at ? symBuf.getLong((int) at) : syms.get(Wide.U64, at);
    }

    private byte symByte(long at) {
        return symBuf != null && at == (int) at ? symBuf.get((int) at) : syms.get(ValueLayout.JAVA_BYTE, at);
    }

    private long nameOffset(int i) {
        long at = at(i);
        return Integer.toUnsignedLong(symBuf != null && at == (int) at ? symBuf.getInt((int) at) : syms.get(Wide.U32, at));
    }

    /** Callers keep {@code 0 <= at < strs.byteSize()}, so it fits an int index whenever strBuf exists. */
    private byte strByte(long at) {
        return strBuf != null ? strBuf.get((int) at) : strs.get(ValueLayout.JAVA_BYTE, at);
    }

    private long nameLength(long off) {
        long limit = strs.byteSize();
        if (off >= limit) {
            return -1;
        }
        for (long p = off; p < limit; p++) {
            if (strByte(p) == 0) {
                return p - off;
            }
        }
        return -1;
    }
}
