package dev.gowarden.link;

import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.KernelFs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The legacy probe path: dynamic events written to tracefs {@code uprobe_events} / {@code kprobe_events}.
 * Each instance owns a random group {@code gowarden_<pid>_<hex>}, so concurrent tracers never collide and
 * entries left behind by a crashed gowarden (its pid is gone) are removed the next time one starts.
 */
public final class Tracefs {
    private static final Pattern OUR_EVENT = Pattern.compile("^[a-z]:(gowarden_(\\d+)_[0-9a-f]+)/(\\S+)\\s");
    private static final List<Path> MOUNTS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private final Path root;
    private final String group;
    private final AtomicInteger counter = new AtomicInteger();

    private Tracefs(Path root) {
        this.root = root;
        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        this.group = "gowarden_" + ProcessHandle.current().pid() + "_" + HexFormat.of().formatHex(rnd);
    }

    /** Finds tracefs, mounting it at /sys/kernel/tracing when it is not mounted yet (needs root). */
    public static Tracefs open() {
        return new Tracefs(locate());
    }

    /** Opens a given tracefs root (for tests). */
    static Tracefs at(Path root) {
        return new Tracefs(root);
    }

    static Path locate() {
        for (Path p : MOUNTS) {
            if (Files.exists(p.resolve("uprobe_events")) || Files.exists(p.resolve("events"))) return p;
        }
        Path primary = MOUNTS.getFirst();
        KernelFs.mount("tracefs", primary, "tracefs");
        if (!Files.exists(primary.resolve("events"))) {
            throw new BpfException("tracefs mounted at " + primary + " has no events directory: this kernel lacks ftrace events");
        }
        return primary;
    }

    public Path root() {
        return root;
    }

    public String group() {
        return group;
    }

    public boolean hasUprobeEvents() {
        return Files.exists(root.resolve("uprobe_events"));
    }

    public boolean hasKprobeEvents() {
        return Files.exists(root.resolve("kprobe_events"));
    }

    /** A created dynamic event: its group/name, numeric id and the file it was written to. */
    public record Event(String kindFile, String group, String name, long id) {
    }

    /** The definition line for a uprobe: {@code p:GROUP/EVENT /path:0xOFF(0xREF)} ({@code r:} for a retprobe). */
    static String uprobeDefinition(String group, String event, UprobeTarget t) {
        if (t.path().toString().chars().anyMatch(c -> c == ' ' || c == '\n')) {
            throw new BpfException("tracefs cannot take a path with spaces: " + t.path());
        }
        return (t.retprobe() ? "r:" : "p:") + group + "/" + event + " " + t.path() + ":0x" + Long.toHexString(t.offset())
                + (t.refCtrOffset() != 0 ? "(0x" + Long.toHexString(t.refCtrOffset()) + ")" : "");
    }

    /** The definition line for a kprobe: {@code p:GROUP/EVENT symbol+0xOFF} ({@code r:} for a kretprobe). */
    static String kprobeDefinition(String group, String event, KprobeTarget t) {
        return (t.retprobe() ? "r:" : "p:") + group + "/" + event + " " + t.symbol() + (t.offset() != 0 ? "+0x" + Long.toHexString(t.offset()) : "");
    }

    public Event createUprobe(UprobeTarget t) {
        String event = "u" + counter.incrementAndGet();
        return create("uprobe_events", event, uprobeDefinition(group, event, t), t.describe());
    }

    public Event createKprobe(KprobeTarget t) {
        String event = "k" + counter.incrementAndGet();
        return create("kprobe_events", event, kprobeDefinition(group, event, t), t.describe());
    }

    private Event create(String file, String event, String definition, String what) {
        removeStale(file);
        Path events = root.resolve(file);
        if (!Files.exists(events)) {
            throw new BpfException(root + "/" + file + " does not exist: this kernel has no " + file.replace("_events", "") + " support (CONFIG_" +
                    file.replace("_events", "").toUpperCase() + "_EVENTS)");
        }
        try {
            Files.writeString(events, definition + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BpfException("tracefs refused " + what + " ('" + definition + "'): " + e.getMessage()
                    + "; check " + root + "/error_log");
        }
        try {
            long id = Long.parseLong(Files.readString(root.resolve("events").resolve(group).resolve(event).resolve("id")).trim());
            return new Event(file, group, event, id);
        } catch (IOException | NumberFormatException e) {
            remove(new Event(file, group, event, -1));
            throw new BpfException("tracefs event " + group + "/" + event + " has no readable id: " + e.getMessage());
        }
    }

    /** Removes a dynamic event; safe to call twice. */
    public void remove(Event e) {
        try {
            Files.writeString(root.resolve(e.kindFile()), "-:" + e.group() + "/" + e.name() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Lines of uprobe_events/kprobe_events that belong to any gowarden (live or dead). */
    public List<String> ourEvents(String file) {
        try {
            Path p = root.resolve(file);
            if (!Files.exists(p)) return List.of();
            return Files.readAllLines(p).stream().filter(l -> OUR_EVENT.matcher(l + " ").find()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Removes events of gowarden processes that no longer exist (a crash between create and remove). */
    void removeStale(String file) {
        List<Event> stale = new ArrayList<>();
        for (String line : ourEvents(file)) {
            Matcher m = OUR_EVENT.matcher(line + " ");
            if (!m.find()) continue;
            long pid = Long.parseLong(m.group(2));
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) {
                stale.add(new Event(file, m.group(1), m.group(3), -1));
            }
        }
        stale.forEach(this::remove);
    }
}
