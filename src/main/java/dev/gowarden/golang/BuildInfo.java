package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.ElfFormatException;
import dev.gowarden.elf.Section;
import dev.gowarden.elf.Segment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Go build information from {@code .go.buildinfo}: the Go version, the main module and the build settings.
 * Reads the pointer format (Go 1.13–1.17) and the inline format (1.18+); finds the blob by section name or,
 * without section headers, by its magic at a 16-byte boundary in the first writable segment.
 */
public record BuildInfo(GoVersion goVersion, String mainPackage, String mainModule, Map<String, String> settings) {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int SCAN_LIMIT = 64 * 1024;

    /** Reads build info, or empty when the binary has none (not Go, or Go older than 1.13). */
    public static Optional<BuildInfo> read(ElfFile elf) {
        Optional<Long> blob = locate(elf);
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        long off = blob.get();
        int ptrSize = elf.u8(off + 14);
        int flags = elf.u8(off + 15);
        if (ptrSize != 4 && ptrSize != 8) {
            throw new ElfFormatException(elf.path(), "Go build info has pointer size " + ptrSize);
        }
        // Both strings are read as ISO-8859-1, one char per byte (a copy, where UTF-8 decoding of the tens of KB of
        // a big program's module list is a byte loop in a fresh JVM); the few fields kept are decoded from UTF-8.
        String version;
        String modinfo;
        if ((flags & 0x2) != 0) {
            long[] cursor = {off + 32};
            version = readVarString(elf, cursor);
            modinfo = readVarString(elf, cursor);
        } else {
            long versionAddr = ptrSize == 8 ? elf.u64(off + 16) : elf.u32(off + 16);
            long modAddr = ptrSize == 8 ? elf.u64(off + 16 + ptrSize) : elf.u32(off + 16 + ptrSize);
            version = readGoString(elf, versionAddr, ptrSize);
            modinfo = readGoString(elf, modAddr, ptrSize);
        }
        if (modinfo.length() >= 33 && modinfo.charAt(modinfo.length() - 17) == '\n') {
            modinfo = modinfo.substring(16, modinfo.length() - 16);
        }
        String path = "";
        String mod = "";
        Map<String, String> settings = new LinkedHashMap<>();
        // Lines are "path\t<pkg>", "mod\t<module>\t<version>\t<sum>", "dep\t…", "=>\t…" and "build\t<key>=<value>".
        // Only path, mod and build matter; the dep lines (hundreds in big programs) are skipped without splitting.
        for (int at = 0, nl; at < modinfo.length(); at = nl + 1) {
            nl = modinfo.indexOf('\n', at);
            if (nl < 0) nl = modinfo.length();
            if (modinfo.startsWith("path\t", at)) {
                path = utf8(secondField(modinfo, at + 5, nl));
            } else if (modinfo.startsWith("mod\t", at)) {
                mod = utf8(secondField(modinfo, at + 4, nl));
            } else if (modinfo.startsWith("build\t", at)) {
                String kv = utf8(secondField(modinfo, at + 6, nl));
                int eq = kv.indexOf('=');
                if (eq > 0) settings.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        GoVersion v;
        try {
            v = GoVersion.parse(utf8(version));
        } catch (IllegalArgumentException e) {
            throw new ElfFormatException(elf.path(), "Go build info holds an unreadable version '" + utf8(version) + "'");
        }
        return Optional.of(new BuildInfo(v, path, mod, Map.copyOf(settings)));
    }

    /** Re-decodes as UTF-8 a string read as ISO-8859-1. */
    private static String utf8(String latin1) {
        for (int i = 0; i < latin1.length(); i++) {
            if (latin1.charAt(i) >= 0x80) return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
        return latin1;
    }

    /** The text from {@code from} to the next tab or {@code lineEnd}. */
    private static String secondField(String s, int from, int lineEnd) {
        int tab = s.indexOf('\t', from);
        return s.substring(from, tab >= 0 && tab < lineEnd ? tab : lineEnd);
    }

    private static Optional<Long> locate(ElfFile elf) {
        Optional<Section> s = elf.section(".go.buildinfo");
        if (s.isPresent() && s.get().hasFileData() && s.get().size() >= 32 && hasMagic(elf, s.get().offset())) {
            return Optional.of(s.get().offset());
        }
        for (Segment seg : elf.segments()) {
            if (!seg.isLoad() || !seg.isWritable() || seg.isExecutable()) {
                continue;
            }
            long limit = Math.min(seg.fileSize(), SCAN_LIMIT);
            for (long o = 0; o + 32 <= limit; o += 16) {
                if (hasMagic(elf, seg.offset() + o)) {
                    return Optional.of(seg.offset() + o);
                }
            }
            break;
        }
        return Optional.empty();
    }

    private static boolean hasMagic(ElfFile elf, long off) {
        if (off + MAGIC.length > elf.size()) return false;
        elf.slice(off, MAGIC.length, "build info magic");    // the bounds check and its error, as before
        for (int i = 0; i < MAGIC.length; i++) {
            if (elf.u8(off + i) != (MAGIC[i] & 0xff)) return false;
        }
        return true;
    }

    private static String readVarString(ElfFile elf, long[] cursor) {
        long len = 0;
        int shift = 0;
        while (true) {
            int b = elf.u8(cursor[0]++);
            len |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
            shift += 7;
            if (shift > 35) throw new ElfFormatException(elf.path(), "Go build info has a malformed length varint");
        }
        MemorySegment bytes = elf.slice(cursor[0], len, "Go build info string");
        cursor[0] += len;
        return new String(bytesOf(bytes), StandardCharsets.ISO_8859_1);
    }

    /**
     * The bytes of a slice of the file, through a ByteBuffer: MemorySegment.toArray would bootstrap a type switch
     * (a generated class, milliseconds at start-up) on its first use.
     */
    private static byte[] bytesOf(MemorySegment m) {
        ByteBuffer b = m.asByteBuffer();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static String readGoString(ElfFile elf, long headerAddr, int ptrSize) {
        MemorySegment hdr = elf.sliceAtAddress(headerAddr, 2L * ptrSize, "Go build info string header");
        // ELF files here are little-endian (ElfFile rejects others); a ByteBuffer read avoids VarHandle set-up
        ByteBuffer b = hdr.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long ptr = ptrSize == 8 ? b.getLong(0) : Integer.toUnsignedLong(b.getInt(0));
        long len = ptrSize == 8 ? b.getLong(8) : Integer.toUnsignedLong(b.getInt(4));
        if (len < 0 || len > 1 << 24) {
            throw new ElfFormatException(elf.path(), "Go build info string has absurd length " + len);
        }
        if (len == 0) return "";
        return new String(bytesOf(elf.sliceAtAddress(ptr, len, "Go build info string")), StandardCharsets.ISO_8859_1);
    }
}
