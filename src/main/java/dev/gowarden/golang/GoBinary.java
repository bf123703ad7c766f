package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.ElfSymbolTable;
import dev.gowarden.elf.Segment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Go executable opened for probing: its architecture, Go version and function table.
 *
 * <p>Functions come from the pclntab, which every Go binary has (stripped, PIE, cgo or not), so the list and
 * its names are exactly what Go's {@code debug/gosym} reports. When {@code .symtab} exists, its {@code st_size}
 * gives the exact end of a function (the next pclntab entry includes alignment padding) and its spellings
 * ({@code .abi0} suffixes, full generic shapes) are accepted by {@link #lookup}. Everything is read lazily from the
 * memory-mapped file: opening a 100,000-function binary decodes no name.
 */
public final class GoBinary implements AutoCloseable {
    private final ElfFile elf;
    private final Optional<BuildInfo> buildInfo;
    private final Pclntab pclntab;
    private final long[] loadSegments;   // vaddr, file-backed end, offset of the executable PT_LOADs, flattened
    private NameIndex index;
    private long[] symEnds;              // exact ends from .symtab (0 = none), per function
    private boolean[] symAsm;            // ".abi0" symbol at the entry, per function (null when no symtab)
    private List<GoFunction> functions;
    private Optional<TypeNames> typeNames;

    private GoBinary(ElfFile elf, Optional<BuildInfo> buildInfo, Pclntab pclntab) {
        this.elf = elf;
        this.buildInfo = buildInfo;
        this.pclntab = pclntab;
        List<Segment> exec = new ArrayList<>();
        for (Segment s : elf.segments()) {
            if (s.isLoad() && s.isExecutable()) exec.add(s);
        }
        this.loadSegments = new long[exec.size() * 3];
        for (int i = 0; i < exec.size(); i++) {
            Segment s = exec.get(i);
            loadSegments[3 * i] = s.vaddr();
            loadSegments[3 * i + 1] = s.vaddr() + s.fileSize();
            loadSegments[3 * i + 2] = s.offset();
        }
    }

    /**
     * Opens a Go executable. Fails with a precise {@link GoBinaryException} or {@code ElfFormatException} (naming
     * the file and the field) when it is not ELF64 x86-64/aarch64, not Go, or its tables are corrupt.
     */
    public static GoBinary open(Path path) {
        ElfFile elf = ElfFile.open(path);
        try {
            if (elf.machine() != ElfFile.EM_X86_64 && elf.machine() != ElfFile.EM_AARCH64) {
                throw new GoBinaryException(path + ": ELF machine " + elf.machine() + " is not supported (x86-64 and aarch64 are)");
            }
            Optional<BuildInfo> info = BuildInfo.read(elf);
            Optional<Pclntab> tab = Pclntab.locate(elf);
            if (tab.isEmpty()) {
                throw new GoBinaryException(path + (info.isEmpty()
                        ? ": not a Go binary (no Go build info and no pclntab: no .gopclntab section, no runtime.pclntab symbol, no pclntab magic in any loadable segment)"
                        : ": has Go build info (" + info.get().goVersion() + ") but no pclntab could be found (no .gopclntab section, "
                                + "no runtime.pclntab symbol, no valid pclntab magic in any loadable segment)"));
            }
            return new GoBinary(elf, info, tab.get());
        } catch (RuntimeException e) {
            elf.close();
            throw e;
        }
    }

    public ElfFile elf() {
        return elf;
    }

    public Path path() {
        return elf.path();
    }

    public String architecture() {
        return elf.architecture();
    }

    public Optional<BuildInfo> buildInfo() {
        return buildInfo;
    }

    public Optional<GoVersion> goVersion() {
        return buildInfo.map(BuildInfo::goVersion);
    }

    /** The function table this binary's list comes from. */
    public Pclntab pclntab() {
        return pclntab;
    }

    /** True when the binary has no {@code .symtab} (built with {@code -ldflags=-s} or stripped afterwards). */
    public boolean stripped() {
        return !elf.hasSymbolTable();
    }

    /** The ABI of its Go code: by Go version when build info exists, else as far as the pclntab format tells. */
    public GoAbi abi() {
        return goVersion().map(v -> GoAbi.of(v, architecture())).orElseGet(() -> GoAbi.of(pclntab.format(), architecture()));
    }

    /** Names of the binary's type descriptors (interface values' dynamic types); empty for Go before 1.16 when stripped. */
    public synchronized Optional<TypeNames> typeNames() {
        if (typeNames == null) typeNames = TypeNames.of(this);
        return typeNames;
    }

    public int functionCount() {
        return pclntab.count();
    }

    /** Function {@code i} of the table (entry order). */
    public GoFunction function(int i) {
        return make(i, pclntab.name(i));
    }

    /** Every function, in entry order; built on first use. */
    public synchronized List<GoFunction> functions() {
        if (functions == null) {
            int n = pclntab.count();
            List<GoFunction> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(function(i));
            }
            functions = Collections.unmodifiableList(list);
        }
        return functions;
    }

    /** Functions whose name the pattern finds (regex find semantics), in entry order. */
    public List<GoFunction> find(Pattern pattern) {
        List<String> names = literalAlternatives(pattern);
        if (names != null && names.size() > 1) {
            // ^(a|b|…)$: hash lookups in the name index, so 1,000 names cost little more than one (a regex with
            // 1,000 alternatives would try each on every one of 100,000 names). `$` also matches before a final
            // line terminator, so those spellings are looked up too.
            NameIndex idx = index();
            java.util.TreeSet<Integer> hits = new java.util.TreeSet<>();
            for (String name : names) {
                hits.addAll(idx.exact(name));
                for (String terminator : LINE_TERMINATORS) hits.addAll(idx.exact(name + terminator));
            }
            return toFunctions(new ArrayList<>(hits));
        }
        byte[] prefix = literalPrefix(pattern);
        if (prefix != null) {
            // every match starts with the prefix: compare name bytes, run the regex on the few candidates only
            List<GoFunction> out = new ArrayList<>();
            Matcher m = pattern.matcher("");
            for (int i : pclntab.withNamePrefix(prefix)) {
                String name = pclntab.name(i);
                if (m.reset(name).find()) out.add(make(i, name));
            }
            return out;
        }
        List<Integer> idx = index().matching(pattern);
        List<GoFunction> out = new ArrayList<>(idx.size());
        for (int i : idx) out.add(make(i, index.name(i)));
        return out;
    }

    private static final List<String> LINE_TERMINATORS = List.of("\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029");

    /**
     * The names {@code pattern} matches exactly when it has the shape {@code ^(a|b|…)$}, {@code ^(?:a|b|…)$} or
     * {@code ^a$} with alternatives of plain or backslash-escaped punctuation characters and no flags; null for any
     * other pattern. (Matching is then name equality, up to a final line terminator that {@code $} allows.)
     */
    static List<String> literalAlternatives(Pattern pattern) {
        String p = pattern.pattern();
        if (pattern.flags() != 0 || p.length() < 3 || p.charAt(0) != '^' || p.charAt(p.length() - 1) != '$') return null;
        if (p.charAt(p.length() - 2) == '\\') return null;     // "\$": an escaped dollar, not the anchor
        int from = 1;
        int to = p.length() - 1;
        boolean grouped = true;
        if (p.startsWith("(?:", from) && p.charAt(to - 1) == ')') {
            from += 3;
            to--;
        } else if (p.startsWith("(", from) && p.charAt(to - 1) == ')') {
            from += 1;
            to--;
        } else {
            grouped = false;    // then a '|' would split the anchors: ^a|b$ is "^a" or "b$"
        }
        List<String> out = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int k = from; k < to; k++) {
            char c = p.charAt(k);
            if (Character.isSurrogate(c)) return null;     // an unpaired one would not survive UTF-8 encoding
            if (c == '\\') {
                if (k + 1 >= to) return null;
                char e = p.charAt(++k);
                if (Character.isLetterOrDigit(e) || e >= 0x80 || e < 0x20) return null;
                lit.append(e);
            } else if (c == '|') {
                if (lit.isEmpty() || !grouped) return null;
                out.add(lit.toString());
                lit.setLength(0);
            } else if ("^$.?*+()[]{}".indexOf(c) >= 0 || c < 0x20) {
                return null;
            } else {
                lit.append(c);
            }
        }
        if (lit.isEmpty()) return null;
        out.add(lit.toString());
        return out;
    }

    /**
     * The literal text every match of {@code pattern} starts its input with, as ASCII bytes, or null when there is
     * none to be sure of: the pattern must have no flags, start with {@code ^} (start of input, as it is not
     * MULTILINE), contain no {@code |} anywhere, and the prefix is the run of plain or backslash-escaped
     * punctuation characters after it, less its last character when a {@code ?}, {@code *} or {@code {}
     * quantifier follows.
     */
    static byte[] literalPrefix(Pattern pattern) {
        String p = pattern.pattern();
        if (pattern.flags() != 0 || p.length() < 2 || p.charAt(0) != '^' || p.indexOf('|') >= 0) return null;
        StringBuilder lit = new StringBuilder();
        int k = 1;
        while (k < p.length()) {
            char c = p.charAt(k);
            if (c == '\\') {
                if (k + 1 >= p.length()) return null;
                char e = p.charAt(k + 1);
                if (e >= 0x80 || Character.isLetterOrDigit(e) || e < 0x20) break;
                lit.append(e);
                k += 2;
            } else if (c < 0x20 || c >= 0x7f || "^$.|?*+()[]{}".indexOf(c) >= 0) {
                break;
            } else {
                lit.append(c);
                k++;
            }
        }
        if (k < p.length() && lit.length() > 0 && "?*{".indexOf(p.charAt(k)) >= 0) {
            lit.setLength(lit.length() - 1);
        }
        return lit.isEmpty() ? null : lit.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The function with this exact Go name. When both an assembly body and its ABIInternal wrapper exist,
     * the Go-ABI one is returned (it is the one Go code calls). For a generic name the first instantiation
     * is returned; {@link #lookupAll} returns them all.
     */
    public GoFunction lookup(String name) {
        List<GoFunction> found = lookupAll(name);
        for (GoFunction f : found) {
            if (!f.assembly()) return f;
        }
        return found.getFirst();
    }

    /**
     * Every function answering to {@code name}: the functions of that exact pclntab name (an ABI0 body and its
     * wrapper share one); else a {@code .symtab} spelling ({@code runtime.memmove.abi0},
     * {@code pkg.Map[go.shape.string_0]}, or a C symbol of a cgo binary); else, for a generic function written
     * {@code pkg.Map}, {@code pkg.Map[...]} or with any type arguments, all its instantiations.
     *
     * @throws SymbolNotFoundException naming the closest names when nothing answers
     */
    public List<GoFunction> lookupAll(String name) {
        NameIndex idx = index();
        List<Integer> exact = idx.exact(name);
        if (!exact.isEmpty()) {
            return toFunctions(exact);
        }
        List<GoFunction> viaSymtab = viaSymtab(name);
        if (!viaSymtab.isEmpty()) {
            return viaSymtab;
        }
        List<Integer> generic = idx.generic(GoNames.withoutTypeArguments(name));
        if (!generic.isEmpty()) {
            return toFunctions(generic);
        }
        throw new SymbolNotFoundException(elf.path().toString(), name, Suggestions.closest(name, new LinkedHashSet<>(idx.allNames()), 5));
    }

    /** The function whose [entry, next entry) holds {@code vaddr}. */
    public Optional<GoFunction> functionAt(long vaddr) {
        int i = indexAt(vaddr);
        return i < 0 ? Optional.empty() : Optional.of(function(i));
    }

    private int indexAt(long vaddr) {
        int lo = 0;
        int hi = pclntab.count() - 1;
        if (hi < 0 || vaddr < pclntab.entry(0) || vaddr >= pclntab.entry(pclntab.count())) return -1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (pclntab.entry(mid) <= vaddr) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    private List<GoFunction> viaSymtab(String name) {
        Optional<ElfSymbolTable> st = elf.symbolTable();
        if (st.isEmpty()) return List.of();
        ElfSymbolTable t = st.get();
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        List<GoFunction> out = new ArrayList<>();
        for (int s = 0; s < t.count(); s++) {
            if (!t.isFunction(s) || !t.nameEquals(s, want)) continue;
            long addr = t.value(s);
            int i = indexAt(addr);
            if (i >= 0 && pclntab.entry(i) == addr) {
                GoFunction f = function(i);
                out.add(name.endsWith(".abi0") && !f.assembly() ? new GoFunction(f.name(), f.entry(), f.end(), f.fileOffset(), true) : f);
            } else if (elf.loadSegmentFor(addr).isPresent()) {
                out.add(new GoFunction(name, addr, addr + t.size(s), elf.fileOffset(addr), false));   // C code of a cgo binary
            }
        }
        return out;
    }

    private List<GoFunction> toFunctions(List<Integer> idx) {
        List<GoFunction> out = new ArrayList<>(idx.size());
        for (int i : idx) out.add(make(i, index.name(i)));
        return out;
    }

    private GoFunction make(int i, String name) {
        long entry = pclntab.entry(i);
        long end = pclntab.entry(i + 1);
        boolean asm = pclntab.assembly(i);
        long[] ends = symEnds();
        if (ends != null) {
            if (ends[i] != 0) end = ends[i];
            asm |= symAsm[i];
        }
        return new GoFunction(name, entry, end, fileOffset(entry), asm);
    }

    private long fileOffset(long vaddr) {
        for (int k = 0; k < loadSegments.length; k += 3) {
            if (vaddr >= loadSegments[k] && vaddr < loadSegments[k + 1]) {
                return vaddr - loadSegments[k] + loadSegments[k + 2];
            }
        }
        return elf.fileOffset(vaddr);   // throws, naming the address
    }

    private synchronized NameIndex index() {
        if (index == null) {
            index = new NameIndex(pclntab);
        }
        return index;
    }

    /** Exact ends from .symtab st_size, when a function symbol sits at a pclntab entry and fits before the next. */
    private synchronized long[] symEnds() {
        if (symEnds == null) {
            Optional<ElfSymbolTable> st = elf.symbolTable();
            if (st.isEmpty() || st.get().count() == 0) {
                return null;
            }
            ElfSymbolTable t = st.get();
            int n = pclntab.count();
            long[] ends = new long[n];
            boolean[] asm = new boolean[n];
            byte[] abi0 = ".abi0".getBytes(StandardCharsets.US_ASCII);
            for (int s = 0; s < t.count(); s++) {
                if (!t.isFunction(s)) continue;
                long addr = t.value(s);
                int i = indexAt(addr);
                if (i < 0 || pclntab.entry(i) != addr) continue;
                long size = t.size(s);
                if (size > 0 && addr + size <= pclntab.entry(i + 1)) {
                    ends[i] = addr + size;
                }
                if (t.nameEndsWith(s, abi0)) {
                    asm[i] = true;
                }
            }
            symAsm = asm;
            symEnds = ends;
        }
        return symEnds;
    }

    @Override
    public void close() {
        elf.close();
    }
}
