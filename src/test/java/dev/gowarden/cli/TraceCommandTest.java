package dev.gowarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trace command as users run it: -c, --json, compact output, and one clear line for each kind of bad input. */
class TraceCommandTest {
    private static Path tracee;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void build() {
        tracee = GoPrograms.build("tracee");
    }

    @Test
    void commandModeWithJsonIsShapedLikeTetragon() throws Exception {
        Privileges.requireRootAndBpf();
        Run r = run("trace", tracee.toString(), "main.Strs(s string, n int, empty string, long string) int",
                "main.Ints(a int, b int8, c int16, d int32, e int64, f uint8, g uint64, h bool) int",
                "-c", tracee + " -wait=false -rounds 2", "--json");
        assertEquals(0, r.exit(), r.err());
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.out().lines().toList()) events.add(m.readTree(line));
        assertEquals(4, events.size(), r.out());
        JsonNode strs = events.stream().filter(e -> e.at("/process_uprobe/symbol").asText().equals("main.Strs")).findFirst().orElseThrow();
        JsonNode proc = strs.at("/process_uprobe/process");
        assertTrue(proc.get("pid").asInt() > 0);
        assertTrue(proc.get("tid").asInt() > 0);
        assertEquals(tracee.toAbsolutePath().toString(), proc.get("binary").asText());
        assertEquals("tracee", proc.get("comm").asText());
        assertEquals(tracee.toAbsolutePath().toString(), strs.at("/process_uprobe/path").asText());
        JsonNode args = strs.at("/process_uprobe/args");
        assertEquals("s", args.get(0).get("label").asText());
        assertEquals("héllo-0", args.get(0).get("string_arg").asText());
        assertEquals("n", args.get(1).get("label").asText());
        assertEquals(0, args.get(1).get("int_arg").asInt());
        assertEquals("", args.get(2).get("string_arg").asText());
        assertEquals("x".repeat(256), args.get(3).get("string_arg").asText());
        assertTrue(args.get(3).get("truncated").asBoolean());
        assertEquals(300, args.get(3).get("orig_size").asInt());
        assertTrue(strs.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), strs.get("time").asText());
        JsonNode ints = events.stream().filter(e -> e.at("/process_uprobe/symbol").asText().equals("main.Ints")).findFirst().orElseThrow();
        JsonNode ia = ints.at("/process_uprobe/args");
        assertEquals(-5, ia.get(0).get("int_arg").asInt());
        assertEquals("1099511627776", ia.get(4).get("long_arg").asText());
        assertEquals(200, ia.get(5).get("uint_arg").asInt());
        assertEquals("18446744073709551615", ia.get(6).get("size_arg").asText());
        assertEquals(1, ia.get(7).get("int_arg").asInt());
    }

    @Test
    void compactOutputOneLinePerCall() {
        Privileges.requireRootAndBpf();
        Run r = run("trace", tracee.toString(), "main.Strs(s string, n int, empty string, long string) int",
                "-c", tracee + " -wait=false -rounds 1", "--string-size", "2", "--uprobe-multi", "off");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size(), r.out());
        assertTrue(lines.getFirst().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} tracee\\[\\d+/\\d+] main\\.Strs\\(s=\"h\\\\xc3\"\\.\\.\\.\\(8 bytes, truncated\\), n=0, "
                + "empty=\"\", long=\"xx\"\\.\\.\\.\\(300 bytes, truncated\\)\\)"), lines.getFirst());
    }

    @Test
    void bareNamesTakeTheirSignatureFromDwarf() {
        Privileges.requireRootAndBpf();
        Run r = run("trace", tracee.toString(), "main.Ints", "main.(*Store).Put", "-c", tracee + " -wait=false -rounds 1");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).endsWith("main.Ints(a=-5, b=-8, c=300, d=-70000, e=1099511627776, f=200, g=18446744073709551615, h=true)"), lines.get(0));
        // DWARF knows the pointees' structs: the probe reads them through the pointers
        assertTrue(lines.get(1).endsWith(" main.(*Store).Put(s=&{name: \"s\"}, key=\"key\", value=0, p=&{X: 0, Y: 2})"), lines.get(1));
    }

    @Test
    void returnsShowResultsAndDuration() {
        Privileges.requireRootAndBpf();
        Run both = run("trace", tracee.toString(), "main.Ints", "--returns", "-c", tracee + " -wait=false -rounds 2");
        assertEquals(0, both.exit(), both.err());
        List<String> lines = both.out().lines().toList();
        assertEquals(4, lines.size(), both.out());
        // Ints returns a + int(b): -5 + -8, then -6 + -8
        assertTrue(lines.get(0).endsWith("main.Ints(a=-5, b=-8, c=300, d=-70000, e=1099511627776, f=200, g=18446744073709551615, h=true)"), lines.get(0));
        assertTrue(lines.get(1).matches(".* main\\.Ints returned \\(ret0=-13\\) in [0-9.]+(ns|µs|ms|s)"), lines.get(1));
        assertTrue(lines.get(3).matches(".* main\\.Ints returned \\(ret0=-14\\) in [0-9.]+(ns|µs|ms|s)"), lines.get(3));
        assertTrue(both.err().contains("tracing 1 function (calls and returns)"), both.err());

        Run only = run("trace", tracee.toString(), "main.Ints", "--returns-only", "-c", tracee + " -wait=false -rounds 2");
        assertEquals(0, only.exit(), only.err());
        List<String> returns = only.out().lines().toList();
        assertEquals(2, returns.size(), only.out());
        assertTrue(returns.stream().allMatch(l -> l.contains("main.Ints returned (ret0=") && l.matches(".* in [0-9.]+(ns|µs|ms|s)")), only.out());

        Run bothFlags = run("trace", tracee.toString(), "main.Ints", "--returns", "--returns-only");
        assertEquals(2, bothFlags.exit());
        assertTrue(bothFlags.err().contains("either --returns or --returns-only"), bothFlags.err());
    }

    @Test
    void aPatternTracesAWholePackage() {
        Privileges.requireRootAndBpf();
        Run r = run("trace", tracee.toString(), "main.*", "--returns-only", "-c", tracee + " -wait=false -rounds 2");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().filter(l -> l.contains(" returned (")).toList();
        for (String f : List.of("main.Ints", "main.Strs", "main.(*Store).Put", "main.Many")) {
            assertEquals(2, lines.stream().filter(l -> l.contains("] " + f + " returned (")).count(), f + " returns twice in: " + r.out());
        }
        // the goroutine's closure returns after its send, which main may outrun to exit: the last one may never return
        long closures = lines.stream().filter(l -> l.contains("] main.main.func1 returned (")).count();
        assertTrue(closures == 1 || closures == 2, "main.main.func1 returns once or twice: " + r.out());
        assertEquals(2 * 41, lines.stream().filter(l -> l.contains("] main.Grow returned (")).count(), r.out());
        assertEquals(1, lines.stream().filter(l -> l.contains("] main.main returned ()")).count(), r.out());
        assertTrue(lines.stream().allMatch(l -> l.matches(".* in [0-9.]+(ns|µs|ms|s)")), "every return has its duration: " + r.out());
        assertTrue(r.err().matches("(?s).*tracing \\d+ functions \\(returns only\\).*"), r.err());

        Path stripped = GoPrograms.build("tracee", "stripped", List.of(), "-ldflags=-s -w");
        Run s = run("trace", stripped.toString(), "main.I*", "main.S*", "-c", stripped + " -wait=false -rounds 1");
        assertEquals(0, s.exit(), s.err());
        assertEquals(2, s.out().lines().count(), s.out());
        assertTrue(s.out().contains("] main.Strs()"), "a stripped binary's matches are reported by name: " + s.out());

        Run withParams = run("trace", tracee.toString(), "main.*(x int)");
        assertEquals(2, withParams.exit());
        assertTrue(withParams.err().contains("a pattern takes no parameter list"), withParams.err());
        Run noMatch = run("trace", tracee.toString(), "mian.*");
        assertEquals(1, noMatch.exit());
        assertTrue(noMatch.err().contains("no function matches 'mian.*'"), noMatch.err());
    }

    @Test
    void badInputGivesOneClearLineAndNonZeroExit(@TempDir Path tmp) throws Exception {
        Run missing = run("trace", tmp.resolve("nope").toString(), "main.f()");
        assertEquals(1, missing.exit());
        assertEquals("gowarden: " + tmp.resolve("nope") + ": no such file\n", missing.err());

        Path script = Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\necho this is a shell script, not an executable ELF file\n");
        Run notElf = run("trace", script.toString(), "main.f()");
        assertEquals(1, notElf.exit());
        assertTrue(notElf.err().contains("not an ELF file"), notElf.err());

        Run notGo = run("trace", "/bin/ls", "main.f()");
        assertEquals(1, notGo.exit());
        assertTrue(notGo.err().contains("/bin/ls: not a Go binary"), notGo.err());

        Run noSymbol = run("trace", tracee.toString(), "main.Intz(a int)");
        assertEquals(1, noSymbol.exit());
        assertTrue(noSymbol.err().contains("function 'main.Intz' not found") && noSymbol.err().contains("main.Ints"), noSymbol.err());

        Run badSig = run("trace", tracee.toString(), "main.Ints(a int, b int8 c int16)");
        assertEquals(2, badSig.exit());
        assertTrue(badSig.err().contains("column 25") && badSig.err().contains("^"), badSig.err());

        Run badSize = run("trace", tracee.toString(), "main.Ints(a int)", "--string-size", "5000");
        assertEquals(2, badSize.exit());
        assertTrue(badSize.err().contains("--string-size must be between 1 and 4096"), badSize.err());

        Path noDwarf = GoPrograms.build("tracee", "nodwarf", List.of(), "-ldflags=-w");
        Run noParams = run("trace", noDwarf.toString(), "main.Ints");
        assertEquals(1, noParams.exit());
        assertTrue(noParams.err().contains("no DWARF") && noParams.err().contains("write the parameters"), noParams.err());
        for (Run r : List.of(missing, notElf, notGo, noSymbol, badSig, badSize, noParams)) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }
}
