package dev.gowarden.cli;

import dev.gowarden.bpf.BpfException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreflightTest {
    private static BigInteger bits(int... caps) {
        BigInteger b = BigInteger.ZERO;
        for (int c : caps) b = b.setBit(c);
        return b;
    }

    @Test
    void needsSysAdminOrBothBpfAndPerfmon() {
        assertDoesNotThrow(() -> Preflight.checkCapabilities(bits(21)));
        assertDoesNotThrow(() -> Preflight.checkCapabilities(bits(38, 39)));
        BpfException e = assertThrows(BpfException.class, () -> Preflight.checkCapabilities(bits(39)));
        assertTrue(e.getMessage().contains("CAP_BPF and CAP_PERFMON") && e.getMessage().contains("sudo"), e.getMessage());
        assertThrows(BpfException.class, () -> Preflight.checkCapabilities(BigInteger.ZERO));
    }
}
