package dev.gowarden.abi;

import java.util.List;

/**
 * A Go type, as far as the calling convention and the decoder need it: its size, alignment and shape.
 * Sizes are for 64-bit targets (amd64, arm64).
 */
public sealed interface GoType {
    long size();

    long align();

    /** How the value is printed. */
    String display();

    enum Kind {
        BOOL(1), INT8(1), INT16(2), INT32(4), INT64(8), INT(8), UINT8(1), UINT16(2), UINT32(4), UINT64(8), UINT(8),
        UINTPTR(8), FLOAT32(4), FLOAT64(8), COMPLEX64(8), COMPLEX128(16), STRING(16), UNSAFE_POINTER(8);

        final int size;

        Kind(int size) {
            this.size = size;
        }

        public boolean isSigned() {
            return this == INT8 || this == INT16 || this == INT32 || this == INT64 || this == INT;
        }

        public boolean isInteger() {
            return ordinal() >= INT8.ordinal() && ordinal() <= UINTPTR.ordinal();
        }

        public boolean isFloat() {
            return this == FLOAT32 || this == FLOAT64 || this == COMPLEX64 || this == COMPLEX128;
        }
    }

    record Basic(Kind kind, String name) implements GoType {
        public long size() {
            return kind.size;
        }

        public long align() {
            return switch (kind) {
                case COMPLEX64 -> 4;
                case COMPLEX128, STRING -> 8;
                default -> kind.size;
            };
        }

        public String display() {
            return name;
        }
    }

    /** Pointers and the other one-word reference types: map, chan, func. */
    record Pointer(String display, GoType elem, Ref ref) implements GoType {
        /** What the word points to: a value of elem, a map header, a channel, or a func value. */
        public enum Ref { POINTER, MAP, CHAN, FUNC }

        /** The kind read from the spelling: right for written-out types (map[K]V, chan T), not for named ones. */
        public Pointer(String display, GoType elem) {
            this(display, elem, display.startsWith("map[") ? Ref.MAP
                    : display.startsWith("chan") || display.startsWith("<-chan") ? Ref.CHAN
                    : display.startsWith("func") ? Ref.FUNC : Ref.POINTER);
        }

        public long size() {
            return 8;
        }

        /** A map: a pointer to the runtime's map header, whose first word is the count. */
        public boolean isMap() {
            return ref == Ref.MAP;
        }

        /** A channel: a pointer to runtime.hchan {qcount, dataqsiz, ...}. */
        public boolean isChan() {
            return ref == Ref.CHAN;
        }

        public long align() {
            return 8;
        }
    }

    record Slice(GoType elem) implements GoType {
        public long size() {
            return 24;
        }

        public long align() {
            return 8;
        }

        public String display() {
            return "[]" + elem.display();
        }
    }

    /** An interface; {@code empty} (no methods: any, or a named empty one) means its first word is a type descriptor. */
    record Interface(String display, boolean empty) implements GoType {
        /** Emptiness from the spelling: right for any and interface{}, not for named empty interfaces. */
        public Interface(String display) {
            this(display, display.replace(" ", "").equals("any") || display.replace(" ", "").equals("interface{}"));
        }

        public long size() {
            return 16;
        }

        /** No methods: the first word is the type descriptor itself, not an itab. */
        public boolean isEmpty() {
            return empty;
        }

        public long align() {
            return 8;
        }
    }

    record Array(long length, GoType elem) implements GoType {
        public long size() {
            return length * elem.size();
        }

        public long align() {
            return elem.align();
        }

        public String display() {
            return "[" + length + "]" + elem.display();
        }
    }

    record Field(String name, GoType type, long offset) {
    }

    record Struct(List<Field> fields, long size, long align) implements GoType {
        /** Lays the fields out as the Go compiler does: natural alignment, trailing zero-size field padded. */
        public static Struct of(List<String> names, List<GoType> types) {
            long off = 0;
            long align = 1;
            List<Field> fields = new java.util.ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                GoType t = types.get(i);
                off = alignUp(off, t.align());
                fields.add(new Field(names.get(i), t, off));
                off += t.size();
                align = Math.max(align, t.align());
            }
            if (!types.isEmpty() && types.getLast().size() == 0 && off > 0) {
                off++;
            }
            return new Struct(List.copyOf(fields), alignUp(off, align), align);
        }

        public String display() {
            StringBuilder sb = new StringBuilder("struct{");
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) sb.append("; ");
                sb.append(fields.get(i).name()).append(' ').append(fields.get(i).type().display());
            }
            return sb.append('}').toString();
        }
    }

    static long alignUp(long v, long a) {
        return a <= 1 ? v : (v + a - 1) / a * a;
    }
}
