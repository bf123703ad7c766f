package dev.gowarden.link;

import dev.gowarden.bpf.Native;

/** Many uprobes in one file attached by one BPF_LINK_CREATE (attach type uprobe_multi); closed as one. */
final class UprobeMultiLink implements Link {
    private final String description;
    private final int linkFd;
    private boolean closed;

    UprobeMultiLink(String description, int linkFd) {
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
