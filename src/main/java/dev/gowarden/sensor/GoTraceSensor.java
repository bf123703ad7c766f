package dev.gowarden.sensor;

import dev.gowarden.abi.Signature;
import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.BpfMap;
import dev.gowarden.bpf.BpfObject;
import dev.gowarden.bpf.BpfProgram;
import dev.gowarden.bpf.RingBuffer;
import dev.gowarden.event.EventRecord;
import dev.gowarden.event.GoCallEvent;
import dev.gowarden.event.GoValue;
import dev.gowarden.event.TracedFunction;
import dev.gowarden.event.TypeNamer;
import dev.gowarden.event.ValueDecoder;
import dev.gowarden.event.ValuePlan;
import dev.gowarden.golang.CodeAnalyzer;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.golang.ProbePoints;
import dev.gowarden.golang.RuntimeOffsets;
import dev.gowarden.golang.TypeNames;
import dev.gowarden.link.Attacher;
import dev.gowarden.link.Link;
import dev.gowarden.link.UprobeTarget;
import dev.gowarden.policy.TracingPolicy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Traces Go functions: owns the go_trace BPF object, its ring buffer and every link it attaches. One instance
 * serves any number of functions in any number of binaries, traced from the command line (entries, returns with
 * durations) or for policies (selectors evaluated in the kernel); each probe's id is the lower half of its BPF
 * cookie (the upper half: which of its addresses) and its index in probe_specs and probe_selectors. Closing
 * detaches everything.
 */
public final class GoTraceSensor implements AutoCloseable {
    /**
     * Settings: ring buffer size (bytes, power of two), how single probes attach, max string bytes captured,
     * and whether probes of one binary attach together through one uprobe_multi link (when the kernel has it).
     */
    public record Options(int ringBytes, Attacher.Mode attachMode, int stringSize, boolean uprobeMulti, int maxProbes) {
        /** probe_specs' size when not given: enough for hundreds of functions traced with their returns. */
        public static final int DEFAULT_MAX_PROBES = 1024;

        public Options {
            if (maxProbes < 1) throw new IllegalArgumentException("maxProbes must be positive: " + maxProbes);
        }

        public Options(int ringBytes, Attacher.Mode attachMode, int stringSize, boolean uprobeMulti) {
            this(ringBytes, attachMode, stringSize, uprobeMulti, DEFAULT_MAX_PROBES);
        }

        public Options(int ringBytes, Attacher.Mode attachMode, int stringSize) {
            this(ringBytes, attachMode, stringSize, false);
        }

        public static Options defaults() {
            return new Options(4 << 20, Attacher.Mode.AUTO, 256, false);
        }
    }

    /** A uprobe waiting for {@link #attach()}. */
    private record Pending(Path path, long offset, int pid, long cookie) {
    }

    /** Counters for status output and tests. */
    public record Stats(long events, long dropped, long discarded, int probes, int links) {
    }

    /** A planned probe: how its events decode, and its addresses (link-time), indexed by the site its events carry. */
    private record Probe(TracedFunction function, ValueDecoder[] decoders, long[] sites) {
    }

    private final Options options;
    private final BpfObject object;
    private final RingBuffer ring;
    private final Attacher attacher;
    private final BpfMap specs;
    private final BpfMap selectors;
    private final BpfMap stringValues;
    private int nextString;
    private final BpfMap drops;
    private final List<Link> links = new ArrayList<>();
    private final List<Probe> probes = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final EventRecord view = new EventRecord();
    private final long monoToEpochNanos;
    private Link forkTracker;
    private Link exitTracker;
    private int timedCalls;
    private final Map<String, TypeNamer> namers = new java.util.HashMap<>();
    private boolean closed;

