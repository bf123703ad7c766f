package dev.gowarden.bpf;

import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Map operations through bpf(2) on the real kernel: create, update flags, lookup, delete, iterate, pin. */
class BpfMapTest {
    @BeforeAll
    static void privileges() {
        Privileges.requireRootAndBpf();
    }

    @Test
    void hashMapOperationsAndIteration() {
        try (BpfMap m = BpfMap.create("gw_test_hash", BpfMap.HASH, 4, 8, 64); Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(4);
            MemorySegment value = a.allocate(8);
            for (int i = 1; i <= 10; i++) {
                key.set(ValueLayout.JAVA_INT, 0, i);
                value.set(ValueLayout.JAVA_LONG, 0, i * 100L);
                m.update(key, value, BpfMap.NOEXIST);
            }
            key.set(ValueLayout.JAVA_INT, 0, 3);
            BpfException dup = assertThrows(BpfException.class, () -> m.update(key, value, BpfMap.NOEXIST));
            assertEquals(Errno.EEXIST, dup.errno());
            assertTrue(m.lookup(key, value));
            assertEquals(300L, value.get(ValueLayout.JAVA_LONG, 0));
            assertTrue(m.delete(key));
            assertFalse(m.delete(key));
            assertFalse(m.lookup(key, value));
            key.set(ValueLayout.JAVA_INT, 0, 99);
            assertEquals(Errno.ENOENT, assertThrows(BpfException.class, () -> m.update(key, value, BpfMap.EXIST)).errno());

            Set<Integer> seen = new HashSet<>();
            MemorySegment cur = a.allocate(4);
            MemorySegment next = a.allocate(4);
            boolean more = m.nextKey(null, next);
            while (more) {
                seen.add(next.get(ValueLayout.JAVA_INT, 0));
                MemorySegment.copy(next, 0, cur, 0, 4);
                more = m.nextKey(cur, next);
            }
            assertEquals(Set.of(1, 2, 4, 5, 6, 7, 8, 9, 10), seen);
        }
    }

    @Test
    void pinAndUnpin() {
        Path pin = Path.of("/sys/fs/bpf/gowarden_test_" + ProcessHandle.current().pid());
        try (BpfMap m = BpfMap.create("gw_test_arr", BpfMap.ARRAY, 4, 4, 4)) {
            m.pin(pin);
            assertTrue(Files.exists(pin), "pinned in bpffs");
        } finally {
            BpfMap.unpin(pin);
        }
        assertFalse(Files.exists(pin));
        BpfException e = assertThrows(BpfException.class, () -> {
            try (BpfMap m = BpfMap.create("gw_test_arr", BpfMap.ARRAY, 4, 4, 4)) {
                m.pin(Path.of("/nonexistent-dir/x"));
            }
        });
        assertTrue(e.getMessage().contains("bpffs"), e.getMessage());
    }

    @Test
    void possibleCpusParsing() {
        assertEquals(4, Cpus.parse("0-3\n"));
        assertEquals(12, Cpus.parse("0-3,8-11"));
        assertEquals(1, Cpus.parse("0"));
    }
}
