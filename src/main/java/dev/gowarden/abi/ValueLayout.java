package dev.gowarden.abi;

import java.util.List;

/** Where one argument or result lives: its pieces in value order, and whether the ABI put it whole on the stack. */
public record ValueLayout(Signature.Param param, List<Piece> pieces, boolean onStack) {
    public ValueLayout {
        pieces = List.copyOf(pieces);
    }

    /** True when some piece sits in a register a uprobe cannot read (floats). */
    public boolean hasUnreadablePiece() {
        return pieces.stream().anyMatch(p -> p.location() instanceof Location.FloatRegister);
    }
}
