package dev.gowarden.dwarf;

import dev.gowarden.golang.RuntimeOffsets;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Runtime struct offsets read from the binary's own DWARF ({@code runtime.g}), which beats the version table in
 * {@link RuntimeOffsets#forVersion} whenever debug info is present: it is right for releases the table does not
 * know and for patched toolchains.
 */
public final class DwarfRuntimeOffsets {
    private DwarfRuntimeOffsets() {
    }

    /** The offsets of {@code runtime.g.goid} and {@code runtime.g.stackguard0}; empty if either is missing. */
    public static Optional<RuntimeOffsets> fromDwarf(DwarfReader dwarf) {
        OptionalLong goid = dwarf.memberOffset("runtime.g", "goid");
        OptionalLong guard = dwarf.memberOffset("runtime.g", "stackguard0");
        if (goid.isEmpty() || guard.isEmpty()) return Optional.empty();
        return Optional.of(new RuntimeOffsets(goid.getAsLong(), guard.getAsLong()));
    }
}
