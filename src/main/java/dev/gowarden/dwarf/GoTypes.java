package dev.gowarden.dwarf;

import dev.gowarden.abi.GoType;
import dev.gowarden.abi.GoType.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts Go's DWARF types into the ABI model. Go tags every type with its reflect.Kind (DW_AT_go_kind), which
 * is what decides the shape: strings and slices are DW_TAG_structure_type, interfaces, maps, chans and funcs are
 * typedefs of runtime structs or pointers, so the DWARF tag alone would mislead. Types without a Go kind (C types
 * in cgo binaries) fall back to tag, encoding and size.
 */
final class GoTypes {
    // reflect.Kind values (reflect/type.go); stable since Go 1.0
    private static final int K_ARRAY = 17;
    private static final int K_CHAN = 18;
    private static final int K_FUNC = 19;
    private static final int K_INTERFACE = 20;
    private static final int K_MAP = 21;
    private static final int K_PTR = 22;
    private static final int K_SLICE = 23;
    private static final int K_STRING = 24;
    private static final int K_UNSAFE_POINTER = 26;
    private static final Kind[] BASIC_BY_GO_KIND = {null, Kind.BOOL, Kind.INT, Kind.INT8, Kind.INT16, Kind.INT32,
            Kind.INT64, Kind.UINT, Kind.UINT8, Kind.UINT16, Kind.UINT32, Kind.UINT64, Kind.UINTPTR, Kind.FLOAT32,
            Kind.FLOAT64, Kind.COMPLEX64, Kind.COMPLEX128};
    /** Deeper nesting means a corrupt or cyclic chain of typedefs. */
    private static final int MAX_DEPTH = 200;
    /**
     * How many pointer levels get a described pointee. A decoder follows a pointer argument once at most; resolving
     * every pointee would pull in the whole type graph ({@code *http.Client} reaches most of net/http), so deeper
     * pointers stay opaque ({@code elem == null}), as a parsed signature's pointers to named types do.
     */
    static final int POINTER_DEPTH = 1;

    private final DwarfReader reader;
    /** Keyed by DIE offset and remaining pointer depth. */
    private final Map<Long, GoType> cache = new HashMap<>();
    private final Set<Long> inProgress = new HashSet<>();
    private int budget = POINTER_DEPTH;
    private int depth;

    GoTypes(DwarfReader reader) {
        this.reader = reader;
    }

    /**
     * The type's DWARF name. Go's generic shape functions type their parameters with local typedefs named
     * {@code .param0}…; those are followed to the shape type's name, which is what a user can read.
     */
    String nameOf(long offset) {
        for (int i = 0; i < MAX_DEPTH; i++) {
            Die d = reader.readDie(offset);
            String n = d.string(Dw.AT_NAME);
            if (n != null && !n.startsWith(".")) return n;
            boolean alias = d.tag() == Dw.TAG_TYPEDEF || d.tag() == Dw.TAG_CONST_TYPE || d.tag() == Dw.TAG_VOLATILE_TYPE;
            if (!alias || !(d.get(Dw.AT_TYPE) instanceof Long next)) return convertTop(offset).display();
            offset = next;
        }
        return "?";
    }

    /** The type at a DIE offset, with pointees described {@link #POINTER_DEPTH} levels deep. */
    GoType convertTop(long offset) {
        int saved = budget;
        budget = POINTER_DEPTH;
        try {
            return convert(offset);
        } finally {
            budget = saved;
        }
    }

    private GoType convert(long offset) {
        long key = offset * 8 + budget;
        GoType cached = cache.get(key);
        if (cached != null) return cached;
        if (inProgress.contains(key) || depth > MAX_DEPTH) {
            // Only pointers, slices, maps and chans can lead back to a type being built; their layout does not
            // depend on the target, so an opaque stand-in of the right size cuts the cycle.
            return opaque(reader.readDie(offset));
        }
        inProgress.add(key);
        depth++;
        try {
            GoType t = build(reader.readDie(offset));
            cache.put(key, t);
            return t;
        } finally {
            depth--;
            inProgress.remove(key);
        }
    }

