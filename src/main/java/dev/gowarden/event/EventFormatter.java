package dev.gowarden.event;

/** Renders events as text lines. Implementations append to a caller-owned builder to avoid garbage. */
public sealed interface EventFormatter permits CompactFormatter, TetragonJsonFormatter {
    void format(GoCallEvent e, String binaryPath, StringBuilder out);
}
