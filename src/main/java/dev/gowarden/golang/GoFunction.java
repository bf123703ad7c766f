package dev.gowarden.golang;

/**
 * A function of a Go binary. {@code entry}/{@code end} are link-time virtual addresses ({@code end} is the exact
 * {@code .symtab} size when the binary has one, else the next pclntab entry, padding included), {@code fileOffset}
 * is where the entry lies in the file (what a uprobe takes). {@code assembly} marks hand-written assembly: the
 * pclntab's {@code FuncFlag_ASM} (Go 1.18+) or an {@code .abi0} symbol at the entry. Most such functions are ABI0
 * (arguments on the stack whatever the Go version), but not all: a few runtime routines are assembly written for
 * ABIInternal ({@code runtime.memequal}, {@code runtime.cmpstring} carry the flag without an {@code .abi0} symbol).
 */
public record GoFunction(String name, long entry, long end, long fileOffset, boolean assembly) {
    public long size() {
        return end - entry;
    }
}
