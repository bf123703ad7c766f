package dev.gowarden.cli;

import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.KernelFs;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks made before any kernel work, so that a missing privilege or file system gets one clear message. */
final class Preflight {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private Preflight() {
    }

    /** Fails unless this process may load BPF programs and open uprobes (CAP_BPF + CAP_PERFMON, or CAP_SYS_ADMIN). */
    static void requireBpfPrivileges() {
        BigInteger caps;
        try {
            caps = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapEff:"))
                    .map(l -> new BigInteger(l.substring(7).trim(), 16)).findFirst().orElse(BigInteger.ZERO);
        } catch (IOException e) {
            caps = BigInteger.ZERO;
        }
        checkCapabilities(caps);
    }

    /** The rule itself, on an effective capability set as /proc/self/status shows it. */
    static void checkCapabilities(BigInteger caps) {
        boolean ok = caps.testBit(CAP_SYS_ADMIN) || (caps.testBit(CAP_BPF) && caps.testBit(CAP_PERFMON));
        if (!ok) {
            throw new BpfException("tracing needs root, or the capabilities CAP_BPF and CAP_PERFMON (effective set is 0x"
                    + caps.toString(16) + "); run with sudo");
        }
    }

    /** Mounts bpffs at /sys/fs/bpf when it is not mounted (pins and the agent need it). */
    static void ensureBpffs() {
        Path bpffs = Path.of("/sys/fs/bpf");
        if (!KernelFs.isMounted(bpffs)) KernelFs.mount("bpf", bpffs, "bpffs");
    }
}
