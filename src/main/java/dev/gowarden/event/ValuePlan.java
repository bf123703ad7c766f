package dev.gowarden.event;

import dev.gowarden.abi.GoType;

import java.util.List;
import java.util.Map;

/**
 * How one argument or result is rebuilt from a probe's record: which captured word holds each scalar piece
 * (by offset within the value), which copy holds the bytes of each string or []byte (by the offset of its data
 * pointer), and why pieces that were not captured are missing.
 */
public record ValuePlan(String label, GoType type, List<PlacedWord> words, Map<Long, Integer> copies,
                        Map<Long, String> missing) {
    /** Piece at {@code valueOffset} of {@code size} bytes is captured word {@code wordIndex}. */
    public record PlacedWord(long valueOffset, int size, int wordIndex) {
    }

    public ValuePlan {
        words = List.copyOf(words);
        copies = Map.copyOf(copies);
        missing = Map.copyOf(missing);
    }
}
