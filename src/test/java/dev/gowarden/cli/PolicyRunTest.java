package dev.gowarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `gowarden policy run` on the real kernel: selectors evaluated in BPF on the tracee's calls (Go strings compared
 * from the process's memory, integers, PIDs), first match wins, then the actions: events with the policy's context,
 * NoPost, Sigkill.
 */
class PolicyRunTest {
    private static Path tracee;

    @BeforeAll
    static void build() {
        Privileges.requireRootAndBpf();
        tracee = GoPrograms.build("tracee");
    }

    private static Path policy(Path dir, String hook) throws Exception {
        return Files.writeString(dir.resolve("p.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: strs-audit
                spec:
                  uprobes:
                  - path: %s
                %s""".formatted(tracee, hook.indent(4)));
    }

    private static List<JsonNode> events(String out) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) events.add(new ObjectMapper().readTree(line));
        return events;
    }

    @Test
    void selectorsFilterInTheKernelAndTheFirstMatchDecides(@TempDir Path tmp) throws Exception {
        // Strs is called with s = "héllo-0", "héllo-1", "héllo-2", "héllo-3" and n = 0..3
        Path file = policy(tmp, """
                symbols: [main.Strs]
                args:
                - {index: 0, type: go_string, label: s}
                - {index: 1, type: int, label: n}
                selectors:
                - matchArgs:
                  - {index: 1, operator: Equal, values: [0]}
                  matchActions:
                  - {action: NoPost}
                - matchArgs:
                  - {index: 0, operator: Equal, values: ["héllo-1", "nope"]}
                - matchArgs:
                  - {index: 0, operator: Postfix, values: ["-3", "-0"]}
                  - {index: 1, operator: GT, values: [2]}
                  matchPIDs:
                  - {operator: NotIn, values: [1]}
                message: "a Strs call"
                tags: [audit, go]
                """);
        TraceCommandTest.Run r = TraceCommandTest.run("policy", "run", file.toString(), "--json", "-c", tracee + " -wait=false -rounds 4");
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> events = events(r.out());
        assertEquals(List.of("héllo-1", "héllo-3"), events.stream().map(e -> e.at("/process_uprobe/args/0/string_arg").asText()).toList(),
                "n=0 is dropped by the first selector (NoPost) although -0 would match the third: " + r.out());
        JsonNode first = events.getFirst().get("process_uprobe");
        assertEquals("strs-audit", first.get("policy_name").asText());
        assertEquals("a Strs call", first.get("message").asText());
        assertEquals("[\"audit\",\"go\"]", first.get("tags").toString());
        assertEquals("KPROBE_ACTION_POST", first.get("action").asText());
        assertEquals(List.of("s", "n"), List.of(first.at("/args/0/label").asText(), first.at("/args/1/label").asText()),
                "only the policy's args, with its labels");
    }

    /** Several policies, hooks in two binaries, one run: each event carries its own policy and binary. */
    @Test
    void policiesOnSeveralBinariesRunTogether(@TempDir Path tmp) throws Exception {
        Path returns = GoPrograms.build("returns");
        Path ints = Files.writeString(tmp.resolve("ints.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: first-ints
                spec:
                  uprobes:
                  - path: %s
                    symbols: [main.Ints]
                    args: [{index: 0, type: int, label: a}]
                    selectors:
                    - matchArgs: [{index: 0, operator: Equal, values: [-5]}]
                """.formatted(tracee));
        Path divide = Files.writeString(tmp.resolve("divide.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: division-by-zero
                spec:
                  uprobes:
                  - path: %s
                    symbols: [main.Divide]
                    args: [{index: 1, type: int, label: b}]
                    selectors:
                    - matchArgs: [{index: 1, operator: Equal, values: [0]}]
                """.formatted(returns));
        TraceCommandTest.Run r = TraceCommandTest.run("policy", "run", ints.toString(), divide.toString(), "--json",
                "-c", tracee + " -wait=false -rounds 2; echo | " + returns);
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> events = events(r.out());
        assertEquals(List.of("first-ints", "division-by-zero"), events.stream().map(e -> e.at("/process_uprobe/policy_name").asText()).toList(),
                r.out());
        assertEquals(tracee.toAbsolutePath().toString(), events.get(0).at("/process_uprobe/process/binary").asText());
        assertEquals(returns.toAbsolutePath().toString(), events.get(1).at("/process_uprobe/process/binary").asText());
        assertEquals(0, events.get(1).at("/process_uprobe/args/0/int_arg").asInt());
        assertTrue(r.err().contains("2 policies: 2 functions"), r.err());
    }

    /** uint64 arguments compare unsigned: 18446744073709551615 is greater than 1000, not -1. */
    @Test
    void unsignedArgumentsCompareUnsigned(@TempDir Path tmp) throws Exception {
        for (String op : List.of("GT", "LT")) {
            Path file = policy(tmp, """
                    symbols: [main.Ints]
                    args:
                    - {index: 6, type: uint64, label: g}
                    selectors:
                    - matchArgs:
                      - {index: 6, operator: %s, values: [1000]}
                    """.formatted(op));
            TraceCommandTest.Run r = TraceCommandTest.run("policy", "run", file.toString(), "--json", "-c", tracee + " -wait=false -rounds 1");
            assertEquals(0, r.exit(), r.err());
            List<JsonNode> events = events(r.out());
            assertEquals(op.equals("GT") ? 1 : 0, events.size(), op + ": " + r.out());
            if (op.equals("GT")) assertEquals("18446744073709551615", events.getFirst().at("/process_uprobe/args/0/size_arg").asText());
        }
    }

    @Test
    void sigkillStopsTheProcessAtTheMatchingCall(@TempDir Path tmp) throws Exception {
        Path file = policy(tmp, """
                symbols: [main.Strs]
                args:
                - {index: 0, type: go_string}
                selectors:
                - matchArgs:
                  - {index: 0, operator: Prefix, values: ["héllo-2"]}
                  matchActions:
                  - {action: Sigkill}
                """);
        TraceCommandTest.Run r = TraceCommandTest.run("policy", "run", file.toString(), "--json", "-c", tracee + " -wait=false -rounds 4");
        List<JsonNode> events = events(r.out());
        assertEquals(1, events.size(), r.out());
        assertEquals("KPROBE_ACTION_SIGKILL", events.getFirst().at("/process_uprobe/action").asText());
        assertNotEquals(0, r.exit(), "the traced command was killed");
        assertFalse(r.out().contains("total"), "the tracee never finished its rounds: " + r.out());
    }

    /** This host refuses BPF LSM programs: an LSM policy says so and where to run it instead (lab tests run it). */
    @Test
    void lsmPoliciesOnAKernelWithoutBpfLsmSayWhy(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("lsm.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: deny
                spec:
                  lsmhooks:
                  - hook: file_open
                    selectors:
                    - matchActions: [{action: Override, argError: -1}]
                """);
        TraceCommandTest.Run r = TraceCommandTest.run("policy", "run", file.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("LSM-hook policies need BPF LSM programs, which this kernel refuses") && r.err().contains("lab/lab.sh"), r.err());
    }

    @Test
    void whatDoesNotRunYetIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path file = policy(tmp, """
                symbols: [main.Strs]
                args:
                - {index: 0, type: go_string}
                selectors:
                - matchActions:
                  - {action: Override, clearGoString: true}
                """);
        TraceCommandTest.Run r = TraceCommandTest.run("policy", "run", file.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("spec.uprobes[0].selectors[0].matchActions: Override clearGoString writes the string's length register"),
                r.err());
    }
}
