package dev.gowarden.cli;

import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `gowarden policy check`: a policy bound to real binaries, with and without DWARF, and each way it can fail. No kernel. */
class PolicyCommandTest {
    private static String policy(Path binary, String argsAndSelectors) {
        return """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: strs
                spec:
                  uprobes:
                  - path: %s
                    symbols: [main.Strs]
                %s""".formatted(binary, argsAndSelectors.indent(4));
    }

    private static final String ARGS = """
            args:
            - {index: 0, type: go_string, label: s}
            - {index: 1, type: int, label: n}
            selectors:
            - matchArgs:
              - {index: 0, operator: Prefix, values: [h]}
              - {index: 1, operator: InRange, values: ["0:2"]}
              matchActions:
              - {action: Sigkill}
            """;

    @Test
    void bindsArgumentsWhereTheAbiPutsThem(@TempDir Path tmp) throws Exception {
        Path tracee = GoPrograms.build("tracee");
        Path file = Files.writeString(tmp.resolve("p.yaml"), policy(tracee, ARGS));
        TraceCommandTest.Run r = TraceCommandTest.run("policy", "check", file.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(1).contains("main.Strs(s string, n int, empty string, long string) int  [ABIInternal, signature from DWARF]"), r.out());
        assertEquals("    args[0] index 0 s go_string <- RAX, RBX", lines.get(2));
        assertEquals("    args[1] index 1 n int <- RCX", lines.get(3));
        assertEquals("    selector 0: s Prefix [\"h\"] and n InRange [0:2] -> Sigkill", lines.get(4));

        Path stripped = GoPrograms.build("tracee", "stripped", List.of(), "-ldflags=-s -w");
        Path strippedPolicy = Files.writeString(tmp.resolve("s.yaml"), policy(stripped, ARGS));
        TraceCommandTest.Run s = TraceCommandTest.run("policy", "check", strippedPolicy.toString());
        assertEquals(0, s.exit(), s.err());
        assertTrue(s.out().contains("main.Strs(arg0 string, arg1 int)  [ABIInternal, signature from the policy's args]"), s.out());
        assertTrue(s.out().contains("args[0] index 0 s go_string <- RAX, RBX") && s.out().contains("args[1] index 1 n int <- RCX"), s.out());
    }

    @Test
    void whatDoesNotBindIsNamed(@TempDir Path tmp) throws Exception {
        Path tracee = GoPrograms.build("tracee");
        Path stripped = GoPrograms.build("tracee", "stripped", List.of(), "-ldflags=-s -w");
        record Case(Path binary, String args, int exit, String message) { }
        List<Case> cases = List.of(
                new Case(tracee, "args:\n- {index: 1, type: go_string}\n", 1,
                        "spec.uprobes[0] symbol main.Strs: argument 1 (n) is of type int, which the policy cannot read as go_string"),
                new Case(tracee, "args:\n- {index: 7, type: int}\n", 1, "argument 7 does not exist"),
                new Case(stripped, "args:\n- {index: 1, type: int}\n", 1,
                        "has no DWARF, so argument 1 can only be placed if every argument before it is listed with its type (argument 0 is not)"),
                new Case(tmp.resolve("missing"), "args: []\n", 1, "spec.uprobes[0].path: " + tmp.resolve("missing") + ": no such file"),
                new Case(tracee, "args:\n- {index: 0, type: go_string}\nselectors:\n- matchArgs:\n  - {index: 0, operator: LT, values: [1]}\n", 2,
                        "matchArgs[0].operator: LT does not apply to a go_string argument"));
        for (Case c : cases) {
            Path file = Files.writeString(tmp.resolve("c.yaml"), policy(c.binary(), c.args()));
            TraceCommandTest.Run r = TraceCommandTest.run("policy", "check", file.toString());
            assertEquals(c.exit(), r.exit(), c.message() + ": " + r.err());
            assertTrue(r.err().startsWith("gowarden: " + file + ":") && r.err().contains(c.message()), r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        }
    }
}
