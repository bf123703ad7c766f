package dev.gowarden.disasm;

import dev.gowarden.testutil.GoPrograms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prebuilt Go binaries of many releases from the npm registry (esbuild), fetched into the build folder by scripts. */
public final class GoCorpus {
    private GoCorpus() {
    }

    /** Label (e.g. {@code esbuild-linux-64-0.5.26}) to binary, from {@code scripts/NAME DEST}; fails when the fetch fails. */
    public static Map<String, Path> fetch(String script) {
        Path dest = GoPrograms.buildDir().resolve("go-corpus");
        String out = GoPrograms.run("bash", GoPrograms.repo().resolve("scripts").resolve(script).toString(), dest.toString());
        Map<String, Path> map = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 2 && Files.isRegularFile(Path.of(parts[1]))) map.put(parts[0], Path.of(parts[1]));
        }
        if (map.isEmpty()) throw new IllegalStateException(script + " fetched nothing: " + out);
        return map;
    }

    public static Path get(String script, String label) {
        Path p = fetch(script).get(label);
        if (p == null) throw new IllegalStateException(script + " did not provide " + label);
        return p;
    }
}
