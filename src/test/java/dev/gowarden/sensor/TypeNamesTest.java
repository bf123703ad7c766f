package dev.gowarden.sensor;

import dev.gowarden.disasm.GoCorpus;
import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.Section;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.TypeNames;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Type names read from the binary against Go's own reflect: the typenames program prints, for values of many kinds,
 * the address of the dynamic type's descriptor and reflect.TypeOf(v).String(); a PIE build is read through the load
 * bias of the running process. No kernel needed.
 */
class TypeNamesTest {
    @ParameterizedTest
    @CsvSource({"plain, -ldflags=", "stripped, -ldflags=-s -w", "pie-stripped, -buildmode=pie;-ldflags=-s -w"})  // go build flags, ;-separated
    void namesEqualReflectsNames(String variant, String flags) throws Exception {
        Path bin = GoPrograms.build("typenames", variant, List.of(), flags.split(";"));
        Process p = new ProcessBuilder(bin.toString()).redirectErrorStream(true).start();
        try (GoBinary b = GoBinary.open(bin)) {
            TypeNames names = b.typeNames().orElseThrow(() -> new AssertionError(variant + ": no type names"));
            List<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).lines().limit(18).toList();
            assertEquals(18, lines.size(), lines.toString());
            OptionalLong bias = LoadBias.of((int) p.pid(), bin.toRealPath(), b.elf());
            assertTrue(bias.isPresent(), variant + ": the binary is not in /proc/PID/maps");
            assertEquals(variant.startsWith("pie"), bias.getAsLong() != 0, variant + ": bias 0x" + Long.toHexString(bias.getAsLong()));
            for (String line : lines) {
                long address = Long.parseUnsignedLong(line.substring(2, line.indexOf(' ')), 16);
                String reflect = line.substring(line.indexOf(' ') + 1);
                assertEquals(Optional.of(reflect), names.nameOf(address - bias.getAsLong()), variant + ": " + line);
            }
            assertEquals(Optional.empty(), names.nameOf(b.pclntab().address()), "not a type descriptor");
        } finally {
            try (OutputStream in = p.getOutputStream()) {
                in.write('\n');
            }
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** Every entry of .typelink (int32 offsets from types) names a type: the moduledata layout is right for the release. */
    @ParameterizedTest
    @ValueSource(strings = {"esbuild-linux-64-0.11.23", "esbuild-linux-64-0.12.29", "esbuild-linux-64-0.14.54", "esbuild-linux-x64-0.19.0",
            "esbuild-linux-x64-0.24.0", "esbuild-linux-x64-0.28.2", "esbuild-linux-arm64-0.13.15", "esbuild-linux-arm64-0.24.0"})
    void everyTypelinkOfOtherReleasesHasAName(String label) {
        typelinksAllNamed(GoCorpus.get("fetch-go-corpus.sh", label));
    }

    @Test
    void everyTypelinkOfBigStrippedBinariesHasAName() {
        typelinksAllNamed(Path.of("/usr/local/bin/terraform"));
    }

    private static void typelinksAllNamed(Path bin) {
        try (GoBinary b = GoBinary.open(bin)) {
            TypeNames names = b.typeNames().orElseThrow(() -> new AssertionError(bin + ": no type names"));
            ElfFile elf = b.elf();
            Section links = elf.section(".typelink").or(() -> elf.section(".data.rel.ro.typelink"))
                    .orElseThrow(() -> new AssertionError(bin + ": no .typelink section"));
            int n = (int) (links.size() / 4);
            assertTrue(n > 100, bin + ": " + n + " typelinks");
            for (int i = 0; i < n; i++) {
                long descriptor = names.typesStart() + (int) elf.u32(links.offset() + 4L * i);
                Optional<String> name = names.nameOf(descriptor);
                assertTrue(name.isPresent() && !name.get().isBlank(), bin + ": typelink " + i + " at 0x" + Long.toHexString(descriptor));
            }
        }
    }
}
