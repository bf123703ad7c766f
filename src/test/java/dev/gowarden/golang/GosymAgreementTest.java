package dev.gowarden.golang;

import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The correctness bar: gowarden's function list (name, entry) equals what Go's own debug/gosym reports, for every
 * kind of build the local Go makes (static, stripped, PIE, cgo, cgo+PIE, arm64) and for binaries of other Go
 * releases (1.14 to 1.26, fetched from npm) and the machine's docker and terraform.
 */
class GosymAgreementTest {
    static Stream<Arguments> localBuilds() {
        List<String> cgo = List.of("CGO_ENABLED=1");
        List<String> arm = List.of("GOARCH=arm64");
        return Stream.of(
                Arguments.of("symbolsdemo", "static", List.of(), new String[]{}),
                Arguments.of("symbolsdemo", "stripped", List.of(), new String[]{"-ldflags=-s -w"}),
                Arguments.of("symbolsdemo", "pie", List.of(), new String[]{"-buildmode=pie"}),
                Arguments.of("symbolsdemo", "pie-stripped", List.of(), new String[]{"-buildmode=pie", "-ldflags=-s -w"}),
                Arguments.of("cgodemo", "cgo", cgo, new String[]{}),
                Arguments.of("cgodemo", "cgo-stripped", cgo, new String[]{"-ldflags=-s -w"}),
                Arguments.of("cgodemo", "cgo-pie", cgo, new String[]{"-buildmode=pie"}),
                Arguments.of("cgodemo", "cgo-pie-stripped", cgo, new String[]{"-buildmode=pie", "-ldflags=-s -w"}),
                Arguments.of("symbolsdemo", "arm64", arm, new String[]{}),
                Arguments.of("symbolsdemo", "arm64-stripped", arm, new String[]{"-ldflags=-s -w"}),
                Arguments.of("symbolsdemo", "arm64-pie", arm, new String[]{"-buildmode=pie"}));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("localBuilds")
    void localBuildMatchesGosym(String program, String variant, List<String> env, String[] flags) {
        Path bin = GoPrograms.build(program, variant, env, flags);
        GoReference.Dump ref = GoReference.gosym(bin);
        try (GoBinary b = GoBinary.open(bin)) {
            GoReference.assertSameFunctions(bin, ref, GoReference.ours(b));
            assertTrue(b.functionCount() > 1000, "a Go 1.19 program has over 1,000 functions");
            assertEquals(variant.contains("stripped"), b.stripped());
            assertEquals(variant.startsWith("arm64") ? "arm64" : "amd64", b.architecture());
            assertEquals(GoReference.goVersionOf(bin), b.goVersion().orElseThrow().raw());
        }
    }

    static Stream<String> corpusLabels() {
        return GoReference.corpus().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusLabels")
    void otherGoReleasesMatchGosym(String label) {
        Path bin = GoReference.corpus(label);
        GoReference.Dump ref = GoReference.gosym(bin);
        try (GoBinary b = GoBinary.open(bin)) {
            GoReference.assertSameFunctions(bin, ref, GoReference.ours(b));
            String goVersion = GoReference.goVersionOf(bin);
            if (goVersion == null) {
                // esbuild 0.27+ ships without build info: Go's own tool cannot tell the version either
                assertTrue(b.buildInfo().isEmpty(), label + ": build info found where `go version` finds none");
                assertEquals(Pclntab.Format.GO120, b.pclntab().format());
            } else {
                assertEquals(goVersion, b.goVersion().orElseThrow().raw(), label);
            }
            assertEquals(label.contains("arm64") ? "arm64" : "amd64", b.architecture());
        }
    }

    @Test
    void corpusCoversEveryPclntabFormatAndGo126() {
        int go12 = 0, go116 = 0, go118 = 0, go120 = 0, headerZero = 0;
        for (Path bin : GoReference.corpus().values()) {
            try (GoBinary b = GoBinary.open(bin)) {
                switch (b.pclntab().format()) {
                    case GO12 -> go12++;
                    case GO116 -> go116++;
                    case GO118 -> go118++;
                    case GO120 -> go120++;
                }
                if (b.pclntab().format() == Pclntab.Format.GO120 && b.pclntab().headerTextStart() == 0) {
                    headerZero++;
                    // Go 1.26: the header says 0, only moduledata knows the text start of a stripped binary
                    assertEquals(Pclntab.TextStartSource.MODULEDATA, b.pclntab().textStartSource());
                }
            }
        }
        assertTrue(go12 >= 2 && go116 >= 2 && go118 >= 1 && go120 >= 4, go12 + " " + go116 + " " + go118 + " " + go120);
        assertTrue(headerZero >= 1, "no Go 1.26 binary (header textStart 0) in the corpus");
    }

    @Test
    void terraformMatchesGosym() {
        Path bin = Path.of("/usr/local/bin/terraform");
        GoReference.Dump ref = GoReference.gosym(bin);
        try (GoBinary b = GoBinary.open(bin)) {
            GoReference.assertSameFunctions(bin, ref, GoReference.ours(b));
            assertTrue(b.stripped());
            assertTrue(b.functionCount() > 100_000, "terraform has about 102,000 functions: " + b.functionCount());
            assertEquals(GoReference.goVersionOf(bin), b.goVersion().orElseThrow().raw());
            // a fixed-address executable: the header's textStart is taken, and moduledata (the source for PIE and
            // Go 1.26) agrees with it
            assertEquals(Pclntab.TextStartSource.HEADER, b.pclntab().textStartSource());
            assertEquals(java.util.Optional.of(b.pclntab().textStart()), ModuleData.textFor(b.elf(), b.pclntab()));
        }
    }

    @Test
    void dockerMatchesGosym() {
        Path bin = Path.of("/usr/local/bin/docker");
        GoReference.Dump ref = GoReference.gosym(bin);
        try (GoBinary b = GoBinary.open(bin)) {
            GoReference.assertSameFunctions(bin, ref, GoReference.ours(b));
            assertFalse(b.stripped());
            // no .gopclntab section: the table sits inside .data.rel.ro and is found through its symbol
            assertTrue(b.elf().section(".gopclntab").isEmpty());
            assertEquals("symbol runtime.pclntab", b.pclntab().foundBy());
            assertEquals(Pclntab.TextStartSource.RUNTIME_TEXT_SYMBOL, b.pclntab().textStartSource());
            assertEquals(GoReference.goVersionOf(bin), b.goVersion().orElseThrow().raw());
        }
    }
}
