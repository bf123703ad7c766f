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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traces binaries built differently from the test program: stripped and PIE builds here, and esbuild releases
 * built by Go 1.14 (stack ABI, goroutine from TLS) to 1.26 (no build info), fetched from npm.
 */
class TraceCorpusTest {
    private static List<GoCallEvent> trace(Path bin, String signature, List<String> command, String stdin, int want) throws Exception {
        Privileges.requireRootAndBpf();
        List<GoCallEvent> events = new ArrayList<>();
        try (GoBinary b = GoBinary.open(bin);
             GoTraceSensor sensor = new GoTraceSensor(new GoTraceSensor.Options(1 << 22, Attacher.Mode.AUTO, 256));
             ProbeResolver resolver = new ProbeResolver(b)) {
            var sig = SignatureParser.parse(signature);
            sensor.trace(b, b.lookup(sig.function()), sig, TracedFunction.Kind.ENTRY, -1, resolver.runtimeOffsets());
            sensor.attach();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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
        List<GoCallEvent> events = trace(bin, "os.Getenv(key string) string", List.of(bin.toString(), "--minify"), "let x = 1\n", 1);
        assertTrue(!events.isEmpty(), what + ": no call seen");
        // The Go runtime's first os.Getenv reads GODEBUG, on the main goroutine.
        assertEquals(new GoValue.Str("GODEBUG", 7, false), events.getFirst().values().getFirst(), what);
        assertTrue(events.getFirst().goid() >= 1, what + ": goroutine id " + events.getFirst().goid());
    }
}
