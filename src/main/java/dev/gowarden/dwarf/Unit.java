package dev.gowarden.dwarf;

/**
 * A compile (or partial/type) unit of {@code .debug_info}: header facts needed to decode its DIEs, the DWARF 5
 * base offsets from its root DIE, its base address for location lists, and its name (for Go: the package path).
 */
record Unit(long offset, long end, int version, int unitType, int addrSize, int offsetSize, long firstDie,
            Abbrev.Table abbrevs, long strOffsetsBase, long addrBase, long loclistsBase, long rnglistsBase,
            long baseAddress, String name, int rootTag) {

    boolean contains(long dieOffset) {
        return dieOffset >= offset && dieOffset < end;
    }

    /** Go's compiler writes DW_LANG_Go units whose names are import paths; C units (cgo) are file names. */
    boolean isCompileOrPartial() {
        return rootTag == Dw.TAG_COMPILE_UNIT || rootTag == Dw.TAG_PARTIAL_UNIT;
    }
}
