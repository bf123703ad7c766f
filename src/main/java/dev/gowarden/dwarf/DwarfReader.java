package dev.gowarden.dwarf;

import dev.gowarden.abi.GoType;
import dev.gowarden.abi.Signature;
import dev.gowarden.elf.ElfFile;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads Go functions and types from an ELF file's DWARF (versions 2 to 5, compressed or not).
 * <p>
 * Nothing is read up front. Unit headers are listed on first use; a lookup then indexes only the units named
 * after the package of the wanted symbol (Go names each unit by its import path, and puts all types in a
 * {@code runtime} unit), and scans every other unit only when that fails. So one signature from a 40 MB binary
 * costs one package's DIEs, and memory stays at the decompressed sections plus one name index entry per
 * top-level function and type seen. Thread-safe; closing releases the decompressed sections.
 */
public final class DwarfReader implements AutoCloseable {
    private final Path file;
    private final DwarfSections sections;
    private final MemorySegment info;
    private final Map<Long, Abbrev.Table> abbrevTables = new HashMap<>();
    private List<Unit> units;
    private boolean[] indexed;
    private final Map<String, List<Long>> functions = new HashMap<>();
    private final Map<String, List<Long>> genericFunctions = new HashMap<>();
    private final Map<String, List<Long>> types = new HashMap<>();
    private final GoTypes goTypes = new GoTypes(this);

    private DwarfReader(Path file, DwarfSections sections) {
        this.file = file;
        this.sections = sections;
        this.info = sections.require("info");
    }

