package dev.gowarden.sensor;

import dev.gowarden.abi.SignatureParser;
import dev.gowarden.disasm.GoCorpus;
import dev.gowarden.event.GoCallEvent;
import dev.gowarden.event.GoValue;
import dev.gowarden.event.TracedFunction;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.link.Attacher;
import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traces binaries built differently from the test program: stripped and PIE builds here, and esbuild releases
 * built by Go 1.14 (stack ABI, goroutine from TLS) to 1.26 (no build info), fetched from npm.
 */
class TraceCorpusTest {
    private static List<GoCallEvent> trace(Path bin, String signature, List<String> command, String stdin, int want) throws Exception {
        return trace(bin, signature, command, Map.of(), stdin, want, false);
    }

    /** Traces calls (and returns when asked) of one function while the command runs; events in time order. */
    private static List<GoCallEvent> trace(Path bin, String signature, List<String> command, Map<String, String> env, String stdin,
                                           int want, boolean returns) throws Exception {
        Privileges.requireRootAndBpf();
        List<GoCallEvent> events = new ArrayList<>();
        try (GoBinary b = GoBinary.open(bin);
             GoTraceSensor sensor = new GoTraceSensor(new GoTraceSensor.Options(1 << 22, Attacher.Mode.AUTO, 256));
             ProbeResolver resolver = new ProbeResolver(b)) {
            var sig = SignatureParser.parse(signature);
            sensor.traceCalls(b, b.lookup(sig.function()), sig, true, returns, -1, resolver.runtimeOffsets());
            sensor.attach();
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            try {
                sensor.restrictTo(List.of((int) p.pid()));
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes());
                }
                p.getInputStream().readAllBytes();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (events.size() < want && System.nanoTime() < end) sensor.poll(100, events::add);
            } finally {
                p.destroyForcibly();
            }
        }
        events.sort(java.util.Comparator.comparingLong(GoCallEvent::epochNanos));
        return events;
    }

    @ParameterizedTest
    @CsvSource({"stripped, -ldflags=-s -w", "pie, -buildmode=pie"})  // one go build flag each
    void strippedAndPieBuilds(String variant, String flags) throws Exception {
        Path bin = GoPrograms.build("tracee", variant, List.of(), flags);
        List<GoCallEvent> events = trace(bin, "main.Many(a1, a2, a3, a4, a5, a6, a7, a8 int, s string, z int) int",
                List.of(bin.toString(), "-rounds", "2"), "\n", 2);
        assertEquals(2, events.size());
        for (int i = 0; i < 2; i++) {
            GoCallEvent e = events.get(i);
            assertEquals(new GoValue.Int(8), e.values().get(7));
            assertEquals(new GoValue.Str("stack-string", 12, false), e.values().get(8));
            assertEquals(new GoValue.Int(10 + i), e.values().get(9));
            assertEquals(1, e.goid());
        }
    }

    @ParameterizedTest
    @CsvSource({
            "esbuild-linux-64-0.5.26, go1.14 stack ABI",
            "esbuild-linux-64-0.11.23, go1.16 stack ABI",
            "esbuild-linux-64-0.12.29, go1.17 register ABI",
            "esbuild-linux-x64-0.28.2, go1.26 without build info"})
    void releasedBinariesOfOtherGoVersions(String label, String what) throws Exception {
        Path bin = GoCorpus.get("fetch-go-corpus.sh", label);
        List<GoCallEvent> events = trace(bin, "os.Getenv(key string) string", List.of(bin.toString(), "--minify"),
                Map.of("GODEBUG", "gowarden=1"), "let x = 1\n", 2, true);
        assertTrue(events.size() >= 2, what + ": no call seen");
        // The Go runtime's first os.Getenv reads GODEBUG, on the main goroutine; the next event is its return, with
        // the result read at the RET (from the stack before Go 1.17, from RAX/RBX after) and the call's duration.
        GoCallEvent entry = events.get(0);
        GoCallEvent ret = events.get(1);
        assertEquals(TracedFunction.Kind.ENTRY, entry.function().kind(), what);
        assertEquals(new GoValue.Str("GODEBUG", 7, false), entry.values().getFirst(), what);
        assertTrue(entry.goid() >= 1, what + ": goroutine id " + entry.goid());
        assertEquals(TracedFunction.Kind.RETURN, ret.function().kind(), what);
        assertEquals(List.of(new GoValue.Str("gowarden=1", 10, false)), ret.values(), what);
        assertEquals(entry.goid(), ret.goid(), what);
        assertEquals(ret.epochNanos() - entry.epochNanos(), ret.durationNs(), what + ": duration of the call");
    }
}
