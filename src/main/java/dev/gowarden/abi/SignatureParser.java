package dev.gowarden.abi;

import dev.gowarden.abi.GoType.Basic;
import dev.gowarden.abi.GoType.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses probe signatures written in Go syntax: {@code pkg.Func(a int, s string) (int, error)}, with methods
 * ({@code pkg.(*T).M}, {@code pkg.T.M}), closures ({@code pkg.F.func1}), generics ({@code pkg.Map[...]}) and a
 * bare name ({@code main.greet}: no declared parameters). Errors point at the column.
 */
public final class SignatureParser {
    private static final Map<String, Kind> BASIC = Map.ofEntries(
            Map.entry("bool", Kind.BOOL), Map.entry("int8", Kind.INT8), Map.entry("int16", Kind.INT16),
            Map.entry("int32", Kind.INT32), Map.entry("rune", Kind.INT32), Map.entry("int64", Kind.INT64),
            Map.entry("int", Kind.INT), Map.entry("uint8", Kind.UINT8), Map.entry("byte", Kind.UINT8),
            Map.entry("uint16", Kind.UINT16), Map.entry("uint32", Kind.UINT32), Map.entry("uint64", Kind.UINT64),
            Map.entry("uint", Kind.UINT), Map.entry("uintptr", Kind.UINTPTR), Map.entry("float32", Kind.FLOAT32),
            Map.entry("float64", Kind.FLOAT64), Map.entry("complex64", Kind.COMPLEX64),
            Map.entry("complex128", Kind.COMPLEX128), Map.entry("string", Kind.STRING),
            Map.entry("unsafe.Pointer", Kind.UNSAFE_POINTER));
    /** Interface types every Go program knows by name; other named types need their underlying type written out. */
    private static final Set<String> KNOWN_INTERFACES = Set.of("error", "any", "interface{}", "io.Reader", "io.Writer",
            "io.Closer", "io.ReadWriter", "io.ReadCloser", "io.WriteCloser", "io.ReadWriteCloser", "context.Context",
            "fmt.Stringer", "net.Conn", "net.Listener", "net.Addr", "http.ResponseWriter", "http.Handler",
            "reflect.Type", "sort.Interface");

    private static final Set<String> KEYWORDS = Set.of("map", "chan", "func", "struct", "interface");

    private final String text;
    private int pos;

    private SignatureParser(String text) {
        this.text = text;
    }

    public static Signature parse(String text) {
        return new SignatureParser(text).signature();
    }

    private Signature signature() {
        skipSpace();
        int start = pos;
        String name = functionName();
        if (name.isEmpty()) {
            throw error(start, "expected a function name such as main.greet");
        }
        List<Signature.Param> params = new ArrayList<>();
        String receiver = pointerReceiver(name);
        if (receiver != null) {
            params.add(new Signature.Param("recv", new GoType.Pointer("*" + receiver, null)));
        }
        skipSpace();
        if (pos == text.length()) {
            return new Signature(name, params, List.of(), false);
        }
        expect('(');
        params.addAll(paramList(')'));
        skipSpace();
        List<Signature.Param> results = List.of();
        if (pos < text.length()) {
            if (peek() == '(') {
                pos++;
                results = paramList(')');
            } else {
                results = List.of(new Signature.Param("", type()));
            }
        }
        skipSpace();
        if (pos != text.length()) {
            throw error(pos, "unexpected '" + text.substring(pos) + "' after the signature");
        }
        return new Signature(name, params, results, true);
    }

