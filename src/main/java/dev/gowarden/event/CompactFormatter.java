package dev.gowarden.event;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * One line per call: {@code 12:00:01.123456 demo[4242/4243] main.greet(name="bob", n=5)}, and per return of a
 * traced call {@code 12:00:01.123470 demo[4242/4243] main.greet returned (ret0="hello bob #5") in 14.2µs}.
 */
public final class CompactFormatter implements EventFormatter {
    private final ZoneId zone;

    public CompactFormatter(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public void format(GoCallEvent e, String binaryPath, StringBuilder sb) {
        LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(0, e.epochNanos()), zone);
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2).append('.');
        pad(sb, t.getNano() / 1000, 6).append(' ');
        sb.append(e.comm()).append('[').append(e.tgid()).append('/').append(e.tid()).append("] ");
        TracedFunction f = e.function();
        sb.append(f.symbol());
        if (f.kind() == TracedFunction.Kind.RETURN) sb.append(" returned ");
        sb.append('(');
        for (int i = 0; i < e.values().size(); i++) {
            if (i > 0) sb.append(", ");
            String label = f.values().get(i).label();
            if (!label.isEmpty()) sb.append(label).append('=');
            GoSyntax.append(sb, e.values().get(i));
        }
        sb.append(')');
        if (f.kind() == TracedFunction.Kind.RETURN && e.durationNs() > 0) {
            sb.append(" in ");
            appendDuration(sb, e.durationNs());
        }
        if (f.policy() != null) {
            sb.append("  [").append(f.policy().name());
            if ((e.actions() & GoCallEvent.ACTION_SIGKILL) != 0) sb.append(", killed");
            else if ((e.actions() & GoCallEvent.ACTION_SIGNAL) != 0) sb.append(", signalled");
            if (!f.policy().message().isEmpty()) sb.append(": ").append(f.policy().message());
            sb.append(']');
        }
    }

    /** 850ns, 14.2µs, 1.234ms, 2.500s: about four significant digits, in the unit that keeps the number short. */
    static StringBuilder appendDuration(StringBuilder sb, long ns) {
        // the bounds are where rounding would carry into the next unit (999.95µs is 1.000ms, not 1000.0µs)
        if (ns < 1_000) return sb.append(ns).append("ns");
        if (ns < 999_950) return fixed(sb, ns, 1_000, 1).append("µs");
        if (ns < 999_999_500) return fixed(sb, ns, 1_000_000, 3).append("ms");
        return fixed(sb, ns, 1_000_000_000, 3).append('s');
    }

    private static StringBuilder fixed(StringBuilder sb, long ns, long unit, int decimals) {
        long scale = decimals == 1 ? 10 : 1000;
        long scaled = (ns * scale + unit / 2) / unit;   // rounded to the last decimal kept
        sb.append(scaled / scale).append('.');
        String frac = Long.toString(scaled % scale);
        for (int i = frac.length(); i < decimals; i++) sb.append('0');
        return sb.append(frac);
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s);
    }
}
