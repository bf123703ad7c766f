package dev.gowarden.link;

import dev.gowarden.bpf.Native;

import java.util.Optional;

/**
 * A program attached to a perf event (uprobe/kprobe PMU or tracefs event) through a BPF link. Closing it
 * closes the link and the perf event, then removes the tracefs event if there was one.
 */
final class PerfEventLink implements Link {
    private final String description;
    private final int perfFd;
    private final int linkFd;
    private final Optional<Tracefs.Event> tracefsEvent;
    private final Tracefs tracefs;
    private boolean closed;

    PerfEventLink(String description, int perfFd, int linkFd, Tracefs tracefs, Tracefs.Event event) {
        this.description = description;
        this.perfFd = perfFd;
        this.linkFd = linkFd;
        this.tracefs = tracefs;
        this.tracefsEvent = Optional.ofNullable(event);
    }

    @Override
    public String describe() {
        return description + (tracefsEvent.isPresent() ? " (tracefs " + tracefsEvent.get().group() + "/" + tracefsEvent.get().name() + ")" : " (perf PMU)");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Native.libc().close(linkFd);
        Native.libc().close(perfFd);
        if (tracefsEvent.isPresent()) tracefs.remove(tracefsEvent.get());
    }
}
