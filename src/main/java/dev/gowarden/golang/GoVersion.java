package dev.gowarden.golang;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Go release as written in build info ("go1.19.8", "go1.23rc1", "devel go1.24-abc"). */
public record GoVersion(int major, int minor, int patch, String raw) implements Comparable<GoVersion> {
    private static final Pattern VERSION = Pattern.compile("go(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public static GoVersion parse(String raw) {
        Matcher m = VERSION.matcher(raw);
        if (!m.find()) {
            throw new IllegalArgumentException("not a Go version: '" + raw + "'");
        }
        return new GoVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), raw);
    }

    public static GoVersion of(int major, int minor) {
        return new GoVersion(major, minor, 0, "go" + major + "." + minor);
    }

    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    @Override
    public int compareTo(GoVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        if (c == 0) c = Integer.compare(patch, o.patch);
        return c;
    }

    @Override
    public String toString() {
        return raw;
    }
}
