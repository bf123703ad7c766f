package dev.gowarden.abi;

/**
 * A scalar part of a value: {@code size} bytes at {@code valueOffset} within the value, found at {@code location}.
 * A register holds a sub-word value in its low bits only; the rest are undefined and must be masked.
 */
public record Piece(long valueOffset, int size, Location location) {
}
