package dev.gowarden.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Index-based, allocation-free view of {@code .symtab} or {@code .dynsym}: values, sizes and types are read
 * straight from the mapped file and a name is decoded only when asked for. Entry 0 (the null symbol) is skipped,
 * so {@code i} runs from 0 to {@code count() - 1}. Both tables were bounds-checked when the view was made.
 */
public final class ElfSymbolTable {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment syms;
    private final MemorySegment strs;
    private final long entsize;
    private final int count;

    ElfSymbolTable(MemorySegment syms, MemorySegment strs, long entsize) {
        this.syms = syms;
        this.strs = strs;
        this.entsize = entsize;
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
        return syms.get(U64, at(i) + 8);
    }

    public long size(int i) {
        return syms.get(U64, at(i) + 16);
    }

    public int type(int i) {
        return syms.get(ValueLayout.JAVA_BYTE, at(i) + 4) & 0xf;
    }

    public int bind(int i) {
        return (syms.get(ValueLayout.JAVA_BYTE, at(i) + 4) & 0xff) >> 4;
    }

    public int sectionIndex(int i) {
        return Short.toUnsignedInt(syms.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at(i) + 6));
    }

    /** A defined function symbol (STT_FUNC, not undefined). */
    public boolean isFunction(int i) {
        return type(i) == ElfSymbol.STT_FUNC && sectionIndex(i) != ElfSymbol.SHN_UNDEF;
    }

    /** The name, or "" when its offset or terminator lies outside the string table. */
    public String name(int i) {
        long off = Integer.toUnsignedLong(syms.get(U32, at(i)));
        long len = nameLength(off);
        if (len < 0) {
            return "";
        }
        return new String(strs.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** True when symbol {@code i} is named exactly {@code utf8} (compared byte by byte, nothing decoded). */
    public boolean nameEquals(int i, byte[] utf8) {
        long off = Integer.toUnsignedLong(syms.get(U32, at(i)));
        if (off + utf8.length >= strs.byteSize()) {
            return false;
        }
        for (int k = 0; k < utf8.length; k++) {
            if (strs.get(ValueLayout.JAVA_BYTE, off + k) != utf8[k]) {
                return false;
            }
        }
        return strs.get(ValueLayout.JAVA_BYTE, off + utf8.length) == 0;
    }

    /** True when symbol {@code i}'s name ends with {@code suffix} (UTF-8 bytes). */
    public boolean nameEndsWith(int i, byte[] suffix) {
        long off = Integer.toUnsignedLong(syms.get(U32, at(i)));
        long len = nameLength(off);
        if (len < suffix.length) {
            return false;
        }
        long from = off + len - suffix.length;
        for (int k = 0; k < suffix.length; k++) {
            if (strs.get(ValueLayout.JAVA_BYTE, from + k) != suffix[k]) {
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

    private long nameLength(long off) {
        long limit = strs.byteSize();
        if (off >= limit) {
            return -1;
        }
        for (long p = off; p < limit; p++) {
            if (strs.get(ValueLayout.JAVA_BYTE, p) == 0) {
                return p - off;
            }
        }
        return -1;
    }
}
