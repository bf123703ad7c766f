package dev.gowarden.event;


/** Prints decoded values the way Go source would write them ("hello", 0xc000010000, {A: 1}). */
public final class GoSyntax {
    private GoSyntax() {
    }

    public static void append(StringBuilder sb, GoValue v) {
        switch (v) {
            case GoValue.Int i -> sb.append(i.value());
            case GoValue.Uint u -> sb.append(Long.toUnsignedString(u.value()));
            case GoValue.Bool b -> sb.append(b.value());
            case GoValue.Float f -> sb.append(f.value());
            case GoValue.Pointer p -> {
                if (p.address() == 0) sb.append("nil");
                else sb.append("0x").append(Long.toHexString(p.address()));
            }
            case GoValue.Str s -> {
                quote(sb, s.text());
                if (s.truncated()) sb.append("...(").append(s.length()).append(" bytes, truncated)");
            }
            case GoValue.Bytes b -> {
                sb.append("[]byte(");
                quote(sb, Utf8.decode(b.bytes(), 0, b.bytes().length));
                sb.append(')');
                if (b.truncated()) sb.append("...(").append(b.length()).append(" bytes, truncated)");
            }
            case GoValue.Slice s when !s.head().isEmpty() || (s.length() == 0 && s.data() != 0) -> {
                // the first elements the probe read: [1, 2, 3] when that is all, [1, 2, 3, 4, ...(10 elements)] if not
                sb.append('[');
                for (int i = 0; i < s.head().size(); i++) {
                    if (i > 0) sb.append(", ");
                    append(sb, s.head().get(i));
                }
                if (s.length() > s.head().size()) sb.append(", ...(").append(s.length()).append(" elements)");
                sb.append(']');
            }
            case GoValue.Slice s -> {
                if (s.data() == 0 && s.length() == 0) sb.append("nil");
                else sb.append("[]{len=").append(s.length()).append(" cap=").append(s.capacity())
                        .append(" data=0x").append(Long.toHexString(s.data())).append('}');
            }
            case GoValue.Interface i -> {
                if (i.type() == 0) {
                    sb.append("nil");
                } else if (i.typeName() == null) {
                    sb.append("(type=0x").append(Long.toHexString(i.type())).append(" data=0x").append(Long.toHexString(i.data())).append(')');
                } else {
                    // the dynamic type, then what it holds as far as known: *errors.errorString("EOF"), syscall.Errno(2)
                    sb.append(i.typeName()).append('(');
                    if (i.pointee() != null) append(sb, i.pointee());
                    else sb.append("0x").append(Long.toHexString(i.data()));
                    sb.append(')');
                }
            }
            case GoValue.Deref d -> {
                sb.append('&');
                append(sb, d.value());
            }
            case GoValue.Container c -> {
                sb.append(c.kind()).append("{len=").append(c.length());
                if (c.capacity() >= 0) sb.append(" cap=").append(c.capacity());
                sb.append(" at 0x").append(Long.toHexString(c.address())).append('}');
            }
            case GoValue.Struct s -> {
                sb.append('{');
                for (int i = 0; i < s.fields().size(); i++) {
                    if (i > 0) sb.append(", ");
                    sb.append(s.fields().get(i).name()).append(": ");
                    append(sb, s.fields().get(i).value());
                }
                sb.append('}');
            }
            case GoValue.Array a -> {
                sb.append('[');
                for (int i = 0; i < a.elements().size(); i++) {
                    if (i > 0) sb.append(", ");
                    append(sb, a.elements().get(i));
                }
                sb.append(']');
            }
            case GoValue.Unreadable u -> sb.append("<unreadable: ").append(u.reason()).append('>');
        }
    }

    public static String toString(GoValue v) {
        StringBuilder sb = new StringBuilder();
        append(sb, v);
        return sb.toString();
    }

    /** Go's strconv.Quote for the characters that matter in a terminal. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Utf8.isEscapedByte(c)) sb.append(String.format("\\x%02x", c - 0xDC00));
                    else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
