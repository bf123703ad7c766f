package dev.gowarden.cli;

import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gowarden as a separate process: --pid traces one process and not another running the same binary; SIGTERM
 * detaches cleanly, printing the summary and leaving nothing in tracefs.
 */
class TraceProcessTest {
    private static List<String> collect(java.io.InputStream in, List<String> sink) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in))) {
                String line;
                while ((line = r.readLine()) != null) sink.add(line);
            } catch (java.io.IOException ignored) {
                // process ended
            }
        });
        return sink;
    }

    private static void waitFor(List<String> lines, String text, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            synchronized (lines) {
                if (lines.stream().anyMatch(l -> l.contains(text))) return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line containing '" + text + "' in " + lines);
    }

    /** The lines of a file, read again on every access. */
    private static final class FileLines extends java.util.AbstractList<String> {
        private final Path file;

        FileLines(Path file) {
            this.file = file;
        }

        private List<String> lines() {
            try {
                return Files.exists(file) ? Files.readAllLines(file) : List.of();
            } catch (java.io.IOException e) {
                return List.of();
            }
        }

        @Override
        public String get(int i) {
            return lines().get(i);
        }

        @Override
        public int size() {
            return lines().size();
        }

        @Override
        public java.util.stream.Stream<String> stream() {
            return lines().stream();
        }

        @Override
        public String toString() {
            return lines().toString();
        }
    }

    @Test
    void pidFilterAndCleanDetachOnSigterm(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path errFile = tmp.resolve("gowarden.err");
        Privileges.requireRootAndBpf();
        Path tracee = GoPrograms.build("tracee");
        Process target = new ProcessBuilder(tracee.toString(), "-rounds", "2").start();
        Process other = null;
        Process gw = null;
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            gw = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "dev.gowarden.cli.Main", "trace", tracee.toString(), "main.Strs(s string, n int, empty string, long string) int",
                    "--pid", Long.toString(target.pid()), "--attach", "tracefs").redirectError(errFile.toFile()).start();
            List<String> out = collect(gw.getInputStream(), Collections.synchronizedList(new ArrayList<>()));
            List<String> err = new FileLines(errFile);
            waitFor(err, "tracing 1 function", 30);
            String group = "gowarden_" + gw.pid() + "_";
            assertTrue(Files.readString(Path.of("/sys/kernel/tracing/uprobe_events")).contains(group), "tracefs event while attached");

            other = new ProcessBuilder(tracee.toString(), "-wait=false", "-rounds", "3").start();
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
            try (OutputStream in = target.getOutputStream()) {
                in.write('\n');
            }
            assertTrue(target.waitFor(30, TimeUnit.SECONDS));
            waitFor(out, "n=1", 10);
            Thread.sleep(300);
            gw.destroy(); // SIGTERM
            assertTrue(gw.waitFor(15, TimeUnit.SECONDS), "gowarden exits on SIGTERM");
            waitFor(err, "2 events, 0 dropped", 5);
            synchronized (out) {
                assertEquals(2, out.size(), "only the --pid process is traced: " + out);
                for (String l : out) assertTrue(l.contains("tracee[" + target.pid() + "/"), l);
            }
            String left = Files.readString(Path.of("/sys/kernel/tracing/uprobe_events"));
            assertTrue(!left.contains(group), "uprobe_events after SIGTERM: " + left);
        } finally {
            target.destroyForcibly();
            if (other != null) other.destroyForcibly();
            if (gw != null) gw.destroyForcibly();
        }
    }
}