    /**
     * The reader, or empty when the file has no {@code .debug_info} (stripped with -s or -w). Uncompressed sections
     * are views of {@code elf}'s mapping: keep the ElfFile open until this reader is closed.
     */
    public static Optional<DwarfReader> open(ElfFile elf) {
        DwarfSections s = new DwarfSections(elf);
        if (!s.hasDebugInfo()) {
            s.close();
            return Optional.empty();
        }
        try {
            return Optional.of(new DwarfReader(elf.path(), s));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** The decompressed DWARF sections, for readers of sections this class does not interpret (.debug_frame). */
    public DwarfSections sections() {
        return sections;
    }

    /**
     * The declared signature of {@code functionName} as written in symbol tables ({@code main.greet},
     * {@code net/http.(*Client).Do}). Generic functions match with any bracket contents, e.g. {@code main.Map[...]};
     * when several instantiations exist the first one in the file is returned.
     */
    public Optional<Signature> signatureOf(String functionName) {
        return function(functionName).map(DwarfFunction::signature);
    }

    /** Every instantiation's signature (one for ordinary functions). */
    public List<Signature> signaturesOf(String functionName) {
        return functions(functionName).stream().map(DwarfFunction::signature).toList();
    }

    public Optional<DwarfFunction> function(String functionName) {
        List<DwarfFunction> all = functions(functionName);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    /** All subprograms with code whose name matches (several for generic instantiations or duplicate copies). */
    public synchronized List<DwarfFunction> functions(String functionName) {
        List<Long> offsets = lookup(functionName, true);
        List<DwarfFunction> out = new ArrayList<>();
        for (long off : offsets) {
            out.add(readFunction(off));
        }
        return out;
    }

    /** Every function with code that has a name, after indexing all units (a full scan; for tools and tests). */
    public synchronized List<String> functionNames() {
        ensureUnits();
        for (int i = 0; i < units.size(); i++) {
            if (!indexed[i]) indexUnit(i);
        }
        return functions.keySet().stream().sorted().toList();
    }

    /**
     * The byte offset of {@code member} in the named struct type, e.g. ({@code runtime.g}, {@code goid});
     * a dotted member path ({@code sched.sp}) descends into nested structs.
     */
    public synchronized OptionalLong memberOffset(String typeName, String member) {
        List<Long> offs = lookup(typeName, false);
        if (offs.isEmpty()) return OptionalLong.empty();
        // Walks the DIEs instead of converting the type: runtime.g reaches half the runtime through its fields.
        Die type = structBehind(offs.getFirst());
        long off = 0;
        for (String part : member.split("\\.")) {
            if (type == null) return OptionalLong.empty();
            Die found = null;
            for (Die m : children(type)) {
                if (m.tag() == Dw.TAG_MEMBER && part.equals(m.string(Dw.AT_NAME))) found = m;
            }
            if (found == null || !(found.get(Dw.AT_DATA_MEMBER_LOCATION) instanceof Long l)) return OptionalLong.empty();
            off += l;
            type = found.get(Dw.AT_TYPE) instanceof Long t ? structBehind(t) : null;
        }
        return OptionalLong.of(off);
    }

    /** The struct DIE a type DIE names, through typedefs; null for other types. */
    private Die structBehind(long offset) {
        for (int i = 0; i < 64; i++) {
            Die d = readDie(offset);
            if (d.tag() == Dw.TAG_STRUCTURE_TYPE) return d;
            if (d.tag() != Dw.TAG_TYPEDEF || !(d.get(Dw.AT_TYPE) instanceof Long next)) return null;
            offset = next;
        }
        return null;
    }

    /** A named type ({@code runtime.g}, {@code main.Point}, {@code error}) converted to the ABI model. */
    public synchronized Optional<GoType> type(String typeName) {
        List<Long> offs = lookup(typeName, false);
        if (offs.isEmpty()) return Optional.empty();
        // A Go named type appears as the type itself and as a typedef to it; prefer the one that is not a typedef.
        long best = offs.getFirst();
        for (long o : offs) {
            if (readDie(o).tag() != Dw.TAG_TYPEDEF) {
                best = o;
                break;
            }
        }
        return Optional.of(goTypes.convertTop(best));
    }

    @Override
    public void close() {
        sections.close();
    }

    // ---------------------------------------------------------------- lookup and index

    private List<Long> lookup(String name, boolean function) {
        ensureUnits();
        String pkg = packageOf(name);
        for (int i = 0; i < units.size(); i++) {
            Unit u = units.get(i);
            if (!indexed[i] && (u.name().equals(pkg) || (!function && u.name().equals("runtime")))) {
                indexUnit(i);
            }
        }
        List<Long> hit = find(name, function);
        if (!hit.isEmpty()) return hit;
        for (int i = 0; i < units.size(); i++) {
            if (!indexed[i]) indexUnit(i);
        }
        return find(name, function);
    }

    private List<Long> find(String name, boolean function) {
        if (!function) return types.getOrDefault(name, List.of());
        List<Long> exact = functions.get(name);
        if (exact != null) return exact;
        if (name.indexOf('[') >= 0) return genericFunctions.getOrDefault(normalizeGeneric(name), List.of());
        return List.of();
    }

    /** The import path part of a symbol: everything before the first '.' after the last '/' outside brackets. */
    static String packageOf(String name) {
        int end = name.length();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '[' || c == '(') {
                end = i;
                break;
            }
        }
        int slash = name.lastIndexOf('/', end - 1);
        int dot = name.indexOf('.', slash + 1);
        return dot < 0 || dot > end ? name.substring(0, end) : name.substring(0, dot);
    }

    /** Replaces the contents of each outermost bracket pair by "...", as the 1.18/1.19 pclntab does. */
    static String normalizeGeneric(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        int depth = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '[') {
                if (depth++ == 0) sb.append("[...");
            } else if (c == ']') {
                if (--depth == 0) sb.append(']');
            } else if (depth == 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private void ensureUnits() {
        if (units != null) return;
        List<Unit> list = new ArrayList<>();
        long off = 0;
        while (off < info.byteSize()) {
            Unit u = readUnitHeader(off);
            list.add(u);
            off = u.end();
        }
        units = list;
        indexed = new boolean[list.size()];
    }

    private Unit unitFor(long dieOffset) {
        ensureUnits();
        int lo = 0;
        int hi = units.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Unit u = units.get(mid);
            if (dieOffset < u.offset()) hi = mid - 1;
            else if (dieOffset >= u.end()) lo = mid + 1;
            else return u;
        }
        throw new DwarfException(file, ".debug_info", dieOffset, "reference points outside every unit");
    }

    private Unit readUnitHeader(long off) {
        ByteCursor c = new ByteCursor(file, ".debug_info", info, off);
        long length = c.u32();
        int offsetSize = 4;
        if (length == 0xffffffffL) {
            length = c.u64();
            offsetSize = 8;
        } else if (length >= 0xfffffff0L) {
            throw c.error(off, "reserved unit length 0x" + Long.toHexString(length));
        }
        long end = c.pos + length;
        if (end > info.byteSize() || length < 2) {
            throw c.error(off, "unit length " + length + " runs past the end of the section");
        }
        int version = c.u16();
        int unitType = Dw.UT_COMPILE;
        long abbrevOffset;
        int addrSize;
        if (version >= 2 && version <= 4) {
            abbrevOffset = c.unsigned(offsetSize);
            addrSize = c.u8();
        } else if (version == 5) {
            unitType = c.u8();
            addrSize = c.u8();
            abbrevOffset = c.unsigned(offsetSize);
            switch (unitType) {
                case Dw.UT_SKELETON, Dw.UT_SPLIT_COMPILE -> c.skip(8);
                case Dw.UT_TYPE, Dw.UT_SPLIT_TYPE -> c.skip(8 + offsetSize);
                default -> {
                }
            }
        } else {
            throw c.error(off, "DWARF version " + version + " is not supported (2 to 5 are)");
        }
        if (addrSize != 4 && addrSize != 8) {
            throw c.error(off, "address size " + addrSize + " is not supported");
        }
        Abbrev.Table abbrevs = abbrevTable(abbrevOffset);
        long firstDie = c.pos;
        Unit proto = new Unit(off, end, version, unitType, addrSize, offsetSize, firstDie, abbrevs,
                -1, -1, -1, -1, 0, "", 0);
        if (firstDie >= end) {
            return proto;
        }
        // The root DIE's own index forms (strx, addrx) need the bases it declares: read raw, then resolve.
        Die raw = parseDie(proto, firstDie, false);
        if (raw == null) return proto;
        long strBase = raw.number(Dw.AT_STR_OFFSETS_BASE, version >= 5 ? 8 : -1);
        long addrBase = raw.number(Dw.AT_ADDR_BASE, raw.number(Dw.AT_GNU_ADDR_BASE, -1));
        long locBase = raw.number(Dw.AT_LOCLISTS_BASE, -1);
        long rngBase = raw.number(Dw.AT_RNGLISTS_BASE, -1);
        Unit based = new Unit(off, end, version, unitType, addrSize, offsetSize, firstDie, abbrevs,
                strBase, addrBase, locBase, rngBase, 0, "", raw.tag());
        Die root = parseDie(based, firstDie, true);
        String name = root.string(Dw.AT_NAME);
        return new Unit(off, end, version, unitType, addrSize, offsetSize, firstDie, abbrevs,
                strBase, addrBase, locBase, rngBase, root.number(Dw.AT_LOW_PC, 0), name == null ? "" : name, root.tag());
    }

    private Abbrev.Table abbrevTable(long offset) {
        return abbrevTables.computeIfAbsent(offset, o -> {
            MemorySegment abbrev = sections.require("abbrev");
            if (o < 0 || o >= abbrev.byteSize()) {
                throw new DwarfException(file, ".debug_abbrev", o, "abbreviation table offset is outside the section");
            }
            return Abbrev.Table.parse(new ByteCursor(file, ".debug_abbrev", abbrev, o));
        });
    }

    /**
     * Walks a unit once, recording its top-level functions with code and its named types. Other DIEs are
     * skipped form by form without decoding.
     */
    private void indexUnit(int i) {
        indexed[i] = true;
        Unit u = units.get(i);
        if (!u.isCompileOrPartial()) return;
        ByteCursor c = new ByteCursor(file, ".debug_info", info, u.firstDie(), u.end());
        int depth = 0;
        while (!c.atEnd()) {
            long dieOff = c.pos;
            long code = c.uleb();
            if (code == 0) {
                if (--depth <= 0) break;
                continue;
            }
            Abbrev a = u.abbrevs().get(code);
            if (a == null) throw c.error(dieOff, "abbreviation code " + code + " is not in the unit's table");
            if (depth == 1 && interesting(a.tag())) {
                c.pos = dieOff;
                Die d = parseDie(u, dieOff, true);
                c.pos = d.next();
                record(d);
            } else {
                for (int k = 0; k < a.forms().length; k++) {
                    skipForm(c, u, a.forms()[k]);
                }
            }
            if (a.hasChildren()) depth++;
            else if (depth == 0) break;
        }
    }

    private static boolean interesting(int tag) {
        return switch (tag) {
            case Dw.TAG_SUBPROGRAM, Dw.TAG_BASE_TYPE, Dw.TAG_POINTER_TYPE, Dw.TAG_STRUCTURE_TYPE, Dw.TAG_TYPEDEF,
                 Dw.TAG_ARRAY_TYPE, Dw.TAG_SUBROUTINE_TYPE -> true;
            default -> false;
        };
    }

    private void record(Die d) {
        if (d.tag() == Dw.TAG_SUBPROGRAM) {
            if (!d.has(Dw.AT_LOW_PC) || d.flag(Dw.AT_DECLARATION)) return;
            String name = d.string(Dw.AT_NAME);
            if (name == null) {
                Object origin = d.get(Dw.AT_ABSTRACT_ORIGIN);
                if (origin == null) origin = d.get(Dw.AT_SPECIFICATION);
                if (origin instanceof Long o) name = readDie(o).string(Dw.AT_NAME);
            }
            if (name == null) return;
            functions.computeIfAbsent(name, k -> new ArrayList<>(1)).add(d.offset());
            if (name.indexOf('[') >= 0) {
                genericFunctions.computeIfAbsent(normalizeGeneric(name), k -> new ArrayList<>(2)).add(d.offset());
            }
        } else {
            String name = d.string(Dw.AT_NAME);
            if (name != null && !d.flag(Dw.AT_DECLARATION)) {
                types.computeIfAbsent(name, k -> new ArrayList<>(2)).add(d.offset());
            }
        }
    }

    // ---------------------------------------------------------------- DIEs

    /** The DIE at an absolute .debug_info offset. */
    synchronized Die readDie(long offset) {
        Die d = parseDie(unitFor(offset), offset, true);
        if (d == null) throw new DwarfException(file, ".debug_info", offset, "reference points at a null entry");
        return d;
    }

    /** The direct children of a DIE, in order. */
    synchronized List<Die> children(Die parent) {
        List<Die> out = new ArrayList<>();
        if (!parent.hasChildren()) return out;
        Unit u = parent.unit();
        long pos = parent.next();
        while (pos < u.end()) {
            Die d = parseDie(u, pos, true);
            if (d == null) break;
            out.add(d);
            pos = d.hasChildren() ? skipSubtree(u, d.next()) : d.next();
        }
        return out;
    }

    /** The offset just past the null entry that ends the sibling list starting at {@code pos}. */
    private long skipSubtree(Unit u, long pos) {
        ByteCursor c = new ByteCursor(file, ".debug_info", info, pos, u.end());
        int depth = 1;
        while (depth > 0 && !c.atEnd()) {
            long dieOff = c.pos;
            long code = c.uleb();
            if (code == 0) {
                depth--;
                continue;
            }
            Abbrev a = u.abbrevs().get(code);
            if (a == null) throw c.error(dieOff, "abbreviation code " + code + " is not in the unit's table");
            for (int f : a.forms()) skipForm(c, u, f);
            if (a.hasChildren()) depth++;
        }
        return c.pos;
    }

    /** Parses one DIE; null for a null entry. With {@code resolve} false, index forms stay raw indexes. */
    private Die parseDie(Unit u, long offset, boolean resolve) {
        ByteCursor c = new ByteCursor(file, ".debug_info", info, offset, u.end());
        long code = c.uleb();
        if (code == 0) return null;
        Abbrev a = u.abbrevs().get(code);
        if (a == null) throw c.error(offset, "abbreviation code " + code + " is not in the unit's table");
        int n = a.names().length;
        int[] forms = new int[n];
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            int form = a.forms()[i];
            if (form == Dw.FORM_INDIRECT) form = (int) c.uleb();
            forms[i] = form;
            values[i] = readForm(c, u, form, a.implicitConsts()[i], resolve);
        }
        return new Die(offset, a.tag(), a.hasChildren(), u, a.names(), forms, values, c.pos);
    }

