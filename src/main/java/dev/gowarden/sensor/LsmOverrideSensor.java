package dev.gowarden.sensor;

import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.BpfMap;
import dev.gowarden.bpf.BpfObject;
import dev.gowarden.bpf.RingBuffer;
import dev.gowarden.link.Attacher;
import dev.gowarden.link.Link;
import dev.gowarden.policy.TracingPolicy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Policies on kernel LSM hooks, all served by one shared program per hook (lsm_override.bpf.c): each policy's
 * selectors become rules in a map, so a hook carries any number of policies where the kernel allows 38 programs
 * on one trampoline. Rules are written before their count is published, so the program never sees half a policy.
 */
public final class LsmOverrideSensor implements AutoCloseable {
    static final int MAX_VALUE = 256;
    static final int RULE_SIZE = 24 + MAX_VALUE;
    static final int EVENT_SIZE = 48 + MAX_VALUE;
    private static final int R_EQUAL = 1;
    private static final int R_PREFIX = 2;
    private static final int R_POSTFIX = 3;
    private static final int R_POST = 1;
    private static final int R_OVERRIDE = 2;

    /**
     * One matching rule's report: who opened what ({@code path} holds the first 256 bytes of a longer one), which
     * policy's selector matched, the error it made the hook return.
     */
    public record LsmEvent(long epochNanos, int tgid, int tid, String comm, String hook, String path, TracingPolicy policy,
                           TracingPolicy.LsmHook spec, int selector, int error) {
    }

    /** What a rule came from, by the policy index the kernel reports. */
    private record Source(TracingPolicy policy, TracingPolicy.LsmHook hook) {
    }

    /** The hooks lsm_override.bpf.c serves: hook name -> its id in rules, its program, the kernel function it runs in. */
    private record Hook(int id, String program, String function) {
    }

    private static final java.util.Map<String, Hook> HOOKS = java.util.Map.of(
            "file_open", new Hook(0, "gw_file_open", "security_file_open"),
            "bprm_check_security", new Hook(1, "gw_bprm_check", "security_bprm_check"));

    private final java.util.Set<String> used = new java.util.TreeSet<>();
    private final BpfObject object;
    private final BpfMap rules;
    private final BpfMap ruleCount;
    private final RingBuffer ring;
    private final List<Source> sources = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final long monoToEpochNanos;
    private int count;

