package dev.gowarden.event;

import java.util.List;

/**
 * One probe hit: when (wall clock), who (process, thread, goroutine), which function, its decoded values, and for a
 * return of a timed call how long the call took ({@code durationNs}, 0 when unknown), and what a policy's
 * selector did ({@code actions}).
 */
public record GoCallEvent(long epochNanos, int tgid, int tid, long goid, String comm, TracedFunction function,
                          List<GoValue> values, long durationNs, int actions) {
    /** The kernel's action bits (go_selectors.h ACTION_*): what the matched policy selector did. */
    public static final int ACTION_POST = 1;
    public static final int ACTION_SIGKILL = 4;
    public static final int ACTION_SIGNAL = 8;

    public GoCallEvent {
        values = List.copyOf(values);
    }

    public GoCallEvent(long epochNanos, int tgid, int tid, long goid, String comm, TracedFunction function, List<GoValue> values,
                       long durationNs) {
        this(epochNanos, tgid, tid, goid, comm, function, values, durationNs, ACTION_POST);
    }

    public GoCallEvent(long epochNanos, int tgid, int tid, long goid, String comm, TracedFunction function, List<GoValue> values) {
        this(epochNanos, tgid, tid, goid, comm, function, values, 0);
    }
}