    private Object readForm(ByteCursor c, Unit u, int form, long implicit, boolean resolve) {
        return switch (form) {
            case Dw.FORM_ADDR -> c.unsigned(u.addrSize());
            case Dw.FORM_DATA1, Dw.FORM_FLAG -> (long) c.u8();
            case Dw.FORM_DATA2 -> (long) c.u16();
            case Dw.FORM_DATA4 -> c.u32();
            case Dw.FORM_DATA8, Dw.FORM_REF_SIG8 -> c.u64();
            case Dw.FORM_DATA16 -> c.bytes(16);
            case Dw.FORM_SDATA -> c.sleb();
            case Dw.FORM_UDATA -> c.uleb();
            case Dw.FORM_IMPLICIT_CONST -> implicit;
            case Dw.FORM_FLAG_PRESENT -> 1L;
            case Dw.FORM_STRING -> c.cString();
            case Dw.FORM_STRP -> stringIn("str", c.unsigned(u.offsetSize()));
            case Dw.FORM_LINE_STRP -> stringIn("line_str", c.unsigned(u.offsetSize()));
            case Dw.FORM_STRP_SUP, Dw.FORM_GNU_STRP_ALT -> {
                c.skip(u.offsetSize());
                yield "";
            }
            case Dw.FORM_STRX, Dw.FORM_GNU_STR_INDEX -> strx(u, c.uleb(), resolve);
            case Dw.FORM_STRX1 -> strx(u, c.u8(), resolve);
            case Dw.FORM_STRX2 -> strx(u, c.u16(), resolve);
            case Dw.FORM_STRX3 -> strx(u, c.u24(), resolve);
            case Dw.FORM_STRX4 -> strx(u, c.u32(), resolve);
            case Dw.FORM_ADDRX, Dw.FORM_GNU_ADDR_INDEX -> addrx(u, c.uleb(), resolve);
            case Dw.FORM_ADDRX1 -> addrx(u, c.u8(), resolve);
            case Dw.FORM_ADDRX2 -> addrx(u, c.u16(), resolve);
            case Dw.FORM_ADDRX3 -> addrx(u, c.u24(), resolve);
            case Dw.FORM_ADDRX4 -> addrx(u, c.u32(), resolve);
            case Dw.FORM_REF1 -> u.offset() + c.u8();
            case Dw.FORM_REF2 -> u.offset() + c.u16();
            case Dw.FORM_REF4 -> u.offset() + c.u32();
            case Dw.FORM_REF8 -> u.offset() + c.u64();
            case Dw.FORM_REF_UDATA -> u.offset() + c.uleb();
            case Dw.FORM_REF_ADDR -> c.unsigned(u.version() == 2 ? u.addrSize() : u.offsetSize());
            case Dw.FORM_REF_SUP4 -> c.u32();
            case Dw.FORM_REF_SUP8 -> c.u64();
            case Dw.FORM_GNU_REF_ALT, Dw.FORM_SEC_OFFSET -> c.unsigned(u.offsetSize());
            case Dw.FORM_LOCLISTX, Dw.FORM_RNGLISTX -> c.uleb();
            case Dw.FORM_EXPRLOC, Dw.FORM_BLOCK -> c.bytes(c.uleb());
            case Dw.FORM_BLOCK1 -> c.bytes(c.u8());
            case Dw.FORM_BLOCK2 -> c.bytes(c.u16());
            case Dw.FORM_BLOCK4 -> c.bytes(c.u32());
            default -> throw c.error(c.pos, "attribute form 0x" + Integer.toHexString(form) + " is not supported");
        };
    }

