package dev.gowarden.golang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gowarden.cli.Main;
import dev.gowarden.elf.ElfFile;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gowarden symbols}, run through the real command line ({@link Main#run}). */
class SymbolsCommandTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) { }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void jsonListsTheFunctionsGosymReportsWithOffsets() throws IOException {
        Path bin = GoPrograms.build("symbolsdemo", "stripped", List.of(), "-ldflags=-s -w");
        Result r = run("symbols", bin.toString(), "--filter", "^main\\.", "--json");
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.out().lines().toList()) lines.add(json.readTree(l));
        JsonNode h = lines.removeFirst();
        assertEquals(GoReference.goVersionOf(bin), h.get("goVersion").asText());
        assertEquals("amd64", h.get("arch").asText());
        assertTrue(h.get("stripped").asBoolean());
        assertEquals("ABIInternal", h.get("abi").asText());   // Go 1.19 on amd64
        assertTrue(h.has("module"));

        Pattern p = Pattern.compile("^main\\.");
        List<String> expected = GoReference.gosym(bin).lines().stream().filter(l -> p.matcher(l.substring(l.indexOf(' ') + 1)).find()).toList();
        List<String> got = lines.stream().map(n -> n.get("entry").asText() + " " + n.get("name").asText()).toList();
        assertEquals(expected, got);
        try (ElfFile elf = ElfFile.open(bin)) {
            for (JsonNode n : lines) {
                long entry = Long.decode(n.get("entry").asText());
                long end = Long.decode(n.get("end").asText());
                assertTrue(end > entry, n.toString());
                assertEquals(elf.fileOffset(entry), n.get("fileOffset").asLong(), n.toString());
                assertFalse(n.get("assembly").asBoolean(), n.toString());
                assertTrue(n.get("entry").asText().matches("0x[0-9a-f]+"), n.toString());
            }
        }
    }

    @Test
    void textHeaderNamesVersionModuleAbiAndStripping() throws IOException {
        Path demo = GoReference.demo();
        String module = Files.readAllLines(GoPrograms.repo().resolve("demo/go.mod")).getFirst().replace("module ", "").trim();
        Result r = run("symbols", demo.toString(), "--filter", "^main\\.greet$");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("module:     " + module), r.out());
        assertTrue(r.out().contains("go:         " + GoReference.goVersionOf(demo)), r.out());
        assertTrue(r.out().contains("abi:        ABIInternal"), r.out());
        assertTrue(r.out().contains("stripped:   false"), r.out());
        assertTrue(r.out().contains("text start: 0x"), r.out());
        // with DWARF the signature is shown in place of the bare name
        assertTrue(r.out().lines().anyMatch(l -> l.endsWith("  main.greet(name string, n int) string")), r.out());
    }

    @Test
    void errorsAreOneLineWithoutATrace() throws IOException {
        Result missing = run("symbols", tmp.resolve("nope").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file") && !missing.err().contains("\tat "), missing.err());

        byte[] b = Files.readAllBytes(GoPrograms.build("symbolsdemo", "static", List.of()));
        long off;
        try (ElfFile elf = ElfFile.open(GoPrograms.build("symbolsdemo", "static", List.of()))) {
            off = elf.section(".gopclntab").orElseThrow().offset();
        }
        b[(int) off + 8] = 0;   // nfunc low byte: a count that no longer fits or is zero
        b[(int) off + 9] = 0;
        Path corrupt = Files.write(tmp.resolve("corrupt"), b);
        Result bad = run("symbols", corrupt.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("pclntab") && bad.err().contains("nfunc") && !bad.err().contains("\tat "), bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());

        Result badRegex = run("symbols", corrupt.toString(), "--filter", "(");
        assertEquals(2, badRegex.code());
        assertTrue(badRegex.err().contains("--filter"), badRegex.err());
    }
}
