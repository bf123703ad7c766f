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
                sig = dwarf.flatMap(d -> d.signatureOf(f.name())).map(d -> new Signature(s.function(), d.params(), d.results(), true))
                        .orElseThrow(() -> new GoBinaryException(bin.path() + " has " + (dwarf.isEmpty() ? "no DWARF (built with -w or stripped)"
                                : "no DWARF entry for " + f.name()) + ": write the parameters, e.g. '" + s.function() + "(name string, n int)'"));
            }
            out.add(new Resolved(f, sig));
        }
        return out;
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
