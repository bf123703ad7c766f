package dev.gowarden.disasm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * Linear sweeps over one function's code. Sweeping is sound for Go text: the compiler puts no data between
 * instructions (amd64 pads with INT3, arm64 with zero words, both decode as traps); the rare assembly function
 * that embeds bytes is detected by its branches and handled by following control flow instead.
 */
public final class Sweep {
    private Sweep() {
    }

    /**
     * Addresses of every RET; {@code code} holds exactly the function's bytes, starting at {@code entry}.
     * The linear sweep is checked against the function's own direct branches: a branch into the middle of a swept
     * instruction means data sits in the code (crypto/internal/boring/sig jumps over a magic byte string), and then
     * only code reachable from the entry by direct control flow is trusted, so no probe lands in data.
     */
    public static List<Long> amd64Returns(MemorySegment code, long entry, String what) {
        ByteBuffer x86 = X86Decoder.view(code);
        long size = code.byteSize();
        List<Long> rets = new ArrayList<>(4);
        List<Long> targets = new ArrayList<>();
        BitSet starts = new BitSet((int) Math.min(size, Integer.MAX_VALUE));
        long invalidAt = -1;
        long pos = 0;
        while (pos < size) {
            X86Instruction in = X86Decoder.decode(x86, pos, entry + pos);
            starts.set((int) pos);
            switch (in.flow()) {
                case INVALID -> {
                    if (invalidAt < 0) invalidAt = pos;
                }
                case RET -> rets.add(entry + pos);
                case JUMP, COND_JUMP -> {
                    long t = in.target() - entry;
                    if (t >= 0 && t < size) targets.add(t);
                }
                default -> {
                }
            }
            pos += in.length();
        }
        List<Long> misaligned = new ArrayList<>();
        for (long t : targets) {
            if (!starts.get((int) t)) misaligned.add(t);
        }
        if (misaligned.isEmpty()) {
            if (invalidAt >= 0) throw invalid(code, entry, invalidAt, what);
            return rets;
        }
        return amd64ReachableReturns(code, entry, misaligned, what);
    }

    /** RETs reachable from the entry (and the given offsets) through fall-through and direct branches. */
    private static List<Long> amd64ReachableReturns(MemorySegment code, long entry, List<Long> extraStarts, String what) {
        ByteBuffer x86 = X86Decoder.view(code);
        long size = code.byteSize();
        BitSet visited = new BitSet((int) size);
        ArrayDeque<Long> work = new ArrayDeque<>();
        work.add(0L);
        work.addAll(extraStarts);
        List<Long> rets = new ArrayList<>();
        while (!work.isEmpty()) {
            long pos = work.poll();
            while (pos >= 0 && pos < size && !visited.get((int) pos)) {
                visited.set((int) pos);
                X86Instruction in = X86Decoder.decode(x86, pos, entry + pos);
                Flow flow = in.flow();
                if (flow == Flow.INVALID) throw invalid(code, entry, pos, what);
                if (flow == Flow.RET) {
                    rets.add(entry + pos);
                    break;
                }
                if (flow == Flow.JUMP || flow == Flow.COND_JUMP) {
                    work.add(in.target() - entry);
                    if (flow == Flow.JUMP) break;
                }
                if (flow == Flow.JUMP_INDIRECT || flow == Flow.TRAP) break;
                pos += in.length();
            }
        }
        Collections.sort(rets);
        return rets;
    }

    private static CodeAnalysisException invalid(MemorySegment code, long entry, long pos, String what) {
        return new CodeAnalysisException(String.format("%s: undecodable or cut-off x86-64 instruction at 0x%x (byte 0x%02x)",
                what, entry + pos, Byte.toUnsignedInt(code.get(ValueLayout.JAVA_BYTE, pos))));
    }

    /** Addresses of every RET Xn; a trailing partial word (not a whole instruction) is ignored. */
    public static List<Long> arm64Returns(MemorySegment code, long entry, String what) {
        if ((entry & 3) != 0) {
            throw new CodeAnalysisException(String.format("%s: arm64 entry 0x%x is not 4-byte aligned", what, entry));
        }
        List<Long> rets = new ArrayList<>(4);
        long words = code.byteSize() / Arm64Instruction.LENGTH;
        for (long i = 0; i < words; i++) {
            long off = i * Arm64Instruction.LENGTH;
            if (Arm64Decoder.decode(code, off, entry + off).flow() == Flow.RET) {
                rets.add(entry + off);
            }
        }
        return rets;
    }
}
