package dev.gowarden.sensor;

import dev.gowarden.abi.Signature;
import dev.gowarden.event.GoCallEvent;
import dev.gowarden.event.GoValue;
import dev.gowarden.event.TracedFunction;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.link.Attacher;
import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Return probes on every RET and call timing, on the real kernel, with the returns Go program (Go 1.19, built here):
 * results decoded at the return sites, several return sites per function, and durations that must equal, to the
 * nanosecond, the time between the entry and return events of the same call: through recursion, a goroutine stack
 * that the runtime moves during the call, and a call abandoned by a panic.
 */
class TraceReturnsTest {
    private static final List<String> FUNCTIONS = List.of("main.Divide", "main.Greet", "main.Sleep", "main.Fib", "main.Moved", "main.MayPanic",
            "main.Count", "main.Visit", "main.Big", "main.Sum", "main.Named", "main.Peek");
    private static Path program;

    @BeforeAll
    static void build() {
        Privileges.requireRootAndBpf();
        program = GoPrograms.build("returns");
    }

    private record Run(List<GoCallEvent> events, String output) {
        List<GoCallEvent> of(String symbol, TracedFunction.Kind kind) {
            return events.stream().filter(e -> e.function().symbol().equals(symbol) && e.function().kind() == kind).toList();
        }
    }

    private static Run trace(boolean entries, int expectedEvents) throws Exception {
        return trace(program, FUNCTIONS, entries, 1, expectedEvents);
    }