    public GoTraceSensor(Options options) {
        this.options = options;
        BpfObject obj = BpfObject.fromResource("go_trace");
        try {
            obj.maxEntries("events", options.ringBytes());
            obj.maxEntries("probe_specs", options.maxProbes());
            obj.maxEntries("probe_selectors", options.maxProbes());
            if (options.uprobeMulti()) {
                obj.onlyLoad("go_uprobe_multi", "track_fork", "track_exit").expectedAttachType("go_uprobe_multi", Attacher.BPF_TRACE_UPROBE_MULTI);
            } else {
                obj.onlyLoad("go_uprobe", "track_fork", "track_exit");
            }
            obj.load();
            this.specs = obj.map("probe_specs");
            this.selectors = obj.map("probe_selectors");
            this.stringValues = obj.map("string_values");
            this.drops = obj.map("drops");
            this.ring = new RingBuffer(obj.map("events"));
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
        this.object = obj;
        this.attacher = new Attacher(options.attachMode());
        java.time.Instant now = java.time.Instant.now();
        this.monoToEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /**
     * Plans a probe and queues its uprobes for {@link #attach()}: at function entry (past the stack check, so
     * each call fires once) for ENTRY, at every RET for RETURN. Returns the traced function, whose id events carry.
     */
    public TracedFunction trace(GoBinary bin, GoFunction fn, Signature sig, TracedFunction.Kind kind, int pid) {
        return trace(bin, fn, sig, kind, pid, RuntimeOffsets.forBinary(bin));
    }

    public TracedFunction trace(GoBinary bin, GoFunction fn, Signature sig, TracedFunction.Kind kind, int pid, RuntimeOffsets offsets) {
        return trace(bin, fn, sig, kind, pid, offsets, 0, false);
    }

    /**
     * Traces calls of a function: an event at entry (when {@code entries}) and one at every return (when
     * {@code returns}) with its results and the call's duration. Timing needs an entry probe, so with returns only
     * the entry probe is still planted but posts nothing. Returns the traced functions, entry first.
     */
    public List<TracedFunction> traceCalls(GoBinary bin, GoFunction fn, Signature sig, boolean entries, boolean returns, int pid,
                                           RuntimeOffsets offsets) {
        if (!entries && !returns) throw new IllegalArgumentException("neither entries nor returns to trace");
        if (!returns) return List.of(trace(bin, fn, sig, TracedFunction.Kind.ENTRY, pid, offsets));
        // the code is decoded once, and a function without RET is refused before its entry probe is planted
        ProbePoints points = CodeAnalyzer.analyze(bin, fn);
        sites(fn, points, TracedFunction.Kind.RETURN);
        int timingId = ++timedCalls;
        TracedFunction entry = trace(bin, fn, sig, TracedFunction.Kind.ENTRY, pid, offsets, timingId, !entries, points, null, null, null);
        TracedFunction ret = trace(bin, fn, sig, TracedFunction.Kind.RETURN, pid, offsets, timingId, false, points, null, null, null);
        return entries ? List.of(entry, ret) : List.of(ret);
    }

    /**
     * Traces a function for a policy hook: an entry probe capturing the hook's listed arguments, whose selectors
     * the kernel evaluates on every call (filters, then Post/NoPost/Sigkill/Signal). Events carry the policy context.
     */
    public TracedFunction tracePolicy(PolicyResolver.BoundFunction bound, GoBinary bin, String policyName, int pid, RuntimeOffsets offsets) {
        TracingPolicy.Uprobe hook = bound.uprobe();
        List<Integer> indexes = hook.args().stream().map(TracingPolicy.Arg::index).toList();
        List<String> labels = hook.args().stream().map(TracingPolicy.Arg::label).toList();
        TracedFunction.PolicyContext context = new TracedFunction.PolicyContext(policyName, hook.message(), hook.tags());
        int id = probes.size();
        TracedFunction traced = trace(bin, bound.function(), bound.signature(), TracedFunction.Kind.ENTRY, pid, offsets, 0, false,
                null, indexes, labels, context);
        List<SelectorEncoding.ArgWords> words = new ArrayList<>();
        for (int a = 0; a < hook.args().size(); a++) {
            ValuePlan plan = traced.values().get(a);
            TracingPolicy.ArgType type = hook.args().get(a).type();
            int word = wordAt(plan, 0);
            int length = type.isString() ? wordAt(plan, 8) : 0;
            if (word < 0 || length < 0) {
                throw new BpfException(bound.function().name() + ": argument " + hook.args().get(a).index() + " is not readable by a uprobe ("
                        + plan.missing().values().stream().findFirst().orElse("not captured") + ")");
            }
            words.add(new SelectorEncoding.ArgWords(word, length, type.isString() ? 8 : type.size(), type.signed(), type.isString()));
        }
        SelectorEncoding.Encoded encoded = SelectorEncoding.encode(hook.selectors(), words, nextString);
        if (nextString + encoded.strings().size() > stringValues.maxEntries()) {
            throw new BpfException("too many string values in the policy's selectors: string_values holds " + stringValues.maxEntries());
        }
        try (Arena arena = Arena.ofConfined()) {
            for (byte[] value : encoded.strings()) {
                stringValues.updateInt(nextString++, arena.allocateFrom(ValueLayout.JAVA_BYTE, value));
            }
            selectors.updateInt(id, arena.allocateFrom(ValueLayout.JAVA_BYTE, encoded.selectors()));
        }
        return traced;
    }

    private static int wordAt(ValuePlan plan, long offset) {
        for (ValuePlan.PlacedWord w : plan.words()) {
            if (w.valueOffset() == offset) return w.wordIndex();
        }
        return -1;
    }

    private TracedFunction trace(GoBinary bin, GoFunction fn, Signature sig, TracedFunction.Kind kind, int pid, RuntimeOffsets offsets,
                                 int timingId, boolean silent) {
        return trace(bin, fn, sig, kind, pid, offsets, timingId, silent, null, null, null, null);
    }

    /** Where a probe of this kind goes: past the stack check for an entry, every RET for a return (which must exist). */
    private static List<Long> sites(GoFunction fn, ProbePoints points, TracedFunction.Kind kind) {
        List<Long> addresses = kind == TracedFunction.Kind.ENTRY ? List.of(points.body()) : points.returns();
        if (addresses.isEmpty()) {
            throw new BpfException(fn.name() + " has no RET instruction (it never returns normally): cannot probe its return");
        }
        return addresses;
    }

    private TracedFunction trace(GoBinary bin, GoFunction fn, Signature sig, TracedFunction.Kind kind, int pid, RuntimeOffsets offsets,
                                 int timingId, boolean silent, ProbePoints analyzed, List<Integer> argIndexes, List<String> labels,
                                 TracedFunction.PolicyContext policy) {
        int id = probes.size();
        if (id >= specs.maxEntries()) {
            throw new BpfException("too many probes: probe_specs holds " + specs.maxEntries());
        }
        List<Long> addresses = sites(fn, analyzed != null ? analyzed : CodeAnalyzer.analyze(bin, fn), kind);
        ProbePlanner.PlannedProbe planned = ProbePlanner.plan(bin, fn, sig, kind, id, options.stringSize(), offsets, timingId, silent,
                argIndexes, labels);
        if (policy != null) {
            TracedFunction f = planned.function();
            planned = new ProbePlanner.PlannedProbe(planned.spec(),
                    new TracedFunction(f.id(), f.binary(), f.symbol(), f.kind(), f.values(), policy), planned.abi());
        }
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = planned.spec().encode();
            MemorySegment value = arena.allocate(bytes.length, 8);
            MemorySegment.copy(bytes, 0, value, ValueLayout.JAVA_BYTE, 0, bytes.length);
            specs.updateInt(id, value);
        }
        TypeNamer namer = typeNamer(bin);
        ValueDecoder[] decoders = planned.function().values().stream().map(v -> ValueDecoder.compile(v, namer)).toArray(ValueDecoder[]::new);
        probes.add(new Probe(planned.function(), decoders, addresses.stream().mapToLong(Long::longValue).toArray()));
        Path path = bin.path().toAbsolutePath();
        for (int site = 0; site < addresses.size(); site++) {
            // the cookie's lower half is the probe id, its upper half which address fired: the event's ip less that
            // address is the process's load bias, exact for PIEs whatever happened to the process since
            long cookie = (long) site << 32 | id;
            pending.add(new Pending(path, bin.elf().fileOffset(addresses.get(site)), pid > 0 ? pid : UprobeTarget.ALL_PROCESSES, cookie));
        }
        return planned.function();
    }

    /** Names interface values' dynamic types from the binary's type descriptors (while the binary is open). */
    private TypeNamer typeNamer(GoBinary bin) {
        return namers.computeIfAbsent(bin.path().toAbsolutePath().toString(), k -> {
            Optional<TypeNames> names = bin.typeNames();
            if (names.isEmpty()) return TypeNamer.NONE;
            TypeNames typeNames = names.get();
            return address -> {
                try {
                    return typeNames.nameOf(address);
                } catch (IllegalStateException e) {
                    return Optional.empty();    // the binary's mapping was closed
                }
            };
        });
    }

    /**
     * Attaches every queued uprobe: one perf link each, or one uprobe_multi link per binary. On failure, the
     * links made by this call are closed again (no half-attached state) and the error names the probe.
     */
    public void attach() {
        attach((done, total) -> { });
    }

    /** Uprobes queued for {@link #attach()}: one per entry and one per RET of each traced function. */
    public int pendingUprobes() {
        return pending.size();
    }

    /**
     * As {@link #attach()}, telling {@code progress} (uprobes attached, uprobes in all) after each link: one perf
     * link per uprobe costs the kernel an RCU grace period to register and another to unregister (~0.1 s each on a
     * 2-CPU VM: 157 uprobes took 17 s), so thousands take minutes where one uprobe_multi link takes one call.
     */
    public void attach(java.util.function.BiConsumer<Integer, Integer> progress) {
        int total = pending.size();
        int done = 0;
        List<Link> made = new ArrayList<>();
        try {
            if (options.uprobeMulti()) {
                BpfProgram prog = object.program("go_uprobe_multi");
                java.util.Map<String, List<Pending>> byBinary = new java.util.LinkedHashMap<>();
                for (Pending p : pending) byBinary.computeIfAbsent(p.path() + "\0" + p.pid(), k -> new ArrayList<>()).add(p);
                for (List<Pending> group : byBinary.values()) {
                    long[] offsets = group.stream().mapToLong(Pending::offset).toArray();
                    long[] cookies = group.stream().mapToLong(Pending::cookie).toArray();
                    made.add(attacher.uprobeMulti(prog, group.getFirst().path(), offsets, cookies, group.getFirst().pid(), false));
                    done += group.size();
                    progress.accept(done, total);
                }
            } else {
                BpfProgram prog = object.program("go_uprobe");
                for (Pending p : pending) {
                    made.add(attacher.uprobe(prog, new UprobeTarget(p.path(), p.offset(), 0, p.pid(), p.cookie(), false)));
                    progress.accept(++done, total);
                }
            }
        } catch (RuntimeException e) {
            made.forEach(Link::close);
            throw e;
        }
        pending.clear();
        links.addAll(made);
    }

    /** Restricts events to the given processes (and their descendants, followed through fork). */
    public void restrictTo(List<Integer> tgids) {
        try (Arena arena = Arena.ofConfined()) {
            BpfMap targets = object.map("target_tgids");
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 1);
            for (int tgid : tgids) targets.update(arena.allocateFrom(ValueLayout.JAVA_INT, tgid), one, BpfMap.ANY);
            MemorySegment cfg = arena.allocate(8, 8);
            cfg.set(ValueLayout.JAVA_INT, 0, 1);
            object.map("config").updateInt(0, cfg);
        }
        if (forkTracker == null) {
            forkTracker = RawTracepoint.attach(object.program("track_fork"), "sched_process_fork");
            exitTracker = RawTracepoint.attach(object.program("track_exit"), "sched_process_exit");
        }
    }

