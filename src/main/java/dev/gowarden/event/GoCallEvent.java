package dev.gowarden.event;

import java.util.List;

/**
 * One probe hit: when (wall clock), who (process, thread, goroutine), which function, its decoded values, and for a
 * return of a timed call how long the call took ({@code durationNs}, 0 when unknown).
 */
public record GoCallEvent(long epochNanos, int tgid, int tid, long goid, String comm, TracedFunction function,
                          List<GoValue> values, long durationNs) {
    public GoCallEvent {
        values = List.copyOf(values);
    }

    public GoCallEvent(long epochNanos, int tgid, int tid, long goid, String comm, TracedFunction function, List<GoValue> values) {
        this(epochNanos, tgid, tid, goid, comm, function, values, 0);
    }
}
