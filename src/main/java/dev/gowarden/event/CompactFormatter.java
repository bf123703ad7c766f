package dev.gowarden.event;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/** One line per call: {@code 12:00:01.123456 demo[4242/4243] main.greet(name="hello", n=1)}. */
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
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s);
    }
}
