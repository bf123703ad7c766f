package dev.gowarden.golang;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final byte[] names;     // the funcnametab bytes
    private final int n;
    private final int[] start;      // name index in names[], per function
    private final int[] length;     // name length, per function
    private int[] slots;            // function index + 1 of the first function with that name, 0 = empty
    private int[] nextSame;         // next function (index + 1) with the same name, 0 = none
    private int mask;
    private int[] generic;          // functions whose name holds '['

    /** Reads every function's name position (one pass over the _func records); the hash table comes on first lookup. */
    NameIndex(Pclntab tab) {
        this.tab = tab;
        this.names = tab.names();
        this.n = tab.count();
        this.start = new int[n];
        this.length = new int[n];
        for (int i = 0; i < n; i++) {
            int at = tab.nameIndex(i);
            start[i] = at;
            length[i] = tab.nameLengthAt(i, at);
        }
    }

    private synchronized void buildTable() {
        if (slots != null) return;
        int cap = Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1;
        int[] table = new int[cap];
        int m = cap - 1;
        int[] next = new int[n];
        int[] gen = new int[16];
        int ng = 0;
        int[] hashes = new int[n];
        for (int i = 0; i < n; i++) {
            int h = 1;
            boolean bracket = false;
            for (int k = start[i], e = start[i] + length[i]; k < e; k++) {
                byte b = names[k];
                h = 31 * h + b;
                bracket |= b == '[';
            }
            hashes[i] = mix(h);
            if (bracket) {
                if (ng == gen.length) gen = Arrays.copyOf(gen, ng * 2);
                gen[ng++] = i;
            }
        }
        // insert from the last function down, prepending, so each chain runs in entry order
        for (int i = n - 1; i >= 0; i--) {
            int slot = hashes[i] & m;
            while (true) {
                int f = table[slot];
                if (f == 0) {
                    table[slot] = i + 1;
                    break;
                }
                if (hashes[f - 1] == hashes[i] && sameName(f - 1, i)) {
                    next[i] = f;
                    table[slot] = i + 1;
                    break;
                }
                slot = (slot + 1) & m;
            }
        }
        this.generic = Arrays.copyOf(gen, ng);
        this.nextSame = next;
        this.mask = m;
        this.slots = table;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16) * 0x45d9f3b;
    }

    private boolean sameName(int a, int b) {
        return Arrays.equals(names, start[a], start[a] + length[a], names, start[b], start[b] + length[b]);
    }

    private boolean nameEquals(int f, byte[] want) {
        return Arrays.equals(names, start[f], start[f] + length[f], want, 0, want.length);
    }

    /** Indexes of the functions with exactly this name, in entry order. */
    List<Integer> exact(String name) {
        buildTable();
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
        buildTable();
        List<Integer> out = new ArrayList<>();
        for (int f : generic) {
            if (GoNames.withoutTypeArguments(name(f)).equals(base)) out.add(f);
        }
        return out;
    }

    String name(int f) {
        return tab.decodeName(start[f], length[f]);
    }

    /** Functions whose name the pattern finds, in entry order, matched without building a String per name. */
    List<Integer> matching(Pattern p) {
        List<Integer> out = new ArrayList<>();
        AsciiName view = new AsciiName(names);
        Matcher m = p.matcher("");
        for (int f = 0; f < n; f++) {
            CharSequence cs = view.set(start[f], length[f]) ? view : name(f);
            if (m.reset(cs).find()) out.add(f);
        }
        return out;
    }

    List<String> allNames() {
        List<String> out = new ArrayList<>(n);
        for (int f = 0; f < n; f++) out.add(name(f));
        return out;
    }

    /** A reusable view of one name in the names array; usable as a CharSequence only when the name is ASCII. */
    static final class AsciiName implements CharSequence {
        private final byte[] bytes;
        private int off;
        private int len;

        AsciiName(byte[] bytes) {
            this.bytes = bytes;
        }

        /** Points the view at a name; false when it holds non-ASCII bytes (then decode it as UTF-8 instead). */
        boolean set(int off, int len) {
            this.off = off;
            this.len = len;
            for (int k = off, e = off + len; k < e; k++) {
                if (bytes[k] < 0) return false;
            }
            return true;
        }

        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= len) throw new IndexOutOfBoundsException(index);
            return (char) bytes[off + index];
        }

        @Override
        public CharSequence subSequence(int s, int e) {
            return toString().substring(s, e);
        }

        @Override
        public String toString() {
            return new String(bytes, off, len, StandardCharsets.ISO_8859_1);
        }
    }
}