    /**
     * Traces the functions (calls and returns, or returns only) while {@code processes} copies of the program run
     * (each released by a line on stdin once everything is attached); events in time order, the first copy's output.
     */
    private static Run trace(Path binary, List<String> functions, boolean entries, int processes, int expectedEvents) throws Exception {
        List<GoCallEvent> events = new ArrayList<>();
        try (GoBinary bin = GoBinary.open(binary); ProbeResolver resolver = new ProbeResolver(bin);
             GoTraceSensor sensor = new GoTraceSensor(new GoTraceSensor.Options(1 << 22, Attacher.Mode.AUTO, 256, false))) {
            List<Signature> bare = functions.stream().map(f -> new Signature(f, List.of(), List.of(), false)).toList();
            for (ProbeResolver.Resolved r : resolver.resolve(bare)) {
                sensor.traceCalls(bin, r.function(), r.signature(), entries, true, -1, resolver.runtimeOffsets());
            }
            sensor.attach();
            List<Process> procs = new ArrayList<>();
            for (int i = 0; i < processes; i++) procs.add(new ProcessBuilder(binary.toString()).redirectErrorStream(true).start());
            try {
                sensor.restrictTo(procs.stream().map(p -> (int) p.pid()).toList());
                for (Process p : procs) {
                    try (OutputStream in = p.getOutputStream()) {
                        in.write('\n');
                    }
                }
                String out = null;
                for (Process p : procs) {
                    String o = new String(p.getInputStream().readAllBytes());
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the program did not finish");
                    assertEquals(0, p.exitValue(), o);
                    if (out == null) out = o;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (events.size() < expectedEvents && System.nanoTime() < deadline) {
                    sensor.poll(100, events::add);     // decoded after the processes exited, as a fast program's are
                }
                sensor.poll(100, events::add);
                assertEquals(0, sensor.stats().dropped(), "no event may be dropped");
                return new Run(events.stream().sorted(Comparator.comparingLong(GoCallEvent::epochNanos)).toList(), out);
            } finally {
                procs.forEach(Process::destroyForcibly);
            }
        }
    }

    // entries: Divide 2, Greet 1, Sleep 1, Fib 15, Moved 1, MayPanic 2, Count 1, Visit 1, Big 1, Sum 1, Named 1, Peek 1;
    // returns: the same but one MayPanic
    private static final int ENTRIES = 28;
    private static final int RETURNS = 27;

    @Test
    void resultsAndDurationsOfEveryCall() throws Exception {
        Run run = trace(true, ENTRIES + RETURNS);
        assertTrue(run.output().contains("moved true"), "the goroutine stack must have moved during Moved: " + run.output());
        assertEquals(ENTRIES + RETURNS, run.events().size(), run.events().toString());

        List<GoCallEvent> divide = run.of("main.Divide", TracedFunction.Kind.RETURN);
        assertEquals(2, divide.size());
        assertEquals(List.of(new GoValue.Int(3), new GoValue.Interface(0, 0)), divide.get(0).values(), "q=3, err=nil");
        assertEquals(new GoValue.Int(0), divide.get(1).values().get(0));
        GoValue.Interface err = (GoValue.Interface) divide.get(1).values().get(1);
        assertTrue(err.type() != 0 && err.data() != 0, "err is a non-nil error: " + err);
        assertEquals("*errors.errorString", err.typeName(), "the dynamic type, named from the binary's type descriptors");
        assertEquals(new GoValue.Str("divide by zero", 14, false), err.pointee(), "the error's text, read through its pointer");

        List<GoValue> count = run.of("main.Count", TracedFunction.Kind.ENTRY).getFirst().values();
        GoValue.Container m = (GoValue.Container) count.get(0);
        assertEquals(List.of("map", 2L, -1L), List.of(m.kind(), m.length(), m.capacity()), "map with 2 entries: " + m);
        GoValue.Container c = (GoValue.Container) count.get(1);
        assertEquals(List.of("chan", 1L, 3L), List.of(c.kind(), c.length(), c.capacity()), "channel holding 1 of 3: " + c);
        GoValue.Interface any = (GoValue.Interface) count.get(2);
        assertEquals("int", any.typeName(), "an empty interface's first word is the type itself: " + any);
        List<GoValue> visit = run.of("main.Visit", TracedFunction.Kind.ENTRY).getFirst().values();
        assertEquals(new GoValue.Struct(List.of(new GoValue.Field("X", new GoValue.Int(-3)), new GoValue.Field("Y", new GoValue.Float(2.5)),
                new GoValue.Field("Name", new GoValue.Str("pt", 2, false)))), ((GoValue.Deref) visit.get(0)).value(), "read through p");
        assertEquals(new GoValue.Str("hi", 2, false), ((GoValue.Deref) visit.get(1)).value());
        assertEquals(new GoValue.Int(7), ((GoValue.Deref) visit.get(2)).value());
        assertEquals(new GoValue.Pointer(0), visit.get(3), "a nil pointer stays nil");

        List<GoValue> big = run.of("main.Big", TracedFunction.Kind.ENTRY).getFirst().values();
        assertEquals(new GoValue.Int(99), big.get(1), "an argument's own word comes before another's pointee");
        List<GoValue.Field> wide = ((GoValue.Struct) ((GoValue.Deref) big.get(0)).value()).fields();
        assertEquals(new GoValue.Int(1), wide.get(0).value());
        assertEquals(new GoValue.Int(2), wide.get(1).value());
        assertTrue(wide.getLast().value() instanceof GoValue.Unreadable u && u.reason().contains("more than 32 words"), wide.getLast().toString());

        List<GoValue> sum = run.of("main.Sum", TracedFunction.Kind.ENTRY).getFirst().values();
        assertEquals(List.of(new GoValue.Int(10), new GoValue.Int(-20), new GoValue.Int(30), new GoValue.Int(40)),
                ((GoValue.Slice) sum.get(0)).head(), "the first 4 of 6 ints");
        assertEquals(6, ((GoValue.Slice) sum.get(0)).length());
        assertEquals(List.of(new GoValue.Str("ab", 2, false), new GoValue.Str("c", 1, false)), ((GoValue.Slice) sum.get(1)).head());
        assertEquals(List.of(new GoValue.Float(1.5)), ((GoValue.Slice) sum.get(2)).head(), "only len elements are shown");
        assertEquals("[]", dev.gowarden.event.GoSyntax.toString(sum.get(3)), "empty, not nil");
        assertEquals("nil", dev.gowarden.event.GoSyntax.toString(sum.get(4)));
        assertEquals("[10, -20, 30, 40, ...(6 elements)]", dev.gowarden.event.GoSyntax.toString(sum.get(0)));

        List<GoValue> named = run.of("main.Named", TracedFunction.Kind.ENTRY).getFirst().values();
        GoValue.Container ticks = (GoValue.Container) named.get(0);
        assertEquals(List.of("chan", 2L, 4L), List.of(ticks.kind(), ticks.length(), ticks.capacity()), "a named channel: " + ticks);
        assertEquals(1L, ((GoValue.Container) named.get(1)).length(), "a named map: " + named.get(1));
        assertEquals("*errors.errorString", ((GoValue.Interface) named.get(2)).typeName(), "a named empty interface holds a type itself");

        GoValue.Deref bad = (GoValue.Deref) run.of("main.Peek", TracedFunction.Kind.ENTRY).getFirst().values().getFirst();
        assertEquals(0x1000, bad.address());
        for (GoValue.Field f : ((GoValue.Struct) bad.value()).fields()) {
            assertTrue(f.value() instanceof GoValue.Unreadable, "read through a bad pointer: " + f + " must not look like a zero");
        }

        GoValue.Interface notExist = (GoValue.Interface) count.get(3);
        assertEquals("*errors.errorString", notExist.typeName());
        assertEquals(new GoValue.Str("file does not exist", 19, false), notExist.pointee());
        assertEquals(List.of("q", "err"), divide.getFirst().function().values().stream().map(v -> v.label()).toList());

        assertEquals(List.of(new GoValue.Str("hello bob #5", 12, false)), run.of("main.Greet", TracedFunction.Kind.RETURN).getFirst().values());

        GoCallEvent sleep = run.of("main.Sleep", TracedFunction.Kind.RETURN).getFirst();
        assertEquals(List.of(new GoValue.Int(30)), sleep.values());
        assertTrue(sleep.durationNs() >= 30_000_000 && sleep.durationNs() < 5_000_000_000L, "Sleep(30ms) took " + sleep.durationNs() + " ns");

        List<GoCallEvent> fib = run.of("main.Fib", TracedFunction.Kind.RETURN);
        assertEquals(15, fib.size());
        assertEquals(List.of(new GoValue.Int(5)), fib.getLast().values(), "the outermost Fib(5) returns last");

        assertEquals(1, run.of("main.MayPanic", TracedFunction.Kind.RETURN).size(), "the panicking call never returns");
        assertEquals(List.of(new GoValue.Int(7)), run.of("main.MayPanic", TracedFunction.Kind.RETURN).getFirst().values());

        // Every return pairs with the innermost open entry of its function on its goroutine, and its duration is
        // exactly the time between the two probes (both events carry the probes' own clock readings).
        Map<Long, Deque<GoCallEvent>> open = new HashMap<>();
        for (GoCallEvent e : run.events()) {
            Deque<GoCallEvent> stack = open.computeIfAbsent(e.goid(), g -> new ArrayDeque<>());
            if (e.function().kind() == TracedFunction.Kind.ENTRY) {
                stack.push(e);
                continue;
            }
            GoCallEvent entry = stack.pop();
            while (!entry.function().symbol().equals(e.function().symbol())) entry = stack.pop();   // MayPanic's abandoned call
            assertEquals(e.epochNanos() - entry.epochNanos(), e.durationNs(), e.function().symbol() + " returned on goroutine " + e.goid());
        }
        GoCallEvent moved = run.of("main.Moved", TracedFunction.Kind.RETURN).getFirst();
        assertNotEquals(1, moved.goid(), "Moved runs on its own goroutine");
        assertTrue(moved.durationNs() > 0, "the call is matched although its frame moved");
        GoCallEvent mayPanic = run.of("main.MayPanic", TracedFunction.Kind.RETURN).getFirst();
        assertTrue(mayPanic.durationNs() < 300_000_000L, "paired with the abandoned call 300 ms earlier: " + mayPanic.durationNs());
    }

    /** Copies of one program have the same goroutine ids and frames: calls are keyed by process too. */
    @Test
    void twoProcessesOfOneBinaryEachTimeTheirOwnCalls() throws Exception {
        List<GoCallEvent> events = trace(program, List.of("main.Sleep"), true, 2, 4).events();
        assertEquals(4, events.size(), events.toString());
        Map<Integer, List<GoCallEvent>> byProcess = new HashMap<>();
        for (GoCallEvent e : events) byProcess.computeIfAbsent(e.tgid(), t -> new ArrayList<>()).add(e);
        assertEquals(2, byProcess.size());
        for (List<GoCallEvent> own : byProcess.values()) {
            GoCallEvent entry = own.get(0);
            GoCallEvent ret = own.get(1);
            assertEquals(TracedFunction.Kind.RETURN, ret.function().kind());
            assertEquals(ret.epochNanos() - entry.epochNanos(), ret.durationNs(), "paired with its own process's entry");
            assertTrue(ret.durationNs() >= 30_000_000, "Sleep(30ms) took " + ret.durationNs());
        }
    }

    /** A PIE's type descriptors are found through the bias the event itself gives (probed address less link address). */
    @Test
    void typeNamesOfAShortLivedPie() throws Exception {
        Path pie = GoPrograms.build("returns", "pie", List.of(), "-buildmode=pie");
        List<GoCallEvent> events = trace(pie, List.of("main.Divide"), false, 1, 2).events();
        assertEquals(2, events.size(), events.toString());
        GoValue.Interface err = (GoValue.Interface) events.get(1).values().get(1);
        assertEquals("*errors.errorString", err.typeName(), err.toString());
        assertEquals(new GoValue.Str("divide by zero", 14, false), err.pointee());
    }

    @Test
    void returnsOnlyPostsNoEntryButStillTimes() throws Exception {
        Run run = trace(false, RETURNS);
        assertEquals(RETURNS, run.events().size(), run.events().toString());
        for (GoCallEvent e : run.events()) {
            assertEquals(TracedFunction.Kind.RETURN, e.function().kind());
            assertTrue(e.durationNs() > 0, e.function().symbol() + " has a duration");
        }
        GoCallEvent sleep = run.of("main.Sleep", TracedFunction.Kind.RETURN).getFirst();
        assertTrue(sleep.durationNs() >= 30_000_000, "Sleep(30ms) took " + sleep.durationNs() + " ns");
    }
}
