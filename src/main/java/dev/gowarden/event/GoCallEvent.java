package dev.gowarden.event;

import java.util.List;

/** One probe hit: when (wall clock), who (process, thread, goroutine), which function, and its decoded values. */
public record GoCallEvent(long epochNanos, int tgid, int tid, long goid, String comm, TracedFunction function,
                          List<GoValue> values) {
    public GoCallEvent {
        values = List.copyOf(values);
    }
}