    public LsmOverrideSensor() {
        BpfObject obj = BpfObject.fromResource("lsm_override");
        try {
            obj.load();
            this.rules = obj.map("rules");
            this.ruleCount = obj.map("rule_count");
            this.ring = new RingBuffer(obj.map("lsm_events"));
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
        this.object = obj;
        java.time.Instant now = java.time.Instant.now();
        this.monoToEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /**
     * Adds a policy's LSM hooks: one rule per path value of each selector, in selector order (a selector without
     * filters matches every call; a hook without selectors posts every call).
     */
    public void add(TracingPolicy policy) {
        List<byte[]> encoded = new ArrayList<>();
        for (TracingPolicy.LsmHook hook : policy.lsmhooks()) {
            Hook h = HOOKS.get(hook.hook());
            if (h == null) throw new IllegalArgumentException("LSM hook " + hook.hook() + " is not served");
            used.add(hook.hook());
            int source = sources.size();
            sources.add(new Source(policy, hook));
            if (hook.selectors().isEmpty()) {
                encoded.add(rule(source, h.id(), 0, R_PREFIX, "", R_POST, 0));
                continue;
            }
            for (int s = 0; s < hook.selectors().size(); s++) {
                TracingPolicy.Selector sel = hook.selectors().get(s);
                int actions = 0;
                int error = 0;
                boolean post = sel.actions().isEmpty();
                for (TracingPolicy.Action a : sel.actions()) {
                    switch (a) {
                        case TracingPolicy.Action.Post p -> post = true;
                        case TracingPolicy.Action.Override o -> {
                            actions |= R_OVERRIDE;
                            error = o.error() == null ? -1 : o.error();
                            post = true;   // Tetragon reports an override unless NoPost says otherwise
                        }
                        case TracingPolicy.Action.NoPost n -> post = false;
                        default -> throw new IllegalArgumentException("action " + a + " on an LSM hook");
                    }
                }
                if (post && sel.actions().stream().noneMatch(a -> a instanceof TracingPolicy.Action.NoPost)) actions |= R_POST;
                if (sel.matchArgs().isEmpty()) {
                    encoded.add(rule(source, h.id(), s, R_PREFIX, "", actions, error));
                } else {
                    TracingPolicy.MatchArg m = sel.matchArgs().getFirst();
                    int op = switch (m.operator()) {
                        case EQUAL -> R_EQUAL;
                        case PREFIX -> R_PREFIX;
                        case POSTFIX -> R_POSTFIX;
                        default -> throw new IllegalArgumentException("operator " + m.operator() + " on a path");
                    };
                    for (String v : m.values()) encoded.add(rule(source, h.id(), s, op, v, actions, error));
                }
            }
        }
        if (count + encoded.size() > rules.maxEntries()) {
            throw new BpfException("too many LSM rules: " + (count + encoded.size()) + ", the rules map holds " + rules.maxEntries());
        }
        try (Arena arena = Arena.ofConfined()) {
            for (byte[] r : encoded) rules.updateInt(count++, arena.allocateFrom(ValueLayout.JAVA_BYTE, r));
            MemorySegment n = arena.allocate(4, 4);
            n.set(ValueLayout.JAVA_INT, 0, count);
            ruleCount.updateInt(0, n);
        }
    }

    public int ruleCount() {
        return count;
    }

    /** Attaches the shared program of each hook the policies use: one trampoline slot per hook, whatever their number. */
    public void attach() {
        Attacher attacher = new Attacher(Attacher.Mode.AUTO);
        for (String name : used) {
            Hook h = HOOKS.get(name);
            links.add(attacher.trampoline(object.program(h.program()), Attacher.BPF_LSM_MAC, h.function()));
        }
    }

    public int poll(int timeoutMs, Consumer<LsmEvent> sink) {
        return ring.poll(timeoutMs, record -> {
            if (record.byteSize() < EVENT_SIZE) return;
            ByteBuffer b = record.asByteBuffer().order(ByteOrder.nativeOrder());
            int source = b.getInt(16);
            if (source < 0 || source >= sources.size()) return;
            int fullLength = b.getInt(28);
            int pathLen = Math.min(fullLength, MAX_VALUE);
            byte[] comm = new byte[16];
            b.get(32, comm);
            int commLen = 0;
            while (commLen < 16 && comm[commLen] != 0) commLen++;
            byte[] path = new byte[pathLen];
            b.get(48, path);
            Source src = sources.get(source);
            sink.accept(new LsmEvent(b.getLong(0) + monoToEpochNanos, b.getInt(8), b.getInt(12), new String(comm, 0, commLen, StandardCharsets.UTF_8),
                    src.hook().hook(), new String(path, StandardCharsets.UTF_8) + (fullLength > MAX_VALUE ? "..." : ""), src.policy(), src.hook(),
                    b.getInt(20), b.getInt(24)));
        });
    }

    static byte[] rule(int source, int hook, int selector, int op, String value, int actions, int error) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        if (v.length > MAX_VALUE) throw new IllegalArgumentException("path value longer than " + MAX_VALUE + " bytes");
        ByteBuffer b = ByteBuffer.allocate(RULE_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, source);
        b.putInt(4, selector);
        b.put(8, (byte) op);
        b.put(9, (byte) actions);
        b.putShort(10, (short) hook);
        b.putInt(12, error);
        b.putInt(16, v.length);
        b.put(24, v);
        return b.array();
    }

    @Override
    public void close() {
        links.forEach(Link::close);
        links.clear();
        ring.close();
        object.close();
    }
}
