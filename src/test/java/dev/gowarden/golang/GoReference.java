package dev.gowarden.golang;

import dev.gowarden.testutil.GoPrograms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Independent references for the golang tests: Go's own debug/gosym (src/test/go/gosymdump), the Go toolchain
 * ({@code go version}, {@code go tool buildid}) and the binaries they are compared on. Nothing here skips:
 * a missing tool or network fails the test that needs it.
 */
final class GoReference {
    private GoReference() {
    }

    /** One line of gosymdump: "0xENTRY NAME". */
    record Dump(String header, List<String> lines) { }

    static Dump gosym(Path binary) {
        Path tool = GoPrograms.build("gosymdump");
        String out = run(null, tool.toString(), binary.toString());
        List<String> lines = new ArrayList<>(out.lines().toList());
        if (lines.isEmpty() || !lines.getFirst().startsWith("#")) {
            fail("gosymdump printed no header for " + binary + ": " + out.lines().limit(5).toList());
        }
        String header = lines.removeFirst();
        return new Dump(header, lines);
    }

    /** gowarden's view in gosymdump's format. */
    static List<String> ours(GoBinary bin) {
        List<String> out = new ArrayList<>(bin.functionCount());
        for (GoFunction f : bin.functions()) {
            out.add("0x" + Long.toHexString(f.entry()) + " " + f.name());
        }
        return out;
    }

    /** Compares function lists, reporting the first difference instead of two 100,000-line lists. */
    static void assertSameFunctions(Path binary, Dump expected, List<String> actual) {
        List<String> exp = expected.lines();
        int n = Math.min(exp.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!exp.get(i).equals(actual.get(i))) {
                fail(String.format("%s: function %d differs: debug/gosym says '%s', gowarden says '%s' (gosym %s)",
                        binary, i, exp.get(i), actual.get(i), expected.header()));
            }
        }
        assertEquals(exp.size(), actual.size(), binary + ": function count differs from debug/gosym (" + expected.header() + ")");
    }

    /** The prebuilt binaries of scripts/fetch-go-corpus.sh (downloaded from npm on first use), by label. */
    static synchronized Map<String, Path> corpus() {
        Path dest = GoPrograms.buildDir().resolve("go-corpus");
        String out = run(null, "bash", GoPrograms.repo().resolve("scripts/fetch-go-corpus.sh").toString(), dest.toString());
        Map<String, Path> map = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split(" ", 2);
            if (f.length == 2 && Files.isRegularFile(Path.of(f[1]))) map.put(f[0], Path.of(f[1]));
        }
        if (map.size() < 10) {
            fail("scripts/fetch-go-corpus.sh gave " + map.size() + " binaries (needs npm and network): " + out);
        }
        return map;
    }

    static Path corpus(String label) {
        Path p = corpus().get(label);
        if (p == null) fail("corpus binary " + label + " missing");
        return p;
    }

    /** The repository's demo program (demo/), built into the build folder. */
    static synchronized Path demo() {
        Path out = GoPrograms.buildDir().resolve("go-bin/demo");
        if (!Files.exists(out)) {
            run(GoPrograms.repo().resolve("demo"), "env", "GOFLAGS=-mod=mod", "CGO_ENABLED=0",
                    "GOCACHE=" + GoPrograms.buildDir().resolve("go-cache"), "go", "build", "-o", out.toString(), ".");
        }
        return out;
    }

    /** `go version FILE` → "go1.19.8", or null when Go finds no build info. */
    static String goVersionOf(Path binary) {
        try {
            Process p = new ProcessBuilder("go", "version", binary.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("go version timed out");
            // "PATH: go1.19.8"; for a file without build info Go 1.19 prints "could not read Go build info" (exit 0)
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(": (go1\\.\\S+)$").matcher(out);
            return p.exitValue() == 0 && m.find() ? m.group(1) : null;
        } catch (IOException e) {
            throw new IllegalStateException("go version: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String run(Path dir, String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (dir != null) pb.directory(dir.toFile());
            Path errLog = Files.createTempFile("goref", ".err");
            pb.redirectError(errLog.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            boolean done = p.waitFor(600, TimeUnit.SECONDS);
            String err = Files.readString(errLog);
            Files.deleteIfExists(errLog);
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + err + out.lines().limit(20).toList());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
