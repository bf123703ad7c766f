package dev.gowarden.golang;

import dev.gowarden.elf.ElfSymbol;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lookup semantics, checked against .symtab (read by the independent {@link dev.gowarden.elf.ElfFile#symbols()} path). */
class GoBinaryTest {
    private static Path demoStatic() {
        return GoPrograms.build("symbolsdemo", "static", List.of());
    }

    private static Map<String, ElfSymbol> symbolsByName(GoBinary b) {
        Map<String, ElfSymbol> m = new HashMap<>();
        for (ElfSymbol s : b.elf().symbols()) if (s.isFunction()) m.putIfAbsent(s.name(), s);
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"main.Plain", "main.(*T).Method", "main.T.ValMethod", "main.main.func2", "main.T.ValMethod-fm", "os.Getenv", "main.main"})
    void exactNamesResolveToTheSymtabAddressAndSize(String name) {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            ElfSymbol s = symbolsByName(b).get(name);
            assertTrue(s != null, name + " is not in .symtab");
            GoFunction f = b.lookup(name);
            assertEquals(name, f.name());
            assertEquals(s.value(), f.entry(), name);
            assertEquals(s.value() + s.size(), f.end(), name + ": end must be the exact st_size, not the next entry");
            assertEquals(b.elf().fileOffset(s.value()), f.fileOffset());
            assertFalse(f.assembly());
        }
    }

    @Test
    void genericNamesFindEveryInstantiation() {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            // .symtab spells each instantiation out: main.Map[go.shape.string_0,go.shape.int_1], ...
            Set<Long> mapEntries = new TreeSet<>();
            Set<Long> pushEntries = new TreeSet<>();
            String oneMapSymbol = null;
            for (ElfSymbol s : b.elf().symbols()) {
                if (!s.isFunction()) continue;
                if (s.name().startsWith("main.Map[")) {
                    mapEntries.add(s.value());
                    oneMapSymbol = s.name();
                }
                if (s.name().startsWith("main.(*List[") && s.name().endsWith("]).Push")) pushEntries.add(s.value());
            }
            assertEquals(2, mapEntries.size(), "main.Map is instantiated for two shapes in symbolsdemo");
            assertEquals(2, pushEntries.size());
            for (String q : List.of("main.Map", "main.Map[...]", "main.Map[string,int]")) {
                assertEquals(mapEntries, entries(b.lookupAll(q)), q);
            }
            for (String q : List.of("main.(*List).Push", "main.(*List[...]).Push", "main.(*List[T]).Push")) {
                assertEquals(pushEntries, entries(b.lookupAll(q)), q);
            }
            // the exact .symtab spelling picks that one instantiation
            final String exact = oneMapSymbol;
            ElfSymbol sym = b.elf().symbols().stream().filter(s -> s.name().equals(exact)).findFirst().orElseThrow();
            List<GoFunction> one = b.lookupAll(exact);
            assertEquals(1, one.size(), exact);
            assertEquals(sym.value(), one.getFirst().entry());
            assertEquals(sym.value() + sym.size(), one.getFirst().end());
        }
    }

    private static Set<Long> entries(List<GoFunction> fs) {
        return fs.stream().map(GoFunction::entry).collect(Collectors.toCollection(TreeSet::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"static", "pie", "cgo"})
    void symtabAndPclntabAgreeOnEveryName(String variant) {
        Path bin = variant.equals("cgo") ? GoPrograms.build("cgodemo", "cgo", List.of("CGO_ENABLED=1"))
                : GoPrograms.build("symbolsdemo", variant, List.of(), variant.equals("pie") ? new String[]{"-buildmode=pie"} : new String[]{});
        checkAgreement(bin);
    }

    @Test
    void symtabAndPclntabAgreeOnTheDemoAndDocker() {
        checkAgreement(GoReference.demo());
        checkAgreement(Path.of("/usr/local/bin/docker"));
    }

    /**
     * Every .symtab function symbol at a pclntab entry has the pclntab's name (up to ".abi0" and generic shapes),
     * every pclntab name found in .symtab has the same entry, and ".abi0" symbols carry the ASM flag (1.18+).
     */
    private static void checkAgreement(Path bin) {
        try (GoBinary b = GoBinary.open(bin)) {
            Map<Long, GoFunction> byEntry = new HashMap<>();
            for (GoFunction f : b.functions()) byEntry.put(f.entry(), f);
            int matched = 0;
            List<String> problems = new ArrayList<>();
            boolean flags = b.pclntab().format() == Pclntab.Format.GO118 || b.pclntab().format() == Pclntab.Format.GO120;
            for (ElfSymbol s : b.elf().symbols()) {
                if (!s.isFunction()) continue;
                GoFunction f = byEntry.get(s.value());
                if (f == null) continue;
                String symName = s.name().endsWith(".abi0") ? s.name().substring(0, s.name().length() - 5) : s.name();
                if (!GoNames.withoutTypeArguments(symName).equals(GoNames.withoutTypeArguments(f.name()))) {
                    // an alias at the same address (e.g. a C symbol): the pclntab name must then also be in .symtab
                    continue;
                }
                matched++;
                if (s.size() > 0 && f.end() != s.value() + s.size()) problems.add(f.name() + ": end " + f.end() + " vs st_size end " + (s.value() + s.size()));
                // an ABI0 body is assembly; the converse does not hold (runtime.memequal is assembly written for ABIInternal)
                if (flags && s.name().endsWith(".abi0") && !f.assembly()) problems.add(f.name() + ": no assembly flag but symbol " + s.name());
            }
            Map<String, List<Long>> entriesByName = new HashMap<>();
            for (GoFunction f : b.functions()) entriesByName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f.entry());
            for (ElfSymbol s : b.elf().symbols()) {
                if (!s.isFunction() || s.name().contains("[")) continue;
                String symName = s.name().endsWith(".abi0") ? s.name().substring(0, s.name().length() - 5) : s.name();
                List<Long> es = entriesByName.get(symName);
                if (es != null && !es.contains(s.value())) problems.add(symName + ": .symtab 0x" + Long.toHexString(s.value()) + " but pclntab " + es);
            }
            assertTrue(problems.isEmpty(), bin + ": " + problems.stream().limit(10).toList());
            assertTrue(matched > b.functionCount() * 9 / 10, bin + ": only " + matched + " of " + b.functionCount() + " functions have a .symtab symbol");
        }
    }

    @Test
    void assemblyBodiesLoseToTheirGoWrappers() {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            Map<String, List<GoFunction>> byName = b.functions().stream().collect(Collectors.groupingBy(GoFunction::name));
            int pairs = 0;
            for (var e : byName.entrySet()) {
                List<GoFunction> fs = e.getValue();
                if (fs.size() < 2 || fs.stream().noneMatch(GoFunction::assembly) || fs.stream().allMatch(GoFunction::assembly)) continue;
                pairs++;
                GoFunction got = b.lookup(e.getKey());
                assertFalse(got.assembly(), e.getKey());
                assertEquals(fs.size(), b.lookupAll(e.getKey()).size());
                // and the assembly one carries the .abi0 symbol
                GoFunction asm = fs.stream().filter(GoFunction::assembly).findFirst().orElseThrow();
                assertTrue(b.elf().symbols().stream().anyMatch(s -> s.name().equals(e.getKey() + ".abi0") && s.value() == asm.entry()), e.getKey());
            }
            assertTrue(pairs > 0, "a Go 1.19 binary has ABI0 bodies with ABIInternal wrappers (e.g. runtime.asmcgocall)");
        }
    }

    @Test
    void strippedBuildsResolveLikeUnstrippedOnes() {
        Path full = demoStatic();
        Path stripped = GoPrograms.build("symbolsdemo", "stripped", List.of(), "-ldflags=-s -w");
        try (GoBinary a = GoBinary.open(full); GoBinary s = GoBinary.open(stripped)) {
            assertFalse(a.stripped());
            assertTrue(s.stripped());
            for (String name : List.of("main.Plain", "main.(*T).Method", "main.main.func2", "os.Getenv")) {
                GoFunction fa = a.lookup(name);
                GoFunction fs = s.lookup(name);
                assertEquals(fa.entry(), fs.entry(), name);
                assertEquals(fa.fileOffset(), fs.fileOffset(), name);
                assertTrue(fs.end() >= fa.end(), name + ": without .symtab the end is the next entry (padding included)");
            }
            assertEquals(entries(a.lookupAll("main.Map")), entries(s.lookupAll("main.Map")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pie", "cgo-pie", "arm64"})
    void fileOffsetsPointAtTheFunctionsBytes(String variant) throws IOException {
        Path bin = switch (variant) {
            case "pie" -> GoPrograms.build("symbolsdemo", "pie", List.of(), "-buildmode=pie");
            case "cgo-pie" -> GoPrograms.build("cgodemo", "cgo-pie", List.of("CGO_ENABLED=1"), "-buildmode=pie");
            default -> GoPrograms.build("symbolsdemo", "arm64", List.of("GOARCH=arm64"));
        };
        String fn = variant.startsWith("cgo") ? "main.GoAdd" : "main.Plain";
        String objdump = GoPrograms.run("go", "tool", "objdump", "-s", "^" + Pattern.quote(fn) + "$", bin.toString());
        Matcher m = Pattern.compile("\\t+0x([0-9a-f]+)\\t+([0-9a-f]+)\\t").matcher(objdump);
        assertTrue(m.find(), objdump);
        byte[] expected = HexFormat.of().parseHex(m.group(2));
        if (variant.equals("arm64")) {
            // objdump prints an arm64 instruction as one 32-bit word; the file holds it little-endian
            expected = new byte[]{expected[3], expected[2], expected[1], expected[0]};
        }
        byte[] file = Files.readAllBytes(bin);
        try (GoBinary b = GoBinary.open(bin)) {
            GoFunction f = b.lookup(fn);
            assertEquals(Long.parseLong(m.group(1), 16), f.entry());
            byte[] actual = new byte[expected.length];
            System.arraycopy(file, (int) f.fileOffset(), actual, 0, actual.length);
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual));
        }
    }

    @Test
    void patternsFindEveryMatchingFunction() {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            Pattern p = Pattern.compile("^main\\.");
            List<String> expected = b.functions().stream().map(GoFunction::name).filter(n -> p.matcher(n).find()).toList();
            List<GoFunction> found = b.find(p);
            assertEquals(expected, found.stream().map(GoFunction::name).toList());
            assertTrue(found.size() >= 8, found.toString());
            assertEquals(b.functions().stream().filter(f -> p.matcher(f.name()).find()).toList(), found);
        }
    }

    @Test
    void literalAlternativesAreRecognisedOnlyWhenMatchingMeansNameEquality() {
        Map<String, List<String>> yes = Map.of(
                "^a$", List.of("a"),
                "^(a|b)$", List.of("a", "b"),
                "^(?:os\\.Getenv|os\\.Setenv)$", List.of("os.Getenv", "os.Setenv"),
                "^(main\\.\\(\\*T\\)\\.Method|main\\.F\\.func1)$", List.of("main.(*T).Method", "main.F.func1"),
                "^(go:buildid|type:\\.eq\\.\\[2\\]int)$", List.of("go:buildid", "type:.eq.[2]int"));
        yes.forEach((p, names) -> assertEquals(names, GoBinary.literalAlternatives(Pattern.compile(p)), p));
        for (String p : List.of("^a|b$", "^(a|b)c$", "^(a)|(b)$", "^a\\$", "^a.b$", "^(a||b)$", "^(a|b)", "(a|b)$",
                "^(a|b)*$", "^\\w$", "^[ab]$", "^type:\\.eq\\.[2]int$", "^(?i:a|b)$", "^a{2}$")) {
            assertNull(GoBinary.literalAlternatives(Pattern.compile(p)), p);
        }
        assertNull(GoBinary.literalAlternatives(Pattern.compile("^(a|b)$", Pattern.CASE_INSENSITIVE)));
    }

    @Test
    void aSetOfExactNamesFindsWhatTheRegexFinds() {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            Pattern p = Pattern.compile("^(main\\.Plain|main\\.\\(\\*T\\)\\.Method|runtime\\.main|no\\.such)$");
            List<GoFunction> expected = b.functions().stream().filter(f -> p.matcher(f.name()).find()).toList();
            assertEquals(3, expected.size(), expected.toString());
            assertEquals(expected, b.find(p));
        }
        try (GoBinary b = GoBinary.open(Path.of("/usr/local/bin/terraform"))) {
            List<GoFunction> all = b.functions();
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (int i = 0; i < 1000; i++) names.add(all.get(i * (all.size() / 1000)).name());
            String alternatives = String.join("|", names.stream().map(n -> n.replaceAll("([^A-Za-z0-9_\\u0080-\\uffff])", "\\\\$1")).toList());
            Pattern p = Pattern.compile("^(" + alternatives + ")$");
            assertNotNull(GoBinary.literalAlternatives(p), "every escaped name is a literal");
            List<GoFunction> expected = all.stream().filter(f -> names.contains(f.name())).toList();
            assertTrue(expected.size() >= names.size(), expected.size() + " < " + names.size());
            assertEquals(expected, b.find(p));
        }
    }

    @Test
    void aMissNamesTheClosestCandidates() {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            SymbolNotFoundException e = assertThrows(SymbolNotFoundException.class, () -> b.lookup("main.Plian"));
            assertTrue(e.suggestions().contains("main.Plain"), e.getMessage());
            assertTrue(e.getMessage().contains(demoStatic().toString()), e.getMessage());
            SymbolNotFoundException e2 = assertThrows(SymbolNotFoundException.class, () -> b.lookup("main.(*T).Methd"));
            assertTrue(e2.suggestions().contains("main.(*T).Method"), e2.getMessage());
        }
    }

    @Test
    void functionAtFindsTheEnclosingFunction() {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            GoFunction f = b.lookup("main.Plain");
            assertEquals(f.entry(), b.functionAt(f.entry() + 1).orElseThrow().entry());
            assertTrue(b.functionAt(0x10).isEmpty());
        }
    }

    @Test
    void manyLookupsShareOneIndex() {
        try (GoBinary b = GoBinary.open(Path.of("/usr/local/bin/terraform"))) {
            List<GoFunction> all = b.functions();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 1000; i++) names.add(all.get(i * (all.size() / 1000)).name());
            b.lookup(names.getFirst());
            long t0 = System.nanoTime();
            for (String n : names) {
                GoFunction f = b.lookup(n);
                assertEquals(n, f.name());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "1,000 lookups took " + ms + " ms");
        }
    }

    @Test
    void abiFollowsVersionAndArchitecture() {
        try (GoBinary b = GoBinary.open(demoStatic())) {
            assertEquals(GoAbi.ABI_INTERNAL, b.abi());     // Go 1.19 amd64
        }
        Map<String, Path> c = GoReference.corpus();
        try (GoBinary b = GoBinary.open(c.get("esbuild-linux-64-0.11.23"))) {
            assertEquals("go1.16.3", GoReference.goVersionOf(b.path()));
            assertEquals(GoAbi.ABI0, b.abi());
        }
        try (GoBinary b = GoBinary.open(c.get("esbuild-linux-64-0.12.29"))) {
            assertEquals("go1.17.1", GoReference.goVersionOf(b.path()));
            assertEquals(GoAbi.ABI_INTERNAL, b.abi());
        }
        try (GoBinary b = GoBinary.open(c.get("esbuild-linux-x64-0.28.2"))) {
            assertTrue(b.goVersion().isEmpty());
            assertEquals(GoAbi.ABI_INTERNAL, b.abi());      // from the 1.20+ pclntab magic
        }
    }
}
