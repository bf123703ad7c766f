package dev.gowarden.lab;

import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel lab (lab/lab.sh): Debian's 6.1 kernel under QEMU, where kprobes, fentry, fmod_ret and BPF LSM work,
 * unlike on the host. These tests fail, not skip, when the lab cannot boot: a broken lab would hide every
 * kernel-hook feature tested in it.
 */
class KernelLabTest {
    record Result(int exit, String output) {
    }

    static Result lab(List<Path> files, String... command) {
        Privileges.requireRootAndBpf();
        List<String> cmd = new ArrayList<>(List.of(GoPrograms.repo().resolve("lab/lab.sh").toString()));
        // gowarden as this JVM runs it: the compiled classes (BPF objects included) and the runtime dependencies,
        // not the jar, which `mvn test` has not packaged yet
        List<String> classpath = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (e.endsWith("classes") || e.contains("picocli") || e.contains("snakeyaml")) classpath.add(e);
        }
        cmd.add("--classpath");
        cmd.add(String.join(":", classpath));
        for (Path f : files) {
            cmd.add("--file");
            cmd.add(f.toString());
        }
        cmd.add("--");
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.MINUTES)) throw new AssertionError("the lab did not finish");
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("lab/lab.sh: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void theLabKernelHasTheKernelHooksTheHostLacks() {
        Result r = lab(List.of(), "gowarden", "features");
        assertEquals(0, r.exit(), r.output());
        for (String line : List.of("kprobe attach                        yes", "fentry programs                      yes",
                "fmod_ret programs                    yes", "BPF LSM programs                     yes")) {
            assertTrue(r.output().contains(line), "'" + line + "' in:\n" + r.output());
        }
    }

    @Test
    void goTracingWorksOnTheLabKernelToo() {
        Path tracee = GoPrograms.build("tracee");
        Result r = lab(List.of(tracee), "gowarden", "trace", "/lab/tracee", "main.Ints", "main.Strs", "--returns",
                "-c", "/lab/tracee -wait=false -rounds 1");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("] main.Ints(a=-5, b=-8, c=300, d=-70000, e=1099511627776, f=200, g=18446744073709551615, h=true)"),
                r.output());
        assertTrue(r.output().matches("(?s).*] main\\.Ints returned \\(ret0=-13\\) in [0-9.]+(ns|µs|ms|s)\n.*"), r.output());
        assertTrue(r.output().contains("main.Strs(s=\"héllo-0\", n=0"), r.output());
        assertTrue(r.output().contains("gowarden: 4 events, 0 dropped"), r.output());
    }
}
