package dev.gowarden.golang;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Picks the names closest to a miss, for "did you mean" messages. */
final class Suggestions {
    private Suggestions() {
    }

    static List<String> closest(String wanted, Collection<String> names, int max) {
        record Scored(String name, int score) { }
        String w = wanted.toLowerCase(Locale.ROOT);
        String wantedTail = tail(w);
        List<Scored> scored = new ArrayList<>();
        for (String n : names) {
            String l = n.toLowerCase(Locale.ROOT);
            int score;
            if (l.endsWith("." + wantedTail) || l.endsWith(")." + wantedTail) || tail(l).equals(wantedTail)) {
                score = 0;   // same function name in another package or receiver
            } else if (Math.abs(l.length() - w.length()) > 8 && !l.contains(wantedTail)) {
                continue;
            } else {
                score = 1 + distance(w, l, 8);
                if (score > 8) continue;
            }
            scored.add(new Scored(n, score));
        }
        scored.sort(Comparator.comparingInt(Scored::score).thenComparing(Scored::name));
        return scored.stream().limit(max).map(Scored::name).toList();
    }

    private static String tail(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 ? name.substring(dot + 1) : name;
    }

    /** Levenshtein distance, giving up (returning limit+1) once it exceeds limit. */
    static int distance(String a, String b, int limit) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > limit) return limit + 1;
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
