package dev.gowarden.golang;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Name lookups over a pclntab without decoding its names: an open-addressing hash table keyed by the name
 * bytes in the mapped file, with the functions that share a name (ABI0 body + wrapper, generic instantiations
 * in 1.18–1.20) chained in entry order. Built once in one pass over the names; a lookup then costs a hash of the
 * wanted name and a byte compare, so resolving 1,000 names costs little more than resolving one.
 */
final class NameIndex {
    private final Pclntab tab;
    private final int n;
    private final int[] start;      // name offset in the table, per function
    private final int[] length;     // name length, per function
    private final int[] slots;      // function index + 1 of the first function with that name, 0 = empty
    private final int[] nextSame;   // next function (index + 1) with the same name, 0 = none
    private final int mask;
    private final int[] generic;    // functions whose name holds '['

    NameIndex(Pclntab tab) {
        this.tab = tab;
        this.n = tab.count();
        this.start = new int[n];
        this.length = new int[n];
        this.nextSame = new int[n];
        int cap = Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1;
        this.slots = new int[cap];
        this.mask = cap - 1;
        int[] gen = new int[16];
        int ng = 0;
        int[] hashes = new int[n];
        for (int i = 0; i < n; i++) {
            long s = tab.nameStart(i);
            long len = tab.nameLength(i, s);
            start[i] = (int) s;
            length[i] = (int) len;
            int h = 1;
            boolean bracket = false;
            for (long k = 0; k < len; k++) {
                byte b = tab.byteAt(s + k);
                h = 31 * h + b;
                bracket |= b == '[';
            }
            hashes[i] = mix(h);
            if (bracket) {
                if (ng == gen.length) gen = java.util.Arrays.copyOf(gen, ng * 2);
                gen[ng++] = i;
            }
        }
        this.generic = java.util.Arrays.copyOf(gen, ng);
        // insert from the last function down, prepending, so each chain runs in entry order
        for (int i = n - 1; i >= 0; i--) {
            int slot = hashes[i] & mask;
            while (true) {
                int f = slots[slot];
                if (f == 0) {
                    slots[slot] = i + 1;
                    break;
                }
                if (hashes[f - 1] == hashes[i] && sameName(f - 1, i)) {
                    nextSame[i] = f;
                    slots[slot] = i + 1;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }

    private static int mix(int h) {
        return h ^ (h >>> 16) * 0x45d9f3b;
    }

    private boolean sameName(int a, int b) {
        if (length[a] != length[b]) return false;
        for (int k = 0; k < length[a]; k++) {
            if (tab.byteAt(start[a] + k) != tab.byteAt(start[b] + k)) return false;
        }
        return true;
    }

    private boolean nameEquals(int f, byte[] want) {
        if (length[f] != want.length) return false;
        for (int k = 0; k < want.length; k++) {
            if (tab.byteAt(start[f] + k) != want[k]) return false;
        }
        return true;
    }

    /** Indexes of the functions with exactly this name, in entry order. */
    List<Integer> exact(String name) {
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        int h = 1;
        for (byte b : want) h = 31 * h + b;
        int slot = mix(h) & mask;
        while (true) {
            int f = slots[slot];
            if (f == 0) return List.of();
            if (nameEquals(f - 1, want)) {
                List<Integer> out = new ArrayList<>(2);
                for (int g = f; g != 0; g = nextSame[g - 1]) out.add(g - 1);
                return out;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Indexes of the generic instantiations whose name, type arguments removed, equals {@code base}. */
    List<Integer> generic(String base) {
        List<Integer> out = new ArrayList<>();
        for (int f : generic) {
            if (GoNames.withoutTypeArguments(name(f)).equals(base)) out.add(f);
        }
        return out;
    }

    String name(int f) {
        return tab.decode(start[f], length[f]);
    }

    /** Functions whose name the pattern finds, in entry order, matched without building a String per name. */
    List<Integer> matching(Pattern p) {
        List<Integer> out = new ArrayList<>();
        AsciiName buf = new AsciiName();
        Matcher m = p.matcher("");
        for (int f = 0; f < n; f++) {
            buf.load(tab, start[f], length[f]);
            CharSequence cs = buf.ascii ? buf : name(f);
            if (m.reset(cs).find()) out.add(f);
        }
        return out;
    }

    List<String> allNames() {
        List<String> out = new ArrayList<>(n);
        for (int f = 0; f < n; f++) out.add(name(f));
        return out;
    }

    /** A reusable view of one name's bytes as chars; valid as a CharSequence only when every byte is ASCII. */
    static final class AsciiName implements CharSequence {
        byte[] bytes = new byte[256];
        int len;
        boolean ascii;

        void load(Pclntab tab, long start, int length) {
            if (length > bytes.length) bytes = new byte[Math.max(length, bytes.length * 2)];
            tab.copyName(start, bytes, length);
            len = length;
            boolean a = true;
            for (int k = 0; k < length; k++) {
                if (bytes[k] < 0) {
                    a = false;
                    break;
                }
            }
            ascii = a;
        }

        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= len) throw new IndexOutOfBoundsException(index);
            return (char) bytes[index];
        }

        @Override
        public CharSequence subSequence(int s, int e) {
            return toString().substring(s, e);
        }

        @Override
        public String toString() {
            return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
        }
    }
}
