package dev.gowarden.sensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What go_trace.bpf.c's {@code struct probe_spec} holds for one probe: where each captured word lives and which
 * word pairs are (pointer, length) of bytes to copy. Encoded byte for byte as the C struct.
 */
public record ProbeSpec(List<Word> words, List<Copy> copies, int flags, int goidOffset, int gRegister, int timingId,
                        int stackHiOffset) {
    public static final int MAX_WORDS = 32;
    public static final int MAX_COPIES = 8;
    public static final int MAX_COPY_BYTES = 4096;
    private static final int HEADER = 32;
    public static final int SIZE = HEADER + MAX_WORDS * 8 + MAX_COPIES * 8;
    public static final int G_IN_REG = 1;
    public static final int G_IN_TLS = 2;
    /** Store the entry time of the call (under goroutine, frame depth and timing id). */
    public static final int TIME_ENTRY = 4;
    /** Report the time since the matching entry. */
    public static final int TIME_RETURN = 8;
    /** Post no event: the probe only keeps time. */
    public static final int SILENT = 16;

    /** A captured word: from a register (pt_regs index) or a stack slot (offset from SP), masked to size bytes. */
    public sealed interface Word {
        int size();
    }

    public record RegisterWord(int ptRegsIndex, int size) implements Word {
    }

    public record StackWord(int offset, int size) implements Word {
    }

    /** A word read at (value of an earlier word + offset); 0 when that word is 0 or the read fails. */
    public record DerefWord(int baseWord, int offset, int size) implements Word {
    }

    /** Copy up to maxLen bytes from the address in word ptrWord, as many as word lenWord says. */
    public record Copy(int ptrWord, int lenWord, int maxLen) {
    }

    public ProbeSpec {
        words = List.copyOf(words);
        copies = List.copyOf(copies);
        if (words.size() > MAX_WORDS) throw new IllegalArgumentException("too many words: " + words.size() + " > " + MAX_WORDS);
        if (copies.size() > MAX_COPIES) throw new IllegalArgumentException("too many copies: " + copies.size() + " > " + MAX_COPIES);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, words.size());
        b.putInt(4, copies.size());
        b.putInt(8, flags);
        b.putInt(12, goidOffset);
        b.putInt(16, gRegister);
        b.putInt(20, timingId);
        b.putInt(24, stackHiOffset);
        for (int i = 0; i < words.size(); i++) {
            int at = HEADER + i * 8;
            switch (words.get(i)) {
                case RegisterWord r -> {
                    b.put(at, (byte) 1);
                    b.put(at + 1, (byte) r.ptRegsIndex());
                    b.put(at + 2, (byte) r.size());
                }
                case StackWord s -> {
                    b.put(at, (byte) 2);
                    b.put(at + 2, (byte) s.size());
                    b.putInt(at + 4, s.offset());
                }
                case DerefWord d -> {
                    b.put(at, (byte) 3);
                    b.put(at + 1, (byte) d.baseWord());
                    b.put(at + 2, (byte) d.size());
                    b.putInt(at + 4, d.offset());
                }
            }
        }
        for (int i = 0; i < copies.size(); i++) {
            int at = HEADER + MAX_WORDS * 8 + i * 8;
            Copy c = copies.get(i);
            b.put(at, (byte) c.ptrWord());
            b.put(at + 1, (byte) c.lenWord());
            b.putInt(at + 4, c.maxLen());
        }
        return b.array();
    }

    /** Builder that hands out word and copy indexes as the plan is made. */
    public static final class Builder {
        private final List<Word> words = new ArrayList<>();
        private final List<Copy> copies = new ArrayList<>();

        public int word(Word w) {
            if (words.size() >= MAX_WORDS) return -1;
            if (w instanceof DerefWord d && (d.baseWord() < 0 || d.baseWord() >= words.size())) {
                throw new IllegalArgumentException("a dereferenced word must follow its base word " + d.baseWord());
            }
            words.add(w);
            return words.size() - 1;
        }

        public int copy(int ptrWord, int lenWord, int maxLen) {
            if (copies.size() >= MAX_COPIES) return -1;
            copies.add(new Copy(ptrWord, lenWord, maxLen));
            return copies.size() - 1;
        }

        public ProbeSpec build(int flags, int goidOffset, int gRegister, int timingId, int stackHiOffset) {
            return new ProbeSpec(words, copies, flags, goidOffset, gRegister, timingId, stackHiOffset);
        }
    }
}
