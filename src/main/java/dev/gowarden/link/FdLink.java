package dev.gowarden.link;

import dev.gowarden.bpf.Native;

/** A BPF link that is just its fd: uprobe_multi (many uprobes of one file, closed as one) and trampoline links. */
final class FdLink implements Link {
    private final String description;
    private final int linkFd;
    private boolean closed;

    FdLink(String description, int linkFd) {
        this.description = description;
        this.linkFd = linkFd;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Native.libc().close(linkFd);
    }
}
