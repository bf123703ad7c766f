package dev.gowarden.event;

/**
 * A small, allocation-light JSON writer for one line of output (events, symbol listings). Strings are escaped
 * per RFC 8259; bytes that are not valid UTF-8 never reach it (decoders replace them).
 */
public final class Json {
    private final StringBuilder sb;
    private boolean needComma;

    public Json() {
        this(new StringBuilder(256));
    }

    public Json(StringBuilder sb) {
        this.sb = sb;
    }

    public Json object() {
        separator();
        sb.append('{');
        needComma = false;
        return this;
    }

    public Json object(String name) {
        key(name);
        sb.append('{');
        needComma = false;
        return this;
    }

    public Json array(String name) {
        key(name);
        sb.append('[');
        needComma = false;
        return this;
    }

    public Json endArray() {
        sb.append(']');
        needComma = true;
        return this;
    }

    public Json endObject() {
        sb.append('}');
        needComma = true;
        return this;
    }

    /** Closes the outermost object and returns the text. */
    public String end() {
        sb.append('}');
        return sb.toString();
    }

    public Json field(String name, String value) {
        key(name);
        string(value);
        return this;
    }

    /** A string element of the array being written. */
    public Json value(String value) {
        separator();
        string(value);
        return this;
    }

    public Json field(String name, long value) {
        key(name);
        sb.append(value);
        return this;
    }

    public Json field(String name, boolean value) {
        key(name);
        sb.append(value);
        return this;
    }

    /** An unsigned 64-bit value, written as a JSON number. */
    public Json unsignedField(String name, long value) {
        key(name);
        sb.append(Long.toUnsignedString(value));
        return this;
    }

    public Json rawField(String name, String json) {
        key(name);
        sb.append(json);
        return this;
    }

    public StringBuilder builder() {
        return sb;
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    private void separator() {
        if (needComma) sb.append(',');
    }

    private void key(String name) {
        separator();
        string(name);
        sb.append(':');
        needComma = true;
    }

    private void string(String s) {
        sb.append('"');
        appendEscaped(sb, s);
        sb.append('"');
        needComma = true;
    }

    public static void appendEscaped(StringBuilder sb, CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Utf8.isEscapedByte(c)) {
                        sb.append('\uFFFD');
                    } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