    private void skipForm(ByteCursor c, Unit u, int form) {
        switch (form) {
            case Dw.FORM_FLAG_PRESENT, Dw.FORM_IMPLICIT_CONST -> {
            }
            case Dw.FORM_DATA1, Dw.FORM_FLAG, Dw.FORM_REF1, Dw.FORM_STRX1, Dw.FORM_ADDRX1 -> c.skip(1);
            case Dw.FORM_DATA2, Dw.FORM_REF2, Dw.FORM_STRX2, Dw.FORM_ADDRX2 -> c.skip(2);
            case Dw.FORM_STRX3, Dw.FORM_ADDRX3 -> c.skip(3);
            case Dw.FORM_DATA4, Dw.FORM_REF4, Dw.FORM_REF_SUP4, Dw.FORM_STRX4, Dw.FORM_ADDRX4 -> c.skip(4);
            case Dw.FORM_DATA8, Dw.FORM_REF8, Dw.FORM_REF_SIG8, Dw.FORM_REF_SUP8 -> c.skip(8);
            case Dw.FORM_DATA16 -> c.skip(16);
            case Dw.FORM_ADDR -> c.skip(u.addrSize());
            case Dw.FORM_STRP, Dw.FORM_LINE_STRP, Dw.FORM_SEC_OFFSET, Dw.FORM_STRP_SUP, Dw.FORM_GNU_REF_ALT,
                 Dw.FORM_GNU_STRP_ALT -> c.skip(u.offsetSize());
            case Dw.FORM_REF_ADDR -> c.skip(u.version() == 2 ? u.addrSize() : u.offsetSize());
            case Dw.FORM_SDATA, Dw.FORM_UDATA, Dw.FORM_REF_UDATA, Dw.FORM_STRX, Dw.FORM_ADDRX, Dw.FORM_LOCLISTX,
                 Dw.FORM_RNGLISTX, Dw.FORM_GNU_ADDR_INDEX, Dw.FORM_GNU_STR_INDEX -> c.skipLeb();
            case Dw.FORM_STRING -> c.skipCString();
            case Dw.FORM_EXPRLOC, Dw.FORM_BLOCK -> c.skip(c.uleb());
            case Dw.FORM_BLOCK1 -> c.skip(c.u8());
            case Dw.FORM_BLOCK2 -> c.skip(c.u16());
            case Dw.FORM_BLOCK4 -> c.skip(c.u32());
            case Dw.FORM_INDIRECT -> skipForm(c, u, (int) c.uleb());
            default -> throw c.error(c.pos, "attribute form 0x" + Integer.toHexString(form) + " is not supported");
        }
    }

