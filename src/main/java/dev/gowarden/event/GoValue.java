package dev.gowarden.event;

import java.util.List;

/** A decoded Go value, as the formatters print it. */
public sealed interface GoValue {
    record Int(long value) implements GoValue {
    }

    record Uint(long value) implements GoValue {
    }

    record Bool(boolean value) implements GoValue {
    }

    record Float(double value) implements GoValue {
    }

    /** Pointers and the other reference kinds (map, chan, func, unsafe.Pointer). */
    record Pointer(long address) implements GoValue {
    }

    /** A Go string: the captured bytes (decoded as UTF-8), its real length, and whether the capture was cut. */
    record Str(String text, long length, boolean truncated) implements GoValue {
    }

    /** A []byte whose contents were captured. */
    record Bytes(byte[] bytes, long length, long capacity, boolean truncated) implements GoValue {
    }

    /** A slice header, and its first elements when the probe read them ({@code head}, at most len of them). */
    record Slice(long data, long length, long capacity, List<GoValue> head) implements GoValue {
        public Slice {
            head = head == null ? List.of() : List.copyOf(head);
        }

        public Slice(long data, long length, long capacity) {
            this(data, length, capacity, List.of());
        }
    }

    /**
     * An interface value: its type word (itab or type descriptor) and data word, and when the binary says so the
     * dynamic type's name and what the data holds for the types gowarden knows (an error's text, an errno).
     */
    record Interface(long type, long data, String typeName, GoValue pointee) implements GoValue {
        public Interface(long type, long data) {
            this(type, data, null, null);
        }
    }

    /** A non-nil pointer and the value it points to, read by the probe (one level deep). */
    record Deref(long address, GoValue value) implements GoValue {
    }

    /** A map or channel: its address and what its header says (count; a channel's buffer size, else -1). */
    record Container(String kind, long address, long length, long capacity) implements GoValue {
    }

    record Field(String name, GoValue value) {
    }

    record Struct(List<Field> fields) implements GoValue {
    }

    record Array(List<GoValue> elements) implements GoValue {
    }

    /** A value that could not be read, with the reason (a float register, a bad pointer, too many words). */
    record Unreadable(String reason) implements GoValue {
    }
}
