package dev.gowarden.abi;

import java.util.List;

/**
 * The calling-convention view of a signature: argument locations at function entry and result locations at
 * each RET (where SP is back to its entry value). {@code dictionaryRegister} is set for generic functions.
 */
public record FrameLayout(Abi abi, List<ValueLayout> args, List<ValueLayout> results, String dictionaryRegister) {
    public enum Abi { ABI_INTERNAL, ABI0 }

    public FrameLayout {
        args = List.copyOf(args);
        results = List.copyOf(results);
    }
}
