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

    /** A policy with one LSM hook whose one selector overrides with {@code error} when the path matches. */
    static Path overridePolicy(Path dir, String name, String hook, String argType, String operator, String path, int error) throws IOException {
        return java.nio.file.Files.writeString(dir.resolve(name + ".yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: %s
                spec:
                  lsmhooks:
                  - hook: %s
                    args: [{index: 0, type: %s}]
                    selectors:
                    - matchArgs: [{index: 0, operator: %s, values: [%s]}]
                      matchActions: [{action: Override, argError: %d}]
                """.formatted(name, hook, argType, operator, path, error));
    }

    @Test
    void theLabKernelHasTheKernelHooksTheHostLacks() {
        Result r = lab(List.of(), "gowarden", "features", "--trampoline-limit");
        assertEquals(0, r.exit(), r.output());
        for (String line : List.of("kprobe attach                        yes", "fentry programs                      yes",
                "fmod_ret programs                    yes", "BPF LSM programs                     yes",
                "trampoline links per function        yes  38 programs on security_file_open, the next one: E2BIG")) {
            assertTrue(r.output().contains(line), "'" + line + "' in:\n" + r.output());
        }
    }

    /**
     * 50 policies that each deny one file, and one that only reports: more policies on security_file_open than the
     * kernel's 38 trampoline slots, all served by gowarden's one shared program.
     */
    @Test
    void fiftyOverridePoliciesShareOneLsmProgram(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 50; i++) files.add(overridePolicy(tmp, "deny-" + i, "file_open", "file", "Equal", "/tmp/deny-" + i, -1));
        files.add(java.nio.file.Files.writeString(tmp.resolve("logs.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: watch-logs
                spec:
                  lsmhooks:
                  - hook: file_open
                    args: [{index: 0, type: file}]
                    selectors:
                    - matchArgs: [{index: 0, operator: Postfix, values: [.log]}]
                    message: a log file was opened
                """));
        String script = "for i in $(seq 0 49); do echo x > /tmp/deny-$i; done; echo ok > /tmp/app.log; "
                + "gowarden policy run /lab/*.yaml --json -c 'for i in $(seq 0 49); do cat /tmp/deny-$i >/dev/null 2>&1 || echo denied-$i; done; cat /tmp/app.log'";
        Result r = lab(files, "sh", "-c", script);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("gowarden: 51 policies on LSM hooks, 51 rules in one shared program per hook"), r.output());
        for (int i = 0; i < 50; i++) assertTrue(r.output().contains("denied-" + i + "\n"), "denied-" + i + " in:\n" + r.output());
        assertTrue(r.output().contains("\nok\n"), "a file no policy denies opens: " + r.output());
        List<String> events = r.output().lines().filter(l -> l.startsWith("{\"process_lsm\"")).toList();
        assertEquals(51, events.size(), r.output());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"path\":\"/tmp/deny-42\"") && e.contains("\"action\":\"KPROBE_ACTION_OVERRIDE\"")
                && e.contains("\"policy_name\":\"deny-42\"") && e.contains("\"return\":{\"int_arg\":-1}")), String.join("\n", events));
        assertTrue(events.stream().anyMatch(e -> e.contains("\"path\":\"/tmp/app.log\"") && e.contains("\"action\":\"KPROBE_ACTION_POST\"")
                && e.contains("\"message\":\"a log file was opened\"")), String.join("\n", events));
    }

    /**
     * Within one policy the first matching selector decides (an allow-list selector protects its files from a later
     * Override, and one open gives one event); paths longer than 256 bytes are matched too; a hook without selectors
     * reports every call.
     */
    @Test
    void firstMatchingSelectorDecidesAndLongPathsAreMatched(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path guard = java.nio.file.Files.writeString(tmp.resolve("guard.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: guard
                spec:
                  lsmhooks:
                  - hook: file_open
                    args: [{index: 0, type: file}]
                    selectors:
                    - matchArgs: [{index: 0, operator: Prefix, values: [/tmp/sec/ok]}]
                      matchActions: [{action: NoPost}]
                    - matchArgs: [{index: 0, operator: Prefix, values: [/tmp/sec/, /tmp/sec/o]}]
                      matchActions: [{action: Override, argError: -13}]
                """);
        Path all = java.nio.file.Files.writeString(tmp.resolve("all.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: every-open
                spec:
                  lsmhooks:
                  - hook: file_open
                """);
        String deep = "/tmp/sec/" + "d".repeat(130) + "/" + "e".repeat(130);
        String script = "mkdir -p /tmp/sec/ok " + deep + "; echo fine > /tmp/sec/ok/f; echo x > /tmp/sec/other; echo x > " + deep + "/f; "
                + "gowarden policy run /lab/guard.yaml /lab/all.yaml --json -c 'cat /tmp/sec/ok/f; cat /tmp/sec/other || echo other-denied; "
                + "cat " + deep + "/f || echo deep-denied'";
        Result r = lab(List.of(guard, all), "sh", "-c", script);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("\nfine\n"), "the allow-listed file opens: " + r.output());
        assertTrue(r.output().contains("other-denied") && r.output().contains("deep-denied"), r.output());
        List<String> guardEvents = r.output().lines().filter(l -> l.contains("\"policy_name\":\"guard\"")).toList();
        assertEquals(2, guardEvents.size(), "one event per denied open, none for the NoPost one: " + String.join("\n", guardEvents));
        assertTrue(guardEvents.stream().anyMatch(e -> e.contains("/tmp/sec/ddd") && e.contains("...\"")), "a long path, cut in the event");
        assertTrue(r.output().lines().anyMatch(l -> l.contains("\"policy_name\":\"every-open\"") && l.contains("\"path\":\"/tmp/sec/ok/f\"")),
                "a hook without selectors reports every call: " + r.output());
    }

    /** bprm_check_security: an exec of a binary under /tmp is refused, one elsewhere runs; both hooks at once. */
    @Test
    void execPoliciesRunBesideOpenPolicies(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path noExec = overridePolicy(tmp, "no-exec-from-tmp", "bprm_check_security", "linux_binprm", "Prefix", "/tmp/", -13);
        Path noOpen = overridePolicy(tmp, "no-secret", "file_open", "file", "Equal", "/tmp/secret", -1);
        Result r = lab(List.of(noExec, noOpen), "sh", "-c", "mkdir -p /tmp/bin; cp /bin/busybox /tmp/bin/evil; echo x > /tmp/secret; "
                + "gowarden policy run /lab/no-exec-from-tmp.yaml /lab/no-secret.yaml -c '/tmp/bin/evil echo from-tmp || echo exec-denied; "
                + "/bin/busybox echo from-bin; cat /tmp/secret || echo open-denied'");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("exec-denied") && !r.output().contains("from-tmp\n"), r.output());
        assertTrue(r.output().contains("from-bin") && r.output().contains("open-denied"), r.output());
        assertTrue(r.output().contains("bprm_check_security(binary=\"/tmp/bin/evil\") = -13 EACCES  [no-exec-from-tmp]"), r.output());
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
