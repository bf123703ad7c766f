package dev.gowarden.dwarf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A bounds-checked little-endian read position in one DWARF section; errors name the file, section and offset. */
final class ByteCursor {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final Path file;
    final String section;
    final MemorySegment data;
    final long limit;
    long pos;

    ByteCursor(Path file, String section, MemorySegment data, long pos) {
        this(file, section, data, pos, data.byteSize());
    }

    ByteCursor(Path file, String section, MemorySegment data, long pos, long limit) {
        this.file = file;
        this.section = section;
        this.data = data;
        this.pos = pos;
        this.limit = Math.min(limit, data.byteSize());
    }

    DwarfException error(long at, String problem) {
        return new DwarfException(file, section, at, problem);
    }

    private void need(long n) {
        if (pos < 0 || n > limit - pos) {
            throw error(pos, "read of " + n + " bytes runs past the end (0x" + Long.toHexString(limit) + "): truncated or corrupt");
        }
    }

    boolean atEnd() {
        return pos >= limit;
    }

    int u8() {
        need(1);
        return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, pos++));
    }

    int u16() {
        need(2);
        int v = Short.toUnsignedInt(data.get(U16, pos));
        pos += 2;
        return v;
    }

    long u24() {
        need(3);
        long v = Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, pos)) | Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, pos + 1)) << 8
                | Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, pos + 2)) << 16;
        pos += 3;
        return v;
    }

    long u32() {
        need(4);
        long v = Integer.toUnsignedLong(data.get(U32, pos));
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = data.get(U64, pos);
        pos += 8;
        return v;
    }

    /** An unsigned value of {@code size} bytes (1, 2, 4 or 8). */
    long unsigned(int size) {
        return switch (size) {
            case 1 -> u8();
            case 2 -> u16();
            case 4 -> u32();
            case 8 -> u64();
            default -> throw error(pos, "unsupported field size " + size);
        };
    }

    long uleb() {
        long result = 0;
        int shift = 0;
        while (true) {
            need(1);
            byte b = data.get(ValueLayout.JAVA_BYTE, pos++);
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) return result;
        }
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        byte b;
        do {
            need(1);
            b = data.get(ValueLayout.JAVA_BYTE, pos++);
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }

    void skip(long n) {
        need(n);
        pos += n;
    }

    /** Skips a LEB128 number without decoding it: the index scan does this for most attributes. */
    void skipLeb() {
        while (true) {
            need(1);
            if ((data.get(ValueLayout.JAVA_BYTE, pos++) & 0x80) == 0) return;
        }
    }

    String cString() {
        long start = pos;
        long end = start;
        while (true) {
            if (end >= limit) throw error(start, "string is not NUL-terminated");
            if (data.get(ValueLayout.JAVA_BYTE, end) == 0) break;
            end++;
        }
        pos = end + 1;
        return new String(data.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    void skipCString() {
        while (true) {
            need(1);
            if (data.get(ValueLayout.JAVA_BYTE, pos++) == 0) return;
        }
    }

    byte[] bytes(long n) {
        need(n);
        byte[] b = data.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return b;
    }

    /** A NUL-terminated string at an absolute offset of this section. */
    String stringAt(long offset) {
        if (offset < 0 || offset >= limit) throw error(offset, "string offset is outside the section");
        long save = pos;
        pos = offset;
        try {
            return cString();
        } finally {
            pos = save;
        }
    }
}
