package dev.gowarden.dwarf;

import dev.gowarden.abi.GoType;

import java.util.List;

/**
 * A formal parameter of a subprogram. Go marks results with DW_AT_variable_parameter; their names are the
 * source names or {@code ~r0}, {@code ~r1} for unnamed ones. {@code entry} is where the value lives at the
 * function's low_pc (empty when the compiler gave no location there, e.g. results and zero-size values).
 */
public record DwarfParam(String name, boolean result, GoType type, String typeName, List<DwarfPiece> entry) {
    public DwarfParam {
        entry = List.copyOf(entry);
    }
}
