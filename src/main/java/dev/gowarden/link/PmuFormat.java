package dev.gowarden.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dynamic perf PMU ({@code uprobe} or {@code kprobe}) as sysfs describes it: its type number and where the
 * retprobe bit and the reference counter offset go in {@code config} ({@code format/retprobe} = "config:0",
 * {@code format/ref_ctr_offset} = "config:32-63").
 */
public record PmuFormat(String name, int type, int retprobeBit, int refCtrShift) {
    private static final Pattern FORMAT = Pattern.compile("config:(\\d+)(?:-(\\d+))?");

    public static Optional<PmuFormat> read(Path sysfsDevices, String name) {
        Path dir = sysfsDevices.resolve(name);
        try {
            if (!Files.isRegularFile(dir.resolve("type"))) return Optional.empty();
            int type = Integer.parseInt(Files.readString(dir.resolve("type")).trim());
            int retBit = parseStart(dir.resolve("format/retprobe"), 0);
            int refShift = parseStart(dir.resolve("format/ref_ctr_offset"), -1);
            return Optional.of(new PmuFormat(name, type, retBit, refShift));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static Optional<PmuFormat> read(String name) {
        return read(Path.of("/sys/bus/event_source/devices"), name);
    }

    static int parseStart(Path file, int fallback) throws IOException {
        if (!Files.exists(file)) return fallback;
        Matcher m = FORMAT.matcher(Files.readString(file).trim());
        if (!m.matches()) throw new IOException(file + ": unexpected format '" + Files.readString(file).trim() + "'");
        return Integer.parseInt(m.group(1));
    }

    /** The config word for a probe: retprobe bit, and the ref_ctr offset where the PMU supports one. */
    public long config(boolean retprobe, long refCtrOffset) {
        long c = retprobe ? 1L << retprobeBit : 0;
        if (refCtrOffset != 0) {
            if (refCtrShift < 0) throw new IllegalArgumentException("the " + name + " PMU has no ref_ctr_offset field");
            c |= refCtrOffset << refCtrShift;
        }
        return c;
    }
}