    private String stringIn(String section, long offset) {
        MemorySegment s = sections.require(section);
        return new ByteCursor(file, ".debug_" + section, s, 0).stringAt(offset);
    }

    private Object strx(Unit u, long index, boolean resolve) {
        if (!resolve) return index;
        if (u.strOffsetsBase() < 0) {
            throw new DwarfException(file, ".debug_info", u.offset(), "string index form without DW_AT_str_offsets_base");
        }
        MemorySegment so = sections.require("str_offsets");
        ByteCursor c = new ByteCursor(file, ".debug_str_offsets", so, u.strOffsetsBase() + index * u.offsetSize());
        return stringIn("str", c.unsigned(u.offsetSize()));
    }

    private Object addrx(Unit u, long index, boolean resolve) {
        if (!resolve) return index;
        if (u.addrBase() < 0) {
            throw new DwarfException(file, ".debug_info", u.offset(), "address index form without DW_AT_addr_base");
        }
        MemorySegment a = sections.require("addr");
        return new ByteCursor(file, ".debug_addr", a, u.addrBase() + index * u.addrSize()).unsigned(u.addrSize());
    }

    // ---------------------------------------------------------------- functions and locations

    private DwarfFunction readFunction(long offset) {
        Die sub = readDie(offset);
        long low = sub.number(Dw.AT_LOW_PC, 0);
        long high = sub.number(Dw.AT_HIGH_PC, low);
        int highForm = sub.form(Dw.AT_HIGH_PC);
        if (highForm != Dw.FORM_ADDR && highForm != Dw.FORM_ADDRX && highForm != 0
                && !(highForm >= Dw.FORM_ADDRX1 && highForm <= Dw.FORM_ADDRX4)) {
            high = low + high; // DWARF 4+: a constant class high_pc is the length
        }
        String name = sub.string(Dw.AT_NAME);
        Die origin = null;
        if (sub.get(Dw.AT_ABSTRACT_ORIGIN) instanceof Long o) {
            origin = readDie(o);
            if (name == null) name = origin.string(Dw.AT_NAME);
        }
        boolean cfaFrameBase = sub.get(Dw.AT_FRAME_BASE) instanceof byte[] fb && fb.length == 1 && (fb[0] & 0xff) == Locations.OP_CALL_FRAME_CFA;
        List<DwarfParam> params = new ArrayList<>();
        for (Die child : children(sub)) {
            if (child.tag() != Dw.TAG_FORMAL_PARAMETER) continue;
            Die decl = child;
            if (child.get(Dw.AT_ABSTRACT_ORIGIN) instanceof Long o) decl = readDie(o);
            String pname = child.string(Dw.AT_NAME) != null ? child.string(Dw.AT_NAME) : decl.string(Dw.AT_NAME);
            boolean result = child.has(Dw.AT_VARIABLE_PARAMETER) ? child.flag(Dw.AT_VARIABLE_PARAMETER) : decl.flag(Dw.AT_VARIABLE_PARAMETER);
            Object typeRef = child.has(Dw.AT_TYPE) ? child.get(Dw.AT_TYPE) : decl.get(Dw.AT_TYPE);
            if (!(typeRef instanceof Long typeOff)) {
                throw new DwarfException(file, ".debug_info", child.offset(), "formal parameter " + pname + " of " + name + " has no type");
            }
            GoType type = goTypes.convertTop(typeOff);
            String typeName = goTypes.nameOf(typeOff);
            List<DwarfPiece> entry = Locations.atEntry(this, child, low, cfaFrameBase);
            params.add(new DwarfParam(pname == null ? "" : pname, result, type, typeName, entry));
        }
        // Go declares results as parameters; C (cgo) functions have a DW_AT_type return type instead.
        Object ret = sub.has(Dw.AT_TYPE) ? sub.get(Dw.AT_TYPE) : origin == null ? null : origin.get(Dw.AT_TYPE);
        if (ret instanceof Long retOff) {
            params.add(new DwarfParam("", true, goTypes.convertTop(retOff), goTypes.nameOf(retOff), List.of()));
        }
        return new DwarfFunction(name, low, high, params);
    }

    /** A location list's entry covering {@code pc}, as expression bytes; null when none covers it. */
    byte[] locationListEntry(Die owner, int form, long listOffset, long pc) {
        Unit u = owner.unit();
        if (u.version() >= 5) {
            return Locations.loclistsEntry(this, u, form, listOffset, pc);
        }
        return Locations.locEntry(this, u, listOffset, pc);
    }

    MemorySegment sectionOrFail(String name) {
        return sections.require(name);
    }
}