    /** The function name: everything up to the '(' of the parameter list (a '(' right after '.' opens a receiver). */
    private String functionName() {
        int start = pos;
        int brackets = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '[') {
                brackets++;
            } else if (c == ']') {
                brackets--;
            } else if (c == '(' && brackets == 0) {
                if (pos > start && text.charAt(pos - 1) == '.') {
                    int close = text.indexOf(')', pos);
                    if (close < 0) throw error(pos, "receiver '(' is never closed");
                    pos = close + 1;
                    continue;
                }
                break;
            } else if (Character.isWhitespace(c) && brackets == 0) {
                break;
            }
            pos++;
        }
        String name = text.substring(start, pos);
        if (!name.isEmpty() && (name.indexOf('.') <= 0 || name.endsWith("."))) {
            throw error(start, "function name '" + name + "' must be package-qualified, e.g. main." + name);
        }
        return name;
    }

    private static String pointerReceiver(String name) {
        int open = name.indexOf(".(*");
        if (open < 0) return null;
        int close = name.indexOf(')', open);
        return close < 0 ? null : name.substring(open + 3, close);
    }

    /** A parameter list after its '(' up to and including the closing character. */
    private List<Signature.Param> paramList(char close) {
        record Entry(String name, GoType type, int column) { }
        List<Entry> entries = new ArrayList<>();
        skipSpace();
        if (peek() == close) {
            pos++;
            return List.of();
        }
        while (true) {
            skipSpace();
            int col = pos;
            // Either "name type", "name" (grouped: a, b int) or a bare "type".
            int save = pos;
            String ident = identifier();
            skipSpace();
            if (ident.isEmpty() || KEYWORDS.contains(ident) || peek() == '.') {
                pos = save;
                entries.add(new Entry("", type(), col));
            } else if (peek() == ',' || peek() == close) {
                entries.add(new Entry(ident, null, col));
            } else {
                entries.add(new Entry(ident, type(), col));
            }
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            if (peek() == close) {
                pos++;
                break;
            }
            throw error(pos, pos >= text.length() ? "missing '" + close + "'" : "expected ',' or '" + close + "'");
        }
        boolean named = entries.stream().anyMatch(e -> !e.name().isEmpty() && e.type() != null);
        List<Signature.Param> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.type() != null) {
                out.add(new Signature.Param(e.name(), e.type()));
                continue;
            }
            if (!named) {
                // A lone identifier in an unnamed list is a type name.
                int p = pos;
                pos = e.column();
                GoType t = type();
                pos = p;
                out.add(new Signature.Param("", t));
                continue;
            }
            GoType groupType = null;
            for (int j = i + 1; j < entries.size() && groupType == null; j++) {
                groupType = entries.get(j).type();
            }
            if (groupType == null) {
                throw error(e.column(), "parameter '" + e.name() + "' has no type");
            }
            out.add(new Signature.Param(e.name(), groupType));
        }
        return out;
    }

    GoType type() {
        skipSpace();
        int col = pos;
        if (pos >= text.length()) {
            throw error(col, "expected a type");
        }
        char c = peek();
        if (c == '*') {
            pos++;
            skipSpace();
            int save = pos;
            String named = qualifiedIdentifier();
            if (!named.isEmpty() && !KEYWORDS.contains(named) && !BASIC.containsKey(named) && !KNOWN_INTERFACES.contains(named)) {
                // A pointer to a named type we know nothing about is still one word: the pointee stays opaque.
                return new GoType.Pointer("*" + named, null);
            }
            pos = save;
            GoType elem = type();
            return new GoType.Pointer("*" + elem.display(), elem);
        }
        if (c == '[') {
            pos++;
            skipSpace();
            if (peek() == ']') {
                pos++;
                return new GoType.Slice(type());
            }
            int numStart = pos;
            while (pos < text.length() && Character.isDigit(peek())) pos++;
            if (numStart == pos) throw error(numStart, "expected an array length");
            long len = Long.parseLong(text.substring(numStart, pos));
            skipSpace();
            expect(']');
            return new GoType.Array(len, type());
        }
        if (text.startsWith("<-chan", pos)) {
            pos += 6;
            GoType elem = type();
            return new GoType.Pointer("<-chan " + elem.display(), elem);
        }
        String ident = qualifiedIdentifier();
        if (ident.isEmpty()) {
            throw error(col, "expected a type, found '" + c + "'");
        }
        switch (ident) {
            case "map" -> {
                expect('[');
                GoType k = type();
                skipSpace();
                expect(']');
                GoType v = type();
                return new GoType.Pointer("map[" + k.display() + "]" + v.display(), null);
            }
            case "chan" -> {
                if (peek() == '<') {
                    expect('<');
                    expect('-');
                }
                GoType elem = type();
                return new GoType.Pointer("chan " + elem.display(), elem);
            }
            case "func" -> {
                int depth = 0;
                int start = col;
                // A func value is one pointer; its own signature only matters for display.
                expect('(');
                depth = 1;
                while (pos < text.length() && depth > 0) {
                    char ch = text.charAt(pos++);
                    if (ch == '(') depth++;
                    if (ch == ')') depth--;
                }
                if (depth > 0) throw error(start, "func type is never closed");
                skipSpace();
                if (peek() == '(') {
                    pos++;
                    paramList(')');
                } else if (pos < text.length() && ",);}".indexOf(peek()) < 0) {
                    type();
                }
                return new GoType.Pointer(text.substring(start, pos).trim(), null);
            }
            case "interface" -> {
                skipSpace();
                expect('{');
                int close = text.indexOf('}', pos);
                if (close < 0) throw error(pos, "interface '{' is never closed");
                String body = text.substring(pos, close).trim();
                pos = close + 1;
                return new GoType.Interface(body.isEmpty() ? "interface{}" : "interface{" + body + "}");
            }
            case "struct" -> {
                skipSpace();
                expect('{');
                List<String> names = new ArrayList<>();
                List<GoType> types = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (peek() == '}') {
                        pos++;
                        break;
                    }
                    List<String> group = new ArrayList<>();
                    group.add(identifier());
                    skipSpace();
                    while (peek() == ',') {
                        pos++;
                        skipSpace();
                        group.add(identifier());
                        skipSpace();
                    }
                    if (group.getFirst().isEmpty()) throw error(pos, "expected a field name");
                    GoType t = type();
                    for (String g : group) {
                        names.add(g);
                        types.add(t);
                    }
                    skipSpace();
                    if (peek() == ';') pos++;
                    else if (peek() != '}') throw error(pos, "expected ';' or '}' in struct");
                }
                return GoType.Struct.of(names, types);
            }
            default -> {
                Kind k = BASIC.get(ident);
                if (k != null) return new Basic(k, ident);
                if (KNOWN_INTERFACES.contains(ident)) return new GoType.Interface(ident);
                throw error(col, "unknown type '" + ident + "': write a pointer (*" + ident
                        + ") or its underlying type (e.g. struct{A int; B string}); builtin types and error/any/io.Writer-like interfaces are known");
            }
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** An identifier optionally qualified by package ({@code io.Writer}, {@code unsafe.Pointer}). */
    private String qualifiedIdentifier() {
        String first = identifier();
        if (!first.isEmpty() && peek() == '.' && pos + 1 < text.length() && Character.isLetter(text.charAt(pos + 1))) {
            pos++;
            return first + "." + identifier();
        }
        return first;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        skipSpace();
        if (peek() != c) {
            throw error(pos, pos >= text.length() ? "expected '" + c + "' but the signature ends" : "expected '" + c + "', found '" + peek() + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private SignatureException error(int column, String problem) {
        return new SignatureException(text, column, problem);
    }
}
