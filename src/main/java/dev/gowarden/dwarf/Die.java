package dev.gowarden.dwarf;

/**
 * One decoded debugging information entry. Values are Long (constants, addresses, absolute .debug_info offsets for
 * references, section offsets), String, or byte[] (blocks and expressions); index forms of DWARF 5 are already
 * resolved through the unit's bases.
 */
record Die(long offset, int tag, boolean hasChildren, Unit unit, int[] names, int[] forms, Object[] values, long next) {

    Object get(int name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) return values[i];
        }
        return null;
    }

    int form(int name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) return forms[i];
        }
        return 0;
    }

    boolean has(int name) {
        return get(name) != null;
    }

    String string(int name) {
        return get(name) instanceof String s ? s : null;
    }

    /** A constant or reference; {@code dflt} when absent or not numeric. */
    long number(int name, long dflt) {
        return get(name) instanceof Long l ? l : dflt;
    }

    boolean flag(int name) {
        return get(name) instanceof Long l && l != 0;
    }
}
