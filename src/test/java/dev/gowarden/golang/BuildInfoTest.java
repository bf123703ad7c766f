package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Build info against Go's own reader: `go version -m` prints the main package, the main module and the settings. */
class BuildInfoTest {

    /** What `go version -m` reports, or null when it finds no build info. */
    record GoView(String version, String path, String mod, Map<String, String> settings) { }

    static GoView goVersionM(Path binary) {
        String out = GoReference.run(null, "go", "version", "-m", binary.toString());
        List<String> lines = out.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().matches(".*: go1\\S*$")) return null;
        String version = lines.getFirst().substring(lines.getFirst().lastIndexOf(": ") + 2);
        String path = "";
        String mod = "";
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.substring(1).split("\t", -1);
            switch (f[0]) {
                case "path" -> path = f[1];
                case "mod" -> mod = f[1];
                case "build" -> {
                    int eq = f[1].indexOf('=');
                    settings.put(f[1].substring(0, eq), f[1].substring(eq + 1));
                }
                default -> { }
            }
        }
        return new GoView(version, path, mod, settings);
    }

    static Stream<String> binaries() {
        return Stream.concat(GoReference.corpus().keySet().stream(), Stream.of("/usr/local/bin/terraform", "/usr/local/bin/docker"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void agreesWithGoVersionM(String label) {
        Path bin = label.startsWith("/") ? Path.of(label) : GoReference.corpus(label);
        GoView go = goVersionM(bin);
        try (ElfFile elf = ElfFile.open(bin)) {
            Optional<BuildInfo> ours = BuildInfo.read(elf);
            if (go == null) {
                assertTrue(ours.isEmpty(), label + ": build info found where `go version -m` finds none");
                return;
            }
            BuildInfo b = ours.orElseThrow(() -> new AssertionError(label + ": no build info, `go version -m` finds " + go));
            assertEquals(go.version(), b.goVersion().raw(), label);
            assertEquals(go.path(), b.mainPackage(), label);
            assertEquals(go.mod(), b.mainModule(), label);
            assertEquals(go.settings(), b.settings(), label);
        }
    }

    @Test
    void nonAsciiSettingsAreDecodedAsUtf8() {
        Path bin = GoPrograms.build("symbolsdemo", "utf8-ldflags", List.of(), "-ldflags=-X main.greeting=grüße-日本");
        GoView go = goVersionM(bin);
        try (ElfFile elf = ElfFile.open(bin)) {
            BuildInfo b = BuildInfo.read(elf).orElseThrow();
            assertTrue(b.settings().get("-ldflags").contains("grüße-日本"), b.settings().toString());
            assertEquals(go.settings(), b.settings());
            assertEquals(go.path(), b.mainPackage());
        }
    }
}
