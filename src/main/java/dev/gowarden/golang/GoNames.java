package dev.gowarden.golang;

/**
 * Go symbol-name helpers for generic instantiations. The pclntab of Go 1.18–1.20 names every instantiation
 * {@code pkg.Map[...]} (the linker replaces the outermost brackets), {@code .symtab} and newer tables spell the
 * shapes out ({@code pkg.Map[go.shape.string_0,go.shape.int_1]}). Comparing names with their type arguments
 * removed makes all spellings meet.
 */
public final class GoNames {
    private GoNames() {
    }

    /** The name with every outermost {@code [...]} group removed: {@code pkg.(*List[...]).Push} → {@code pkg.(*List).Push}. */
    public static String withoutTypeArguments(String name) {
        int open = name.indexOf('[');
        if (open < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        int depth = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The name with every outermost bracket group written {@code [...]}, as the 1.18–1.20 pclntab writes it. */
    public static String elideTypeArguments(String name) {
        if (name.indexOf('[') < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        int depth = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '[') {
                if (depth++ == 0) sb.append("[...]");
            } else if (c == ']' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
