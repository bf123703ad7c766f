import dev.gowarden.abi.SignatureParser;
import dev.gowarden.bpf.BpfObject;
import dev.gowarden.bpf.BpfProgram;
import dev.gowarden.bpf.RingBuffer;
import dev.gowarden.event.CompactFormatter;
import dev.gowarden.event.EventRecord;
import dev.gowarden.event.GoCallEvent;
import dev.gowarden.event.GoValue;
import dev.gowarden.event.TracedFunction;
import dev.gowarden.event.ValueDecoder;
import dev.gowarden.event.ValuePlan;

import java.io.BufferedWriter;
import java.io.FileWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumer throughput: a BPF program run through BPF_PROG_RUN (bpf_loop) writes records in go_trace's event
 * format; one Java thread consumes, decodes (string + int) and formats each as a compact line written to
 * /dev/null. The producer works in batches that fit the ring and waits while the ring is over half full, so the
 * figure is the consumer's rate with zero drops.
 * Usage: java -cp gowarden.jar:. ConsumerBench EVENTS
 */
public class ConsumerBench {
    static long warmup(long total) {
        return Math.min(total / 5, 1_000_000);
    }

    static long drops(BpfObject obj) {
        return obj.map("counters").sumPerCpuCounter(1);
    }

    public static void main(String[] args) throws Exception {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
        int batch = 16_384;
        var sig = SignatureParser.parse("main.f(s string, n int)");
        ValuePlan s = new ValuePlan("s", sig.params().get(0).type(),
                List.of(new ValuePlan.PlacedWord(0, 8, 0), new ValuePlan.PlacedWord(8, 8, 1)), Map.of(0L, 0), Map.of());
        ValuePlan n = new ValuePlan("n", sig.params().get(1).type(), List.of(new ValuePlan.PlacedWord(0, 8, 2)), Map.of(), Map.of());
        TracedFunction fn = new TracedFunction(0, Path.of("/bench/bin"), "main.f", TracedFunction.Kind.ENTRY, List.of(s, n));
        ValueDecoder[] decoders = {ValueDecoder.compile(s), ValueDecoder.compile(n)};
        CompactFormatter fmt = new CompactFormatter(ZoneId.systemDefault());
        try (BpfObject obj = BpfObject.fromResource("ringbuf_bench").maxEntries("ring", 16 << 20).onlyLoad("produce_events").load();
             RingBuffer ring = new RingBuffer(obj.map("ring"));
             BufferedWriter out = new BufferedWriter(new FileWriter("/dev/null"), 1 << 16)) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment st = a.allocate(16, 8);
                st.set(ValueLayout.JAVA_LONG, 0, batch);
                obj.map("settings").updateInt(0, st);
            }
            BpfProgram producer = obj.program("produce_events");
            AtomicLong consumed = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong producedTotal = new AtomicLong(Long.MAX_VALUE);
            EventRecord view = new EventRecord();
            StringBuilder line = new StringBuilder(256);
            Thread consumer = Thread.ofPlatform().name("consumer").start(() -> {
                try {
                    while (!done.get() || consumed.get() + drops(obj) < producedTotal.get()) {
                        ring.poll(10, rec -> {
                            view.wrap(rec);
                            List<GoValue> values = new ArrayList<>(2);
                            for (ValueDecoder d : decoders) values.add(d.decode(view));
                            GoCallEvent e = new GoCallEvent(view.ktimeNs(), view.tgid(), view.tid(), view.goid(), view.comm(), fn, values);
                            line.setLength(0);
                            fmt.format(e, "/bench/bin", line);
                            line.append('\n');
                            try {
                                out.append(line);
                            } catch (java.io.IOException ex) {
                                throw new java.io.UncheckedIOException(ex);
                            }
                            consumed.incrementAndGet();
                        });
                    }
                } catch (Throwable t) {
                    t.printStackTrace();
                }
            });
            // warm-up, then the timed part
            long produced = 0;
            long t0 = 0;
            long timedFrom = 0;
            long warm = warmup(total);
            while (produced < total + warm) {
                if (t0 == 0 && produced >= warm) {
                    while (consumed.get() + drops(obj) < produced) Thread.onSpinWait();
                    t0 = System.nanoTime();
                    timedFrom = produced;
                }
                while (produced - consumed.get() > (long) batch * 4) Thread.onSpinWait(); // 64K records of 120 bytes: under half the 16 MiB ring
                producer.testRun(new long[0], 0);
                produced += batch;
            }
            producedTotal.set(produced);
            done.set(true);
            while (consumed.get() + drops(obj) < produced) Thread.onSpinWait();
            long el = System.nanoTime() - t0;
            long timed = produced - timedFrom;
            consumer.join();
            long drops = obj.map("counters").sumPerCpuCounter(1);
            System.out.printf("events=%d seconds=%.3f events_per_second=%.0f drops=%d%n", timed, el / 1e9, timed / (el / 1e9), drops);
        }
    }
}
