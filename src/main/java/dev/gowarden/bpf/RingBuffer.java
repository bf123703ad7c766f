package dev.gowarden.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pure-Java consumer of a BPF ring buffer map, following the kernel's protocol:
 * the consumer position page is mapped read-write, the producer page and the data area read-only, with the data
 * area mapped twice back to back so a record that wraps is still contiguous. Each record starts with an 8-byte
 * header: length (bit 31 = busy, bit 30 = discard) and page offset; records are padded to 8 bytes. The producer
 * position and headers are read with acquire semantics, the consumer position is published with release.
 * Single consumer: call {@link #poll} from one thread.
 */
public final class RingBuffer implements AutoCloseable {
    /** Receives each committed record; the segment is valid only during the call. */
    @FunctionalInterface
    public interface RecordHandler {
        void onRecord(MemorySegment record);
    }

    private static final int BUSY = 0x80000000;
    private static final int DISCARD = 0x40000000;
    private static final int HEADER = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Native libc = Native.libc();
    private final BpfMap map;
    private final long dataSize;
    private final long mask;
    private final MemorySegment consumerPage;
    private final MemorySegment producerArea;
    private final MemorySegment data;
    private final int epollFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment epollEvents;
    private final MemorySegment callState;
    private final LongAdder read = new LongAdder();
    private final LongAdder discarded = new LongAdder();
    private boolean closed;

    public RingBuffer(BpfMap map) {
        if (map.type() != BpfMap.RINGBUF) {
            throw new IllegalArgumentException("map " + map.name() + " is not a ring buffer (type " + map.type() + ")");
        }
        this.map = map;
        this.dataSize = Integer.toUnsignedLong(map.maxEntries());
        this.mask = dataSize - 1;
        long page = libc.pageSize();
        MemorySegment cons = null;
        MemorySegment prod = null;
        int ep = -1;
        try {
            cons = libc.mmap(page, 0x1 | 0x2 /* PROT_READ|PROT_WRITE */, 0x1 /* MAP_SHARED */, map.fd(), 0, "ring buffer consumer page")
                    .reinterpret(page);
            prod = libc.mmap(page + 2 * dataSize, 0x1, 0x1, map.fd(), page, "ring buffer producer page and data")
                    .reinterpret(page + 2 * dataSize);
            Native.Result r = libc.epollCreate();
            if (r.failed()) throw new BpfException("epoll_create1 failed", r.errno());
            ep = (int) r.value();
            Native.Result add = libc.epollAdd(ep, map.fd(), 0x1 /* EPOLLIN */, 0);
            if (add.failed()) throw new BpfException("epoll_ctl on ring buffer " + map.name() + " failed", add.errno());
        } catch (RuntimeException e) {
            if (cons != null) libc.munmap(cons, page);
            if (prod != null) libc.munmap(prod, page + 2 * dataSize);
            libc.close(ep);
            arena.close();
            throw e;
        }
        // The mappings belong to the shared arena: closing it unmaps them, and a poll racing with close gets an
        // IllegalStateException instead of touching unmapped memory.
        long prodLen = page + 2 * dataSize;
        this.consumerPage = cons.reinterpret(page, arena, seg -> Native.libc().munmap(seg, page));
        this.producerArea = prod.reinterpret(prodLen, arena, seg -> Native.libc().munmap(seg, prodLen));
        this.data = producerArea.asSlice(page, 2 * dataSize);
        this.epollFd = ep;
        this.epollEvents = arena.allocate(16 * 4, 8);
        this.callState = libc.allocateCallState(arena);
    }

    /**
     * Consumes every committed record, then waits up to {@code timeoutMs} for the kernel's wake-up if none was
     * ready. Returns the number of records handed to {@code handler}.
     */
    public int poll(int timeoutMs, RecordHandler handler) {
        int n = consume(handler);
        if (n > 0 || timeoutMs == 0) return n;
        libc.epollWait(epollFd, epollEvents, 4, timeoutMs, callState);
        return consume(handler);
    }

    /** Consumes what is committed now, without waiting. */
    public int consume(RecordHandler handler) {
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        int count = 0;
        while (true) {
            long prod = (long) LONG.getAcquire(producerArea, 0L);
            if (cons >= prod) break;
            while (cons < prod) {
                long at = cons & mask;
                int len = (int) INT.getAcquire(data, at);
                if ((len & BUSY) != 0) {
                    // The producer reserved but has not committed: stop here, never read a torn record.
                    LONG.setRelease(consumerPage, 0L, cons);
                    return count;
                }
                int size = len & ~(BUSY | DISCARD);
                long total = (size + HEADER + 7) & ~7L;
                if ((len & DISCARD) == 0) {
                    handler.onRecord(data.asSlice(at + HEADER, size));
                    read.increment();
                    count++;
                } else {
                    discarded.increment();
                }
                cons += total;
                LONG.setRelease(consumerPage, 0L, cons);
            }
        }
        return count;
    }

    /** Records handed to handlers so far. */
    public long recordsRead() {
        return read.sum();
    }

    /** Records the producer reserved and then discarded. */
    public long recordsDiscarded() {
        return discarded.sum();
    }

    /** Bytes of the data area (a power of two). */
    public long capacity() {
        return dataSize;
    }

    public BpfMap map() {
        return map;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            arena.close();
        } finally {
            libc.close(epollFd);
        }
    }
}
