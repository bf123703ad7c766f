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

    record Slice(long data, long length, long capacity) implements GoValue {
    }

    record Interface(long type, long data) implements GoValue {
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