    private GoType opaque(Die d) {
        String name = d.string(Dw.AT_NAME);
        if (d.tag() == Dw.TAG_STRUCTURE_TYPE) {
            return new GoType.Struct(List.of(), d.number(Dw.AT_BYTE_SIZE, 0), 8);
        }
        return new GoType.Pointer(name == null ? "?" : name, null);
    }

    private GoType build(Die d) {
        String name = d.string(Dw.AT_NAME);
        int kind = (int) d.number(Dw.AT_GO_KIND, -1);
        switch (d.tag()) {
            case Dw.TAG_TYPEDEF -> {
                switch (kind) {
                    case K_INTERFACE -> {
                        // Go's DWARF gives an interface typedef the runtime's layout as target: eface (no methods) or iface
                        String target = d.get(Dw.AT_TYPE) instanceof Long t ? reader.readDie(t).string(Dw.AT_NAME) : null;
                        return target == null ? new GoType.Interface(name) : new GoType.Interface(name, target.equals("runtime.eface"));
                    }
                    case K_MAP -> {
                        return new GoType.Pointer(name, null, GoType.Pointer.Ref.MAP);
                    }
                    case K_FUNC -> {
                        return new GoType.Pointer(name, null, GoType.Pointer.Ref.FUNC);
                    }
                    case K_CHAN -> {
                        return new GoType.Pointer(name, pointee(d.get(Dw.AT_GO_ELEM)), GoType.Pointer.Ref.CHAN);
                    }
                    default -> {
                        if (!(d.get(Dw.AT_TYPE) instanceof Long target)) {
                            throw error(d, "typedef " + name + " has no target type");
                        }
                        return convert(target);
                    }
                }
            }
            case Dw.TAG_BASE_TYPE -> {
                return new GoType.Basic(basicKind(d, kind), name);
            }
            case Dw.TAG_POINTER_TYPE -> {
                if (kind == K_UNSAFE_POINTER || "unsafe.Pointer".equals(name)) {
                    return new GoType.Basic(Kind.UNSAFE_POINTER, name);
                }
                GoType elem = pointee(d.get(Dw.AT_TYPE));
                String display = name != null ? name : elem == null ? "*void" : "*" + elem.display();
                return new GoType.Pointer(display, elem);
            }
            case Dw.TAG_STRUCTURE_TYPE -> {
                return switch (kind) {
                    case K_STRING -> new GoType.Basic(Kind.STRING, name);
                    case K_SLICE -> new GoType.Slice(sliceElem(d));
                    case K_INTERFACE -> name != null && name.equals("runtime.eface") ? new GoType.Interface(name, true) : new GoType.Interface(name);
                    default -> struct(d);
                };
            }
            case Dw.TAG_ARRAY_TYPE -> {
                if (!(d.get(Dw.AT_TYPE) instanceof Long target)) throw error(d, "array type " + name + " has no element type");
                GoType elem = convert(target);
                long count = -1;
                for (Die sub : reader.children(d)) {
                    if (sub.tag() != Dw.TAG_SUBRANGE_TYPE) continue;
                    if (sub.has(Dw.AT_COUNT)) count = sub.number(Dw.AT_COUNT, -1);
                    else if (sub.has(Dw.AT_UPPER_BOUND)) count = sub.number(Dw.AT_UPPER_BOUND, -1) + 1;
                    break;
                }
                if (count < 0) {
                    long size = d.number(Dw.AT_BYTE_SIZE, -1);
                    if (size < 0 || elem.size() == 0) throw error(d, "array type " + name + " has no length");
                    count = size / elem.size();
                }
                return new GoType.Array(count, elem);
            }
            case Dw.TAG_SUBROUTINE_TYPE -> {
                return new GoType.Pointer(name == null ? "func" : name, null, GoType.Pointer.Ref.FUNC);
            }
            case Dw.TAG_CONST_TYPE, Dw.TAG_VOLATILE_TYPE -> {
                if (d.get(Dw.AT_TYPE) instanceof Long target) return convert(target);
                throw error(d, "qualifier without a type (void)");
            }
            default -> throw error(d, "type tag 0x" + Integer.toHexString(d.tag()) + " (" + name + ") is not supported");
        }
    }

