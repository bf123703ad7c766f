package dev.gowarden.bpf;

import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A BPF producer (bpf_loop through BPF_PROG_RUN) writes pattern records into a small ring faster than a
 * deliberately slow Java consumer reads them: every record must be either read intact, in order, or counted as
 * dropped by the producer; none may be torn or lost silently.
 */
class RingBufferStressTest {
    private static final long RUNS = 20;
    private static final long PER_RUN = 50_000;

    @BeforeAll
    static void privileges() {
        Privileges.requireRootAndBpf();
    }

    static void setProduction(BpfObject obj, long count, long firstSeq) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(16, 8);
            s.set(ValueLayout.JAVA_LONG, 0, count);
            s.set(ValueLayout.JAVA_LONG, 8, firstSeq);
            obj.map("settings").updateInt(0, s);
        }
    }

    /** Checks one pattern record; returns a description of what is wrong, or null. */
    static String verify(MemorySegment r, long lastSeq) {
        if (r.byteSize() < 16 || r.byteSize() % 8 != 0) return "bad size " + r.byteSize();
        long seq = r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        long n = r.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
        long expectedN = switch ((int) (seq & 3)) {
            case 0 -> 2;
            case 1 -> 5;
            case 2 -> 9;
            default -> 31;
        };
        if (n != expectedN || r.byteSize() != n * 8) return "seq " + seq + ": size class " + n + ", " + r.byteSize() + " bytes";
        if (seq <= lastSeq) return "seq " + seq + " after " + lastSeq + ": out of order";
        for (int j = 2; j < n; j++) {
            long w = r.get(ValueLayout.JAVA_LONG_UNALIGNED, 8L * j);
            if (w != seq * 0x9E3779B97F4A7C15L + j) return "seq " + seq + ": word " + j + " torn";
        }
        return null;
    }

    @Test
    void slowConsumerSeesDropsCountedAndNoTornRecord() throws Exception {
        try (BpfObject obj = BpfObject.fromResource("ringbuf_bench").maxEntries("ring", 64 * 1024).onlyLoad("produce_pattern").load();
             RingBuffer ring = new RingBuffer(obj.map("ring"))) {
            BpfProgram producer = obj.program("produce_pattern");
            AtomicLong read = new AtomicLong();
            AtomicLong lastSeq = new AtomicLong(-1);
            AtomicReference<String> problem = new AtomicReference<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread consumer = Thread.ofPlatform().start(() -> {
                while (producing.get() || read.get() + obj.map("counters").sumPerCpuCounter(1) < RUNS * PER_RUN) {
                    ring.poll(20, r -> {
                        String p = verify(r, lastSeq.get());
                        if (p != null && problem.get() == null) problem.set(p);
                        lastSeq.set(r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                        if (read.incrementAndGet() % 64 == 0) {
                            // the slow consumer: lets the producer overrun the 64 KiB ring
                            try {
                                Thread.sleep(0, 200_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
                    if (!producing.get() && ring.consume(r -> { }) == 0 && read.get() + obj.map("counters").sumPerCpuCounter(1) >= RUNS * PER_RUN) break;
                }
            });
            for (long run = 0; run < RUNS; run++) {
                setProduction(obj, PER_RUN, run * PER_RUN);
                producer.testRun(new long[0], 0);
            }
            producing.set(false);
            consumer.join(TimeUnit.SECONDS.toMillis(30));
            if (consumer.isAlive()) {
                producing.set(false);
                consumer.interrupt();
                consumer.join(TimeUnit.SECONDS.toMillis(5));
            }
            assertTrue(!consumer.isAlive(), "consumer did not finish: read=" + read.get() + " emitted="
                    + obj.map("counters").sumPerCpuCounter(0) + " dropped=" + obj.map("counters").sumPerCpuCounter(1));
            assertNull(problem.get(), "torn or out-of-order record");
            long emitted = obj.map("counters").sumPerCpuCounter(0);
            long dropped = obj.map("counters").sumPerCpuCounter(1);
            assertEquals(RUNS * PER_RUN, emitted + dropped, "every production attempt is either emitted or counted dropped");
            assertEquals(emitted, read.get(), "every emitted record is read");
            assertEquals(emitted, ring.recordsRead());
            assertTrue(dropped > 0, "the slow consumer must have let the ring overflow (dropped=" + dropped + ")");
        }
    }

    @Test
    void fastConsumerReadsEverythingAcrossWrapAround() throws Exception {
        try (BpfObject obj = BpfObject.fromResource("ringbuf_bench").maxEntries("ring", 1 << 20).onlyLoad("produce_pattern").load();
             RingBuffer ring = new RingBuffer(obj.map("ring"))) {
            long total = 0;
            long last = -1;
            // Each run fills under half the ring; the consumer empties it between runs, so positions wrap many times.
            for (long run = 0; run < 40; run++) {
                setProduction(obj, 5_000, run * 5_000);
                obj.program("produce_pattern").testRun(new long[0], 0);
                long[] lastSeq = {last};
                String[] problem = {null};
                total += ring.consume(r -> {
                    String p = verify(r, lastSeq[0]);
                    if (p != null && problem[0] == null) problem[0] = p;
                    lastSeq[0] = r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                });
                assertNull(problem[0]);
                last = lastSeq[0];
            }
            assertEquals(200_000, total);
            assertEquals(0, obj.map("counters").sumPerCpuCounter(1));
            assertEquals(199_999, last);
        }
    }
}
