package dev.gowarden.golang;

/**
 * A function of a Go binary. {@code entry}/{@code end} are link-time virtual addresses, {@code fileOffset} is
 * where the entry lies in the file (what a uprobe takes). {@code assembly} marks ABI0 (hand-written assembly)
 * functions, whose arguments are on the stack whatever the Go version.
 */
public record GoFunction(String name, long entry, long end, long fileOffset, boolean assembly) {
    public long size() {
        return end - entry;
    }
}
