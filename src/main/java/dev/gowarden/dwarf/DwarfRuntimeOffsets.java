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

    /**
     * The offsets of {@code runtime.g.goid}, {@code runtime.g.stackguard0} and {@code runtime.g.stack.hi}; empty if
     * goid or stackguard0 is missing (stack.hi then falls back to {@link RuntimeOffsets#STACK_HI}).
     */
    public static Optional<RuntimeOffsets> fromDwarf(DwarfReader dwarf) {
        OptionalLong goid = dwarf.memberOffset("runtime.g", "goid");
        OptionalLong guard = dwarf.memberOffset("runtime.g", "stackguard0");
        if (goid.isEmpty() || guard.isEmpty()) return Optional.empty();
        OptionalLong stack = dwarf.memberOffset("runtime.g", "stack");
        OptionalLong hi = dwarf.memberOffset("runtime.stack", "hi");
        long stackHi = stack.isPresent() && hi.isPresent() ? stack.getAsLong() + hi.getAsLong() : RuntimeOffsets.STACK_HI;
        return Optional.of(new RuntimeOffsets(goid.getAsLong(), guard.getAsLong(), stackHi));
    }
}
