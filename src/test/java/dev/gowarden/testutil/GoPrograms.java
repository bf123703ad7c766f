package dev.gowarden.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds the Go test programs under src/test/go with the machine's Go toolchain, once per build folder. */
public final class GoPrograms {
    private GoPrograms() {
    }

    public static Path repo() {
        return Path.of(System.getProperty("gowarden.repo", ".")).toAbsolutePath();
    }

    public static Path buildDir() {
        return Path.of(System.getProperty("gowarden.buildDir", repo().resolve("target").toString())).toAbsolutePath();
    }

    /** Builds src/test/go/NAME into the build folder with extra {@code go build} flags and environment (KEY=VALUE). */
    public static synchronized Path build(String name, String variant, List<String> env, String... flags) {
        Path src = repo().resolve("src/test/go").resolve(name);
        Path out = buildDir().resolve("go-bin").resolve(name + (variant.isEmpty() ? "" : "-" + variant));
        try {
            if (Files.exists(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src.resolve("main.go"))) > 0) {
                return out;
            }
            Files.createDirectories(out.getParent());
            List<String> cmd = new ArrayList<>(List.of("go", "build", "-o", out.toString()));
            cmd.addAll(List.of(flags));
            cmd.add("./main.go");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(src.toFile()).redirectErrorStream(true);
            pb.environment().put("GOCACHE", buildDir().resolve("go-cache").toString());
            pb.environment().put("GO111MODULE", "off");
            pb.environment().putIfAbsent("CGO_ENABLED", "0");
            for (String kv : env) {
                int eq = kv.indexOf('=');
                pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Process p = pb.start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("go build of " + name + " failed: " + log);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("go build of " + name + " failed (is golang-go installed?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Path build(String name) {
        return build(name, "", List.of());
    }

    /** Runs a command and returns its stdout; fails the test on a non-zero exit. */
    public static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