    /** Adds a process to the traced set (after {@link #restrictTo}). */
    public void addProcess(int tgid) {
        try (Arena arena = Arena.ofConfined()) {
            object.map("target_tgids").update(arena.allocateFrom(ValueLayout.JAVA_INT, tgid),
                    arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 1), BpfMap.ANY);
        }
    }

    /** Reads what the ring holds (waiting up to timeoutMs if empty) and hands each decoded event to the sink. */
    public int poll(int timeoutMs, Consumer<GoCallEvent> sink) {
        return ring.poll(timeoutMs, record -> {
            GoCallEvent e = decode(record);
            if (e != null) sink.accept(e);
        });
    }

    GoCallEvent decode(MemorySegment record) {
        if (!view.wrap(record)) return null;
        int id = view.probeId();
        if (id < 0 || id >= probes.size()) return null;
        Probe p = probes.get(id);
        int site = view.site();
        view.loadBias(view.ip() != 0 && site >= 0 && site < p.sites().length ? view.ip() - p.sites()[site] : 0);
        List<GoValue> values = new ArrayList<>(p.decoders().length);
        for (ValueDecoder d : p.decoders()) values.add(d.decode(view));
        return new GoCallEvent(view.ktimeNs() + monoToEpochNanos, view.tgid(), view.tid(), view.goid(), view.comm(), p.function(), values,
                view.durationNs(), view.actions());
    }

    /** Whether a process is in the traced set (it leaves it when it exits). */
    public boolean isTraced(int tgid) {
        try (Arena arena = Arena.ofConfined()) {
            return object.map("target_tgids").lookup(arena.allocateFrom(ValueLayout.JAVA_INT, tgid), arena.allocate(1));
        }
    }

    public Stats stats() {
        return new Stats(ring.recordsRead(), drops.sumPerCpuCounter(0), ring.recordsDiscarded(), probes.size(), links.size());
    }

    public List<String> describeLinks() {
        return links.stream().map(Link::describe).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        for (Link l : links) {
            try {
                l.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        links.clear();
        if (forkTracker != null) forkTracker.close();
        if (exitTracker != null) exitTracker.close();
        ring.close();
        object.close();
        if (first != null) throw first;
    }
}
