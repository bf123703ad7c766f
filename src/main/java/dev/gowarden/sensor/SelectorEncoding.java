package dev.gowarden.sensor;

import dev.gowarden.policy.TracingPolicy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a hook's selectors as go_selectors.h's {@code struct probe_selectors}, byte for byte, with the strings
 * they compare with as {@code struct string_value} entries. Pure: the caller writes both into the maps.
 */
public final class SelectorEncoding {
    public static final int MAX_SELECTORS = 5;
    public static final int MAX_FILTERS = 5;
    public static final int MAX_VALUES = 4;
    public static final int MAX_VALUE_LEN = 256;
    static final int FILTER_SIZE = 8 + 8 * 2 * MAX_VALUES;               // 72
    static final int SELECTOR_SIZE = 16 + FILTER_SIZE * MAX_FILTERS;      // 376
    public static final int SIZE = 8 + SELECTOR_SIZE * MAX_SELECTORS;     // 1888
    public static final int STRING_VALUE_SIZE = 8 + MAX_VALUE_LEN;

    public static final int ACTION_POST = 1;
    public static final int ACTION_NOPOST = 2;
    public static final int ACTION_SIGKILL = 4;
    public static final int ACTION_SIGNAL = 8;

    private static final int F_INT = 1;
    private static final int F_STRING = 2;
    private static final int F_PID = 3;

    /** Where a listed argument's words are in the probe's record: its word, and for a string its length word. */
    public record ArgWords(int word, int lengthWord, int size, boolean signed, boolean string) {
    }

    /** The encoded selectors and the strings their filters name (value id = first id + index). */
    public record Encoded(byte[] selectors, List<byte[]> strings) {
    }

    private SelectorEncoding() {
    }

    /**
     * @param args        the words of each of the hook's listed arguments, in {@code args} order
     * @param firstString the string_values id the first string of this hook gets
     */
    public static Encoded encode(List<TracingPolicy.Selector> selectors, List<ArgWords> args, int firstString) {
        if (selectors.size() > MAX_SELECTORS) throw new IllegalArgumentException("more than " + MAX_SELECTORS + " selectors");
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        List<byte[]> strings = new ArrayList<>();
        b.putInt(0, selectors.size());
        for (int s = 0; s < selectors.size(); s++) {
            TracingPolicy.Selector sel = selectors.get(s);
            int at = 8 + s * SELECTOR_SIZE;
            int filters = sel.matchArgs().size() + sel.matchPids().size();
            if (filters > MAX_FILTERS) throw new IllegalArgumentException("selector " + s + ": more than " + MAX_FILTERS + " filters");
            if (!sel.matchBinaries().isEmpty()) throw new IllegalArgumentException("selector " + s + ": matchBinaries is not run yet");
            b.putInt(at, filters);
            b.putInt(at + 4, actions(sel.actions()));
            b.putInt(at + 8, sel.actions().stream().filter(a -> a instanceof TracingPolicy.Action.Signal)
                    .mapToInt(a -> ((TracingPolicy.Action.Signal) a).signal()).findFirst().orElse(0));
            int f = 0;
            for (TracingPolicy.MatchArg m : sel.matchArgs()) {
                int fa = at + 16 + f++ * FILTER_SIZE;
                ArgWords w = args.get(m.argPosition());
                b.put(fa, (byte) (w.string() ? F_STRING : F_INT));
                b.put(fa + 1, (byte) op(m.operator()));
                b.put(fa + 2, (byte) w.word());
                b.put(fa + 3, (byte) w.lengthWord());
                b.put(fa + 4, (byte) m.values().size());
                b.put(fa + 5, (byte) w.size());
                b.put(fa + 6, (byte) (w.signed() ? 1 : 0));
                if (m.values().size() > MAX_VALUES) throw new IllegalArgumentException("more than " + MAX_VALUES + " values in a filter");
                for (int v = 0; v < m.values().size(); v++) {
                    String value = m.values().get(v);
                    if (w.string()) {
                        b.putLong(fa + 8 + 8 * v, firstString + strings.size());
                        strings.add(stringValue(value));
                    } else if (m.operator() == TracingPolicy.Operator.IN_RANGE || m.operator() == TracingPolicy.Operator.NOT_IN_RANGE) {
                        int colon = value.indexOf(':', 1);
                        b.putLong(fa + 8 + 16 * v, integer(value.substring(0, colon), w.signed()));
                        b.putLong(fa + 8 + 16 * v + 8, integer(value.substring(colon + 1), w.signed()));
                    } else {
                        b.putLong(fa + 8 + 16 * v, integer(value, w.signed()));
                    }
                }
            }
            for (TracingPolicy.MatchPids p : sel.matchPids()) {
                if (p.followForks()) throw new IllegalArgumentException("selector " + s + ": matchPIDs followForks is not run yet");
                if (p.pids().size() > MAX_VALUES) throw new IllegalArgumentException("more than " + MAX_VALUES + " PIDs in a filter");
                int fa = at + 16 + f++ * FILTER_SIZE;
                b.put(fa, (byte) F_PID);
                b.put(fa + 1, (byte) (p.in() ? 1 : 2));
                b.put(fa + 4, (byte) p.pids().size());
                b.put(fa + 5, (byte) 8);
                b.put(fa + 6, (byte) 1);
                for (int v = 0; v < p.pids().size(); v++) b.putLong(fa + 8 + 16 * v, p.pids().get(v));
            }
        }
        return new Encoded(b.array(), strings);
    }

    /** A parsed value's bits: signed, or unsigned up to 2^64-1 (compared unsigned in the kernel). */
    private static long integer(String value, boolean signed) {
        return signed ? Long.parseLong(value) : Long.parseUnsignedLong(value);
    }

    static int actions(List<TracingPolicy.Action> actions) {
        int bits = 0;
        for (TracingPolicy.Action a : actions) {
            bits |= switch (a) {
                case TracingPolicy.Action.Post p -> ACTION_POST;
                case TracingPolicy.Action.NoPost n -> ACTION_NOPOST;
                case TracingPolicy.Action.Sigkill k -> ACTION_SIGKILL;
                case TracingPolicy.Action.Signal s -> ACTION_SIGNAL;
                case TracingPolicy.Action.Override o -> throw new IllegalArgumentException("Override is not run by this sensor");
            };
        }
        return bits == 0 ? ACTION_POST : bits;
    }

    /** go_selectors.h's enum filter_op. */
    static int op(TracingPolicy.Operator o) {
        return switch (o) {
            case EQUAL -> 1;
            case NOT_EQUAL -> 2;
            case PREFIX -> 3;
            case NOT_PREFIX -> 4;
            case POSTFIX -> 5;
            case NOT_POSTFIX -> 6;
            case GREATER_THAN -> 7;
            case LESS_THAN -> 8;
            case MASK -> 9;
            case IN_RANGE -> 10;
            case NOT_IN_RANGE -> 11;
        };
    }

    static byte[] stringValue(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_VALUE_LEN) throw new IllegalArgumentException("string value longer than " + MAX_VALUE_LEN + " bytes");
        ByteBuffer b = ByteBuffer.allocate(STRING_VALUE_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, bytes.length);
        b.put(8, bytes);
        return b.array();
    }
}
