package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.ElfFormatException;
import dev.gowarden.elf.ElfSymbolTable;
import dev.gowarden.elf.Segment;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names of Go types from their runtime descriptors ({@code runtime._type}) in the binary: what an interface value's
 * dynamic type is ({@code *errors.errorString}, {@code *os.PathError}). A descriptor holds its name as an offset
 * ({@code str}, int32 at +40 on 64-bit since Go 1.7) from the module's {@code types} base; the name is a flags
 * byte, the length (varint from Go 1.17, big-endian u16 before) and the bytes, with a leading '*' to drop when
 * the descriptor's tflag has {@code tflagExtraStar}. Addresses are link-time ones (subtract a PIE's load bias first).
 */
public final class TypeNames {
    private static final int TFLAG_OFFSET = 20;
    private static final int STR_OFFSET = 40;
    private static final int TFLAG_EXTRA_STAR = 1 << 1;
    private static final int MAX_NAME = 1 << 12;

    private final ElfFile elf;
    private final long types;
    private final long etypes;
    private final Boolean varintLengths;   // null: unknown (Go 1.16/1.17 without build info), try both
    private final ConcurrentHashMap<Long, Optional<String>> cache = new ConcurrentHashMap<>();

    private TypeNames(ElfFile elf, long types, long etypes, Boolean varintLengths) {
        this.elf = elf;
        this.types = types;
        this.etypes = etypes;
        this.varintLengths = varintLengths;
    }

    /** Type names of a binary: from the symbols runtime.types/etypes, else moduledata; empty when neither exists. */
    static Optional<TypeNames> of(GoBinary bin) {
        if (bin.pclntab().ptrSize() != 8) return Optional.empty();
        long[] range = null;
        Optional<ElfSymbolTable> symtab = bin.elf().symbolTable();
        if (symtab.isPresent()) {
            int t = symtab.get().find("runtime.types");
            int e = symtab.get().find("runtime.etypes");
            if (t >= 0 && e >= 0 && symtab.get().value(t) < symtab.get().value(e)) {
                range = new long[]{symtab.get().value(t), symtab.get().value(e)};
            }
        }
        if (range == null) range = ModuleData.typesFor(bin.elf(), bin.pclntab()).orElse(null);
        if (range == null) return Optional.empty();
        Boolean varint = bin.goVersion().map(v -> v.atLeast(1, 17)).orElse(switch (bin.pclntab().format()) {
            case GO12 -> false;
            case GO116 -> null;
            case GO118, GO120 -> true;
        });
        return Optional.of(new TypeNames(bin.elf(), range[0], range[1], varint));
    }

    /** [types, etypes): where type descriptors and their names live. */
    public long typesStart() {
        return types;
    }

    public long typesEnd() {
        return etypes;
    }

    /** The name of the type whose descriptor is at link-time address {@code descriptor}; empty if it is not one. */
    public Optional<String> nameOf(long descriptor) {
        return cache.computeIfAbsent(descriptor, this::read);
    }

    private Optional<String> read(long descriptor) {
        if (descriptor < types || descriptor > etypes - STR_OFFSET - 4) return Optional.empty();
        try {
            long off = elf.fileOffset(descriptor);
            int tflag = elf.u8(off + TFLAG_OFFSET);
            long str = (int) elf.u32(off + STR_OFFSET);
            long name = types + str;
            if (str < 0 || name >= etypes - 2) return Optional.empty();
            Optional<String> text = Optional.empty();
            if (varintLengths == null || varintLengths) text = decode(name, true);
            if (text.isEmpty() && (varintLengths == null || !varintLengths)) text = decode(name, false);
            return text.map(n -> (tflag & TFLAG_EXTRA_STAR) != 0 && n.startsWith("*") ? n.substring(1) : n);
        } catch (ElfFormatException e) {
            return Optional.empty();    // not file-backed: not a descriptor of this binary
        }
    }

    private Optional<String> decode(long name, boolean varint) {
        Segment seg = elf.loadSegmentFor(name).orElse(null);
        if (seg == null) return Optional.empty();
        long off = elf.fileOffset(name);
        long limit = seg.offset() + seg.fileSize();
        long at = off + 1;  // the flags byte
        long length = 0;
        if (varint) {
            for (int shift = 0; ; shift += 7) {
                if (at >= limit || shift > 14) return Optional.empty();
                int b = elf.u8(at++);
                length |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) break;
            }
        } else {
            if (at + 2 > limit) return Optional.empty();
            length = (elf.u8(at) << 8) | elf.u8(at + 1);
            at += 2;
        }
        if (length <= 0 || length > MAX_NAME || at + length > limit) return Optional.empty();
        byte[] bytes = new byte[(int) length];
        for (int i = 0; i < length; i++) {
            int b = elf.u8(at + i);
            if (b < 0x20 || b == 0x7f) return Optional.empty();
            bytes[i] = (byte) b;
        }
        return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }
}
