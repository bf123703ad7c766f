package dev.gowarden.policy;

import dev.gowarden.policy.TracingPolicy.Action;
import dev.gowarden.policy.TracingPolicy.ArgType;
import dev.gowarden.policy.TracingPolicy.Operator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyParserTest {
    private static final String HEAD = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: p
            spec:
              uprobes:
              - path: /bin/app
                symbols: [main.f]
            """;

    @Test
    void theExamplePolicyReadsAsWritten() {
        TracingPolicy p = PolicyParser.parse(Path.of("examples/policies/block-drop-table.yaml"));
        assertEquals("block-drop-table", p.name());
        TracingPolicy.Uprobe u = p.uprobes().getFirst();
        assertEquals("/opt/app/server", u.path());
        assertEquals(List.of("main.(*DB).Query"), u.symbols());
        assertEquals(List.of(new TracingPolicy.Arg(1, ArgType.GO_STRING, "query")), u.args());
        assertEquals(2, u.selectors().size());
        TracingPolicy.Selector block = u.selectors().get(0);
        assertEquals(List.of(new TracingPolicy.MatchArg(0, Operator.PREFIX, List.of("DROP TABLE"))), block.matchArgs());
        assertEquals(List.of(new Action.Override(null, true)), block.actions());
        assertEquals(List.of(new TracingPolicy.MatchArg(0, Operator.POSTFIX, List.of("FROM users"))), u.selectors().get(1).matchArgs());
        assertEquals(List.of(new Action.Post(null)), u.selectors().get(1).actions());
        assertEquals(List.of("sql", "go"), u.tags());
    }

    @Test
    void integersRangesPidsBinariesAndSignals() {
        TracingPolicy p = PolicyParser.parse(HEAD + """
                    args:
                    - {index: 0, type: int}
                    - {index: 2, type: uint8}
                    selectors:
                    - matchArgs:
                      - {args: [0], operator: InRange, values: ["-5:0x10"]}
                      - {index: 2, operator: Mask, values: ["0x80", "1"]}
                      matchPIDs:
                      - {operator: NotIn, values: [1, 2], followForks: true}
                      matchBinaries:
                      - {operator: Prefix, values: [/usr/local/bin/]}
                      matchActions:
                      - {action: Signal, argSig: 10}
                      - {action: NoPost}
                """, "inline");
        TracingPolicy.Selector s = p.uprobes().getFirst().selectors().getFirst();
        assertEquals(new TracingPolicy.MatchArg(0, Operator.IN_RANGE, List.of("-5:16")), s.matchArgs().get(0));
        assertEquals(new TracingPolicy.MatchArg(1, Operator.MASK, List.of("128", "1")), s.matchArgs().get(1));
        TracingPolicy big = PolicyParser.parse(HEAD + """
                    args:
                    - {index: 0, type: uint64}
                    selectors:
                    - matchArgs:
                      - {index: 0, operator: InRange, values: ["0x8000000000000000:18446744073709551615"]}
                """, "inline");
        assertEquals(List.of("9223372036854775808:18446744073709551615"),
                big.uprobes().getFirst().selectors().getFirst().matchArgs().getFirst().values(), "unsigned 64-bit values stay unsigned");
        assertEquals(List.of(new TracingPolicy.MatchPids(false, List.of(1, 2), true)), s.matchPids());
        assertEquals(List.of(new TracingPolicy.MatchBinaries(Operator.PREFIX, List.of("/usr/local/bin/"))), s.matchBinaries());
        assertEquals(List.of(new Action.Signal(10), new Action.NoPost()), s.actions());
    }

    @Test
    void lsmHooksWithPathFiltersAndOverrides() {
        TracingPolicy p = PolicyParser.parse("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: deny-shadow
                spec:
                  lsmhooks:
                  - hook: file_open
                    args: [{index: 0, type: file}]
                    selectors:
                    - matchArgs: [{index: 0, operator: Prefix, values: [/etc/shadow]}]
                      matchActions: [{action: Override, argError: -13}]
                """, "lsm.yaml");
        TracingPolicy.LsmHook h = p.lsmhooks().getFirst();
        assertEquals("file_open", h.hook());
        assertEquals(List.of(new TracingPolicy.Arg(0, ArgType.FILE, "")), h.args());
        assertEquals(List.of(new Action.Override(-13, false)), h.selectors().getFirst().actions());
        String lsm = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: l
                spec:
                  lsmhooks:
                  - hook: %s
                    args: [{index: 0, type: file}]
                    selectors:
                    - matchArgs: [{index: 0, operator: %s, values: [/x]}]
                      matchActions: [{action: Override, argError: %s}]
                """;
        Map<String, String> cases = Map.of(
                lsm.formatted("security_file_open", "Equal", "-1"), "write the hook without 'security_' (Tetragon's spelling): file_open",
                lsm.formatted("inode_unlink", "Equal", "-1"), "hook 'inode_unlink' is not run by gowarden yet (bprm_check_security, file_open)",
                lsm.formatted("bprm_check_security", "Equal", "-1"), "argument 0 of bprm_check_security is read as linux_binprm",
                lsm.formatted("file_open", "NotEqual", "-1"), "an LSM path filter is Equal, Prefix or Postfix so far, not NotEqual",
                lsm.formatted("file_open", "Equal", "1"), "1 is not an error a kernel hook can return (a negative errno, -1 to -4095)",
                HEAD + "    selectors:\n    - matchActions:\n      - {action: Override, argError: -1}\n",
                "Override argError on a Go function is not supported");
        cases.forEach((yaml, expected) -> {
            PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(yaml, "t.yaml"), expected);
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        });
    }

    /** Each bad policy gives one error naming the place and the field. */
    @Test
    void mistakesNameFileLineAndField() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(HEAD.replace("symbols:", "symbol:"), "t.yaml:8:5: spec.uprobes[0]: unknown field 'symbol' (did you mean 'symbols'?)");
        cases.put(HEAD.replace("cilium.io/v1alpha1", "v1"), "t.yaml:1:13: apiVersion: 'v1' is not cilium.io/v1alpha1");
        cases.put(HEAD.replace("name: p", "name: My_Policy"), "t.yaml:4:9: metadata.name: 'My_Policy' is not a DNS subdomain");
        cases.put(HEAD + "    args:\n    - {index: 0, type: string}\n",
                "spec.uprobes[0].args[0].type: unknown type 'string': 'string' reads C memory; a Go string argument is go_string");
        cases.put(HEAD + "    args:\n    - {index: 0, type: int}\n    selectors:\n    - matchArgs:\n      - {index: 1, operator: Equal, values: [3]}\n",
                "spec.uprobes[0].selectors[0].matchArgs[0].index: argument 1 is not in this hook's args");
        cases.put(HEAD + "    args:\n    - {index: 0, type: go_string}\n    selectors:\n    - matchArgs:\n      - {index: 0, operator: GT, values: [3]}\n",
                "spec.uprobes[0].selectors[0].matchArgs[0].operator: GT does not apply to a go_string argument");
        cases.put(HEAD + "    args:\n    - {index: 0, type: int8}\n    selectors:\n    - matchArgs:\n      - {index: 0, operator: Equal, values: [300]}\n",
                "spec.uprobes[0].selectors[0].matchArgs[0].values[0]: 300 is out of range (-128 to 127)");
        cases.put(HEAD + "    args:\n    - {index: 0, type: int}\n    selectors:\n    - matchActions:\n      - {action: Override, clearGoString: true}\n",
                "clearGoString: clearGoString needs a go_string argument in this hook's args");
        cases.put(HEAD + "    selectors:\n    - matchActions:\n      - {action: Signal}\n",
                "spec.uprobes[0].selectors[0].matchActions[0]: missing required field 'argSig'");
        cases.put(HEAD + "    selectors:\n    - matchActions:\n      - {action: GetUrl, argUrl: x}\n", "action 'GetUrl' is not supported by gowarden yet");
        cases.put(HEAD + "    selectors:\n    - matchActions:\n      - {action: Sigkill, argSig: 9}\n", "'argSig' does not apply to action Sigkill");
        cases.put(HEAD + "    returnArg: {index: 0, type: int}\n", "spec.uprobes[0].returnArg: not supported by gowarden yet");
        cases.put(HEAD.replace("  uprobes:", "  kprobes: []\n  uprobes:"), "spec.kprobes: not supported by gowarden yet");
        cases.put(HEAD + "    args:\n    - {index: 0, type: file}\n", "type file is an LSM hook argument");
        cases.put(HEAD + "    selectors: [{}, {}, {}, {}, {}, {}]\n", "spec.uprobes[0].selectors[5]: more than 5 selectors on one hook");
        cases.put(HEAD + "    args:\n    - {index: 0, type: int}\n    - {index: 0, type: int}\n", "args[1].index: argument 0 is already listed");
        cases.put("apiVersion: [x\n", "t.yaml: not valid YAML");
        cases.put("a: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n", "t.yaml: not a TracingPolicy: nested too deeply to read");
        String intArg = HEAD + "    args:\n    - {index: 0, type: %s}\n    selectors:\n    - matchArgs:\n      - {index: 0, operator: %s, values: [\"%s\"]}\n";
        cases.put(intArg.formatted("int", "Equal", "0x-5"), "'0x-5' is not an integer");
        cases.put(intArg.formatted("uint64", "Equal", "-1"), "'-1' is negative; a uint64 is not");
        cases.put(intArg.formatted("uint64", "Equal", "18446744073709551616"), "is out of range for uint64");
        cases.put(intArg.formatted("int", "InRange", "5:x"), "t.yaml:13:48: spec.uprobes[0].selectors[0].matchArgs[0].values[0]: 'x' is not an integer");
        cases.put(HEAD.replace("symbols: [main.f]", "symbols: [main.f, main.f]"), "a symbol is listed twice");
        cases.put(HEAD.replace("path: /bin/app", "path: null"), "spec.uprobes[0].path: has no value (null)");
        cases.put(HEAD.replace("symbols: [main.f]", "symbols: [main.f, null]"), "spec.uprobes[0].symbols[1]: has no value (null)");
        cases.forEach((yaml, expected) -> {
            PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(yaml, "t.yaml"), expected);
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        });
    }
}
