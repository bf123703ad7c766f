package dev.gowarden.sensor;

import dev.gowarden.abi.SignatureParser;
import dev.gowarden.event.GoCallEvent;
import dev.gowarden.event.GoSyntax;
import dev.gowarden.event.GoValue;
import dev.gowarden.event.TracedFunction;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.link.Attacher;
import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traces the tracee Go program (Go 1.19, built here) on the real kernel and checks every decoded argument of
 * every call, for both attach paths; also checks that nothing is left in tracefs afterwards.
 */
class TraceEndToEndTest {
    private static Path tracee;

    @BeforeAll
    static void build() {
        Privileges.requireRootAndBpf();
        tracee = GoPrograms.build("tracee");
    }

    private static final List<String> PROBES = List.of(
            "main.Ints(a int, b int8, c int16, d int32, e int64, f uint8, g uint64, h bool) int",
            "main.Strs(s string, n int, empty string, long string) int",
            "main.(*Store).Put(key string, value int, p *Point) bool",
            "main.Many(a1, a2, a3, a4, a5, a6, a7, a8 int, s string, z int) int",
            "main.Grow(depth int, tag string) int");

    private List<GoCallEvent> traceRounds(Attacher.Mode mode, int rounds) throws Exception {
        return traceRounds(mode, rounds, false);
    }

    private List<GoCallEvent> traceRounds(Attacher.Mode mode, int rounds, boolean multi) throws Exception {
        List<GoCallEvent> events = new ArrayList<>();
        try (GoBinary bin = GoBinary.open(tracee);
             GoTraceSensor sensor = new GoTraceSensor(new GoTraceSensor.Options(1 << 22, mode, 256, multi))) {
            for (String p : PROBES) {
                var sig = SignatureParser.parse(p);
                sensor.trace(bin, bin.lookup(sig.function()), sig, TracedFunction.Kind.ENTRY, -1);
            }
            sensor.attach();
            assertEquals(multi ? 1 : PROBES.size(), sensor.stats().links());
            Process proc = new ProcessBuilder(tracee.toString(), "-rounds", Integer.toString(rounds))
                    .redirectErrorStream(true).start();
            try {
                sensor.restrictTo(List.of((int) proc.pid()));
                try (OutputStream in = proc.getOutputStream()) {
                    in.write('\n');
                }
                String out = new String(proc.getInputStream().readAllBytes());
                assertTrue(proc.waitFor(30, TimeUnit.SECONDS), "tracee did not finish");
                assertEquals(0, proc.exitValue(), out);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                int expected = rounds * (4 + 41);
                while (events.size() < expected && System.nanoTime() < deadline) {
                    sensor.poll(100, events::add);
                }
                sensor.poll(100, events::add);
                assertEquals(0, sensor.stats().dropped(), "no event may be dropped");
                assertTrue(!sensor.isTraced((int) proc.pid()), "an exited process leaves the traced set");
                for (GoCallEvent e : events) assertEquals(proc.pid(), e.tgid());
            } finally {
                proc.destroyForcibly();
            }
        }
        return events;
    }

    private static String args(GoCallEvent e) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < e.values().size(); i++) {
            parts.add(e.function().values().get(i).label() + "=" + GoSyntax.toString(e.values().get(i)));
        }
        return String.join(", ", parts);
    }

    private static Map<String, List<GoCallEvent>> bySymbol(List<GoCallEvent> events) {
        return events.stream().collect(Collectors.groupingBy(e -> e.function().symbol(), TreeMap::new, Collectors.toList()));
    }

    private static void assertAllArguments(List<GoCallEvent> events, int rounds) {
        Map<String, List<GoCallEvent>> by = bySymbol(events);
        List<GoCallEvent> ints = by.get("main.Ints");
        assertEquals(rounds, ints.size(), "main.Ints calls");
        for (int i = 0; i < rounds; i++) {
            assertEquals("a=" + (-5 - i) + ", b=-8, c=300, d=-70000, e=1099511627776, f=200, g=18446744073709551615, h=" + (i % 2 == 0),
                    args(ints.get(i)));
        }
        List<GoCallEvent> strs = by.get("main.Strs");
        assertEquals(rounds, strs.size());
        for (int i = 0; i < rounds; i++) {
            GoCallEvent e = strs.get(i);
            assertEquals(new GoValue.Str("héllo-" + i, ("héllo-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length, false), e.values().get(0));
            assertEquals(new GoValue.Int(i), e.values().get(1));
            assertEquals(new GoValue.Str("", 0, false), e.values().get(2));
            assertEquals(new GoValue.Str("x".repeat(256), 300, true), e.values().get(3));
        }
        List<GoCallEvent> puts = by.get("main.(*Store).Put");
        assertEquals(rounds, puts.size());
        for (int i = 0; i < rounds; i++) {
            GoCallEvent e = puts.get(i);
            assertTrue(((GoValue.Pointer) e.values().get(0)).address() != 0, "receiver is a non-nil pointer");
            assertEquals(new GoValue.Str("key", 3, false), e.values().get(1));
            assertEquals(new GoValue.Int(i), e.values().get(2));
            assertTrue(((GoValue.Pointer) e.values().get(3)).address() != 0);
        }
        List<GoCallEvent> many = by.get("main.Many");
        assertEquals(rounds, many.size());
        for (int i = 0; i < rounds; i++) {
            // s does not fit in the one register left: it is passed on the stack, z still gets R11
            assertEquals("a1=1, a2=2, a3=3, a4=4, a5=5, a6=6, a7=7, a8=8, s=\"stack-string\", z=" + (10 + i), args(many.get(i)));
        }
        List<GoCallEvent> grow = by.get("main.Grow");
        // 41 calls per round on a fresh goroutine whose stack grows: each call must be seen exactly once.
        assertEquals(41 * rounds, grow.size(), "main.Grow calls (an entry probe would double-fire on stack growth)");
        for (int r = 0; r < rounds; r++) {
            for (int d = 0; d <= 40; d++) {
                GoCallEvent e = grow.get(r * 41 + d);
                assertEquals("depth=" + (40 - d) + ", tag=\"g" + r + "\"", args(e));
            }
            long goid = grow.get(r * 41).goid();
            assertTrue(goid > 1, "goroutine id of the worker goroutine");
            for (int d = 0; d <= 40; d++) assertEquals(goid, grow.get(r * 41 + d).goid());
        }
        assertEquals(1, ints.getFirst().goid(), "main runs on goroutine 1");
    }

    @Test
    void pmuAttachDecodesEveryArgumentExactly() throws Exception {
        assertAllArguments(traceRounds(Attacher.Mode.PMU, 3), 3);
    }

    @Test
    void uprobeMultiLinkDecodesEveryArgumentExactly() throws Exception {
        assertTrue(new dev.gowarden.features.Features().uprobeMulti().available(), "this kernel is expected to have uprobe_multi links");
        assertAllArguments(traceRounds(Attacher.Mode.AUTO, 2, true), 2);
    }

    @Test
    void tracefsAttachDecodesAndCleansUp() throws Exception {
        assertAllArguments(traceRounds(Attacher.Mode.TRACEFS, 2), 2);
        String left = Files.readString(Path.of("/sys/kernel/tracing/uprobe_events"));
        assertTrue(left.lines().noneMatch(l -> l.contains("gowarden_" + ProcessHandle.current().pid())), "uprobe_events after close: " + left);
    }
}
