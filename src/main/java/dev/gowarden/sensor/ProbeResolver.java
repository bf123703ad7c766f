package dev.gowarden.sensor;

import dev.gowarden.abi.Signature;
import dev.gowarden.dwarf.DwarfReader;
import dev.gowarden.dwarf.DwarfRuntimeOffsets;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoBinaryException;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.golang.RuntimeOffsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves what the user asked to trace against one binary: each signature to its function, bare names to
 * their signature from DWARF, and the runtime offsets (goroutine id) from DWARF or the per-version table.
 * All errors come before any kernel work.
 */
public final class ProbeResolver implements AutoCloseable {
    /** A function with the signature to decode it by. */
    public record Resolved(GoFunction function, Signature signature) {
    }

    private final GoBinary bin;
    private final Optional<DwarfReader> dwarf;

    public ProbeResolver(GoBinary bin) {
        this.bin = bin;
        this.dwarf = DwarfReader.open(bin.elf());
    }

    public List<Resolved> resolve(List<Signature> requested) {
        List<Resolved> out = new ArrayList<>();
        for (Signature s : requested) {
            GoFunction f = bin.lookup(s.function());
            Signature sig = s;
            if (!s.declared()) {
                sig = dwarfSignature(f).map(d -> new Signature(s.function(), d.params(), d.results(), true))
                        .orElseThrow(() -> new GoBinaryException(bin.path() + " has " + (dwarf.isEmpty() ? "no DWARF (built with -w or stripped)"
                                : "no DWARF entry for " + f.name()) + ": write the parameters, e.g. '" + s.function() + "(name string, n int)'"));
            }
            out.add(new Resolved(f, sig));
        }
        return out;
    }

    /**
     * Every function a glob names, one per name (the Go-ABI one when an assembly body shares it), in entry order:
     * {@code *} stands for any run of characters except in {@code (*}, the pointer receiver. Each takes its
     * signature from DWARF when there is one, else none (the calls are reported by name, without values).
     */
    public List<Resolved> resolvePattern(String glob) {
        java.util.Map<String, GoFunction> byName = new java.util.LinkedHashMap<>();
        List<GoFunction> sameNamed = new ArrayList<>();
        for (GoFunction f : bin.find(globPattern(glob.strip()))) {
            GoFunction kept = byName.get(f.name());
            if (kept == null) {
                byName.put(f.name(), f);
            } else if (kept.assembly() != f.assembly()) {
                // an assembly body and its Go-ABI wrapper share the name: trace the wrapper, which Go code calls
                if (kept.assembly()) byName.put(f.name(), f);
            } else {
                sameNamed.add(f);   // generic instantiations of Go 1.18-1.20 share one name: each is its own function
            }
        }
        if (byName.isEmpty()) {
            throw new GoBinaryException(bin.path() + ": no function matches '" + glob.strip() + "'");
        }
        List<GoFunction> all = new ArrayList<>(byName.values());
        all.addAll(sameNamed);
        all.sort(java.util.Comparator.comparingLong(GoFunction::entry));
        List<Resolved> out = new ArrayList<>(all.size());
        for (GoFunction f : all) {
            Signature sig = dwarfSignature(f).map(d -> new Signature(f.name(), d.params(), d.results(), true))
                    .orElseGet(() -> new Signature(f.name(), List.of(), List.of(), true));
            out.add(new Resolved(f, sig));
        }
        return out;
    }

    /**
     * True when a probe's function name is a glob: it has a '*' that is not the one of a pointer receiver "(*". The
     * name ends where a signature's parameter list (a '(' not right after '.') or a space begins.
     */
    public static boolean isPattern(String probe) {
        String p = probe.strip();
        int end = 0;
        while (end < p.length()) {
            char c = p.charAt(end);
            if (Character.isWhitespace(c) || c == '(' && (end == 0 || p.charAt(end - 1) != '.')) break;
            end++;
        }
        for (int i = p.indexOf('*'); i >= 0 && i < end; i = p.indexOf('*', i + 1)) {
            if (i == 0 || p.charAt(i - 1) != '(') return true;
        }
        return false;
    }

    /** The anchored regex of a glob, punctuation backslash-escaped (so a literal head takes the name-prefix search). */
    static java.util.regex.Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder("^");
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && (i == 0 || glob.charAt(i - 1) != '(')) {
                re.append(".*");
            } else if (c < 0x80 && !Character.isLetterOrDigit(c) && c != '_') {
                re.append('\\').append(c);
            } else {
                re.append(c);
            }
        }
        return java.util.regex.Pattern.compile(re.append('$').toString());
    }

    /**
     * The DWARF signature of this very function: the subprogram at its entry address when several share its name
     * (Go 1.18-1.20 name every instantiation of a generic function alike, with different shapes), else by name.
     */
    private Optional<Signature> dwarfSignature(GoFunction f) {
        if (dwarf.isEmpty()) return Optional.empty();
        List<dev.gowarden.dwarf.DwarfFunction> candidates = dwarf.get().functions(f.name());
        for (dev.gowarden.dwarf.DwarfFunction d : candidates) {
            if (d.lowPc() == f.entry()) return Optional.of(d.signature());
        }
        return dwarf.get().signatureOf(f.name());
    }

    /** Offsets into runtime.g: DWARF when the binary has it, else the table for its Go version. */
    public RuntimeOffsets runtimeOffsets() {
        Optional<RuntimeOffsets> fromDwarf = dwarf.flatMap(DwarfRuntimeOffsets::fromDwarf);
        return fromDwarf.orElseGet(() -> RuntimeOffsets.forBinary(bin));
    }

    @Override
    public void close() {
        dwarf.ifPresent(DwarfReader::close);
    }
}
