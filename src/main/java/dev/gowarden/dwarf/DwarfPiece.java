package dev.gowarden.dwarf;

/**
 * Where one piece of a parameter lives at the function's first instruction, as the compiler's DWARF location says.
 * {@code size} is the DW_OP_piece size, or 0 when the expression describes the whole value without pieces.
 */
public sealed interface DwarfPiece {
    long size();

    /** In DWARF register {@code number} (the architecture's DWARF numbering, not Go's names). */
    record Register(int number, long size) implements DwarfPiece {
    }

    /** In memory at the canonical frame address plus {@code cfaOffset} (Go's frame base is DW_OP_call_frame_cfa). */
    record Frame(long cfaOffset, long size) implements DwarfPiece {
    }

    /** A piece with no location: padding inside a struct, or a part the compiler did not keep. */
    record Absent(long size) implements DwarfPiece {
    }

    /** An expression this reader does not evaluate; {@code expression} is its hex bytes, for messages. */
    record Unknown(String expression, long size) implements DwarfPiece {
    }
}
