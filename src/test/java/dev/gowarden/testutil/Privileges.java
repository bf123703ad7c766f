package dev.gowarden.testutil;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/** Kernel tests need root: they fail (never skip) when the machine cannot run them, naming what is missing. */
public final class Privileges {
    private Privileges() {
    }

    public static void requireRootAndBpf() {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            BigInteger caps = status.lines().filter(l -> l.startsWith("CapEff:")).map(l -> new BigInteger(l.substring(7).trim(), 16))
                    .findFirst().orElse(BigInteger.ZERO);
            if (!caps.testBit(21) && !(caps.testBit(39) && caps.testBit(38))) {
                fail("this test loads BPF programs: run the suite as root (CapEff=" + caps.toString(16) + ")");
            }
        } catch (IOException e) {
            fail("cannot read /proc/self/status: " + e);
        }
        if (!Files.isDirectory(Path.of("/sys/kernel/btf"))) fail("kernel BTF (/sys/kernel/btf/vmlinux) is missing");
    }
}
