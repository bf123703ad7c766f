package dev.gowarden.event;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A view of one ring-buffer record written by go_trace.bpf.c: an 80-byte header (ktime, tgid, tid, goid,
 * probe id, word and copy counts, comm, call duration, probed address and site, failed-word bits, the selector
 * that matched and its actions), the captured words, then each copy as a 16-byte header (len,
 * full_len, status) and its bytes padded to 8. Valid only while the ring buffer callback runs.
 */
public final class EventRecord {
    public static final int HEADER_SIZE = 80;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    private MemorySegment seg;
    private final long[] copyOffsets = new long[16];
    private int copyCount;
    private long loadBias;

    /** Points this view at a record; returns false when the record is too short to be one of ours. */
    public boolean wrap(MemorySegment record) {
        this.seg = record;
        if (record.byteSize() < HEADER_SIZE) return false;
        int nwords = wordCount();
        int ncopies = Math.min(copyCountRaw(), copyOffsets.length);
        long off = HEADER_SIZE + 8L * nwords;
        if (off > record.byteSize()) return false;
        for (int i = 0; i < ncopies; i++) {
            if (off + 16 > record.byteSize()) return false;
            copyOffsets[i] = off;
            long len = Integer.toUnsignedLong(record.get(U32, off));
            off += 16 + ((len + 7) & ~7L);
        }
        if (off > record.byteSize()) return false;
        copyCount = ncopies;
        return true;
    }

    public long ktimeNs() {
        return seg.get(U64, 0);
    }

    public int tgid() {
        return seg.get(U32, 8);
    }

    public int tid() {
        return seg.get(U32, 12);
    }

    public long goid() {
        return seg.get(U64, 16);
    }

    public int probeId() {
        return seg.get(U32, 24);
    }

    public int wordCount() {
        return Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, 28));
    }

    private int copyCountRaw() {
        return Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, 30));
    }

    public int copyCount() {
        return copyCount;
    }

    public String comm() {
        int n = 0;
        while (n < 16 && seg.get(ValueLayout.JAVA_BYTE, 32 + n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 32, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** For a return probe of a timed call: nanoseconds since its entry; 0 when unknown (no entry seen). */
    public long durationNs() {
        return seg.get(U64, 48);
    }

    /** The run-time address the probe fired at. */
    public long ip() {
        return seg.get(U64, 56);
    }

    /** Which of the probe's addresses fired (0 for an entry probe; the RET's index for a return probe). */
    public int site() {
        return seg.get(U32, 64);
    }

    /** Bit i set: word i was to be read through a pointer that could not be read. */
    public int failedWords() {
        return seg.get(U32, 68);
    }

    public boolean wordFailed(int i) {
        return i < 32 && (failedWords() >>> i & 1) != 0;
    }

    /** Index of the policy selector that matched (0 without selectors). */
    public int selector() {
        return Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, 72));
    }

    /** The matched selector's action bits (1 = post when the probe has no selectors). */
    public int actions() {
        return Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, 74));
    }

    /** Run-time minus link-time addresses in the process, set by the sensor before values are decoded. */
    public long loadBias() {
        return loadBias;
    }

    public void loadBias(long bias) {
        this.loadBias = bias;
    }

    public long word(int i) {
        return seg.get(U64, HEADER_SIZE + 8L * i);
    }

    /** Bytes captured by copy i. */
    public int copyLength(int i) {
        return seg.get(U32, copyOffsets[i]);
    }

    /** The length the value really had (the capture may be shorter). */
    public long copyFullLength(int i) {
        return Integer.toUnsignedLong(seg.get(U32, copyOffsets[i] + 4));
    }

    /** 0, or the negative errno of the failed read. */
    public int copyStatus(int i) {
        return seg.get(U32, copyOffsets[i] + 8);
    }

    public byte[] copyBytes(int i) {
        int len = copyLength(i);
        byte[] b = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, copyOffsets[i] + 16, b, 0, len);
        return b;
    }

    public String copyString(int i) {
        byte[] b = copyBytes(i);
        return Utf8.decode(b, 0, b.length);
    }
}
