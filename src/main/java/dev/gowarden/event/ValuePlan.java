package dev.gowarden.event;

import dev.gowarden.abi.GoType;

import java.util.List;
import java.util.Map;

/**
 * How one argument or result is rebuilt from a probe's record: which captured word holds each scalar piece
 * (by offset within the value), which copy holds the bytes of each string or []byte (by the offset of its data
 * pointer), and why pieces that were not captured are missing. {@code extras} are read through the value's
 * pointers (a map's count, an interface's dynamic type); {@code pointees}, by the offset of a pointer in the value,
 * plan the value it points to (its words read through the pointer, offsets relative to the pointee).
 */
public record ValuePlan(String label, GoType type, List<PlacedWord> words, Map<Long, Integer> copies,
                        Map<Long, String> missing, List<Extra> extras, Map<Long, ValuePlan> pointees) {
    /** Piece at {@code valueOffset} of {@code size} bytes is captured word {@code wordIndex}. */
    public record PlacedWord(long valueOffset, int size, int wordIndex) {
    }

    /** What a probe reads beyond the value's own words, through its pointers. */
    public enum ExtraKind {
        /** the count of the map the word at the offset points to (hmap.count, or the swiss map's used) */
        MAP_LEN,
        /** qcount of the channel the word at the offset points to */
        CHAN_LEN,
        /** dataqsiz of that channel */
        CHAN_CAP,
        /** an interface's dynamic type: itab->_type for a non-empty interface (the type word itself for any) */
        DYNAMIC_TYPE,
        /** the first word of the value an interface points to: a string's pointer, or an errno */
        POINTEE_WORD0,
        /** the second word of that value: a string's length */
        POINTEE_WORD1,
        /** copy index of the bytes of that string (the text of *errors.errorString and friends) */
        POINTEE_TEXT
    }

    /** Extra {@code kind} of the value part at {@code valueOffset} is word (or copy) {@code index}. */
    public record Extra(long valueOffset, ExtraKind kind, int index) {
    }

    public ValuePlan {
        words = List.copyOf(words);
        copies = Map.copyOf(copies);
        missing = Map.copyOf(missing);
        extras = List.copyOf(extras);
        pointees = Map.copyOf(pointees);
    }

    public ValuePlan(String label, GoType type, List<PlacedWord> words, Map<Long, Integer> copies, Map<Long, String> missing) {
        this(label, type, words, copies, missing, List.of(), Map.of());
    }

    /** The word or copy index of an extra, or -1 when the probe does not read it. */
    public int extra(long valueOffset, ExtraKind kind) {
        for (Extra e : extras) {
            if (e.valueOffset() == valueOffset && e.kind() == kind) return e.index();
        }
        return -1;
    }
}