    /** A pointee one pointer level down, or null once the pointer depth is used up. */
    private GoType pointee(Object ref) {
        if (!(ref instanceof Long target) || budget == 0) return null;
        budget--;
        try {
            return convert(target);
        } finally {
            budget++;
        }
    }

    private GoType elem(Die d) {
        return d.get(Dw.AT_GO_ELEM) instanceof Long e ? convert(e) : null;
    }

    private GoType sliceElem(Die d) {
        GoType e = elem(d);
        if (e != null) return e;
        // Without DW_AT_go_elem, the "array" member is a pointer to the element.
        for (Die m : reader.children(d)) {
            if (m.tag() == Dw.TAG_MEMBER && "array".equals(m.string(Dw.AT_NAME)) && m.get(Dw.AT_TYPE) instanceof Long p
                    && reader.readDie(p).get(Dw.AT_TYPE) instanceof Long pointee) {
                return convert(pointee);
            }
        }
        throw error(d, "slice type " + d.string(Dw.AT_NAME) + " has no element type");
    }

    private GoType struct(Die d) {
        List<GoType.Field> fields = new ArrayList<>();
        long align = 1;
        for (Die m : reader.children(d)) {
            if (m.tag() != Dw.TAG_MEMBER) continue;
            if (!(m.get(Dw.AT_TYPE) instanceof Long t)) throw error(m, "struct member without a type");
            Object loc = m.get(Dw.AT_DATA_MEMBER_LOCATION);
            long off;
            if (loc instanceof Long l) {
                off = l;
            } else if (loc instanceof byte[] expr && expr.length >= 2 && (expr[0] & 0xff) == Locations.OP_PLUS_UCONST) {
                // DWARF 2 style: DW_OP_plus_uconst <uleb>
                off = new ByteCursor(reader.file(), ".debug_info", java.lang.foreign.MemorySegment.ofArray(expr), 1).uleb();
            } else {
                throw error(m, "struct member location is not a constant");
            }
            GoType ft = convert(t);
            String fname = m.string(Dw.AT_NAME);
            fields.add(new GoType.Field(fname == null ? "" : fname, ft, off));
            align = Math.max(align, ft.align());
        }
        long size = d.number(Dw.AT_BYTE_SIZE, -1);
        if (size < 0) throw error(d, "struct type " + d.string(Dw.AT_NAME) + " has no byte size");
        return new GoType.Struct(List.copyOf(fields), size, align);
    }

    private Kind basicKind(Die d, int goKind) {
        if (goKind > 0 && goKind < BASIC_BY_GO_KIND.length) return BASIC_BY_GO_KIND[goKind];
        long size = d.number(Dw.AT_BYTE_SIZE, -1);
        int enc = (int) d.number(Dw.AT_ENCODING, -1);
        Kind k = switch (enc) {
            case Dw.ATE_BOOLEAN -> Kind.BOOL;
            case Dw.ATE_SIGNED, Dw.ATE_SIGNED_CHAR -> size == 1 ? Kind.INT8 : size == 2 ? Kind.INT16 : size == 4 ? Kind.INT32 : size == 8 ? Kind.INT64 : null;
            case Dw.ATE_UNSIGNED, Dw.ATE_UNSIGNED_CHAR -> size == 1 ? Kind.UINT8 : size == 2 ? Kind.UINT16 : size == 4 ? Kind.UINT32 : size == 8 ? Kind.UINT64 : null;
            case Dw.ATE_FLOAT -> size == 4 ? Kind.FLOAT32 : size == 8 ? Kind.FLOAT64 : null;
            case Dw.ATE_COMPLEX_FLOAT -> size == 8 ? Kind.COMPLEX64 : size == 16 ? Kind.COMPLEX128 : null;
            default -> null;
        };
        if (k == null) {
            throw error(d, "base type " + d.string(Dw.AT_NAME) + " (encoding " + enc + ", " + size + " bytes) has no Go equivalent");
        }
        return k;
    }

    private DwarfException error(Die d, String problem) {
        return new DwarfException(reader.file(), ".debug_info", d.offset(), problem);
    }
}
