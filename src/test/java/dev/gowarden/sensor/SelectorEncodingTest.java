package dev.gowarden.sensor;

import dev.gowarden.policy.TracingPolicy;
import dev.gowarden.policy.TracingPolicy.Action;
import dev.gowarden.policy.TracingPolicy.MatchArg;
import dev.gowarden.policy.TracingPolicy.Operator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bytes of go_selectors.h's struct probe_selectors, field by field (offsets as the C compiler lays them out). */
class SelectorEncodingTest {
    @Test
    void selectorsFiltersAndStringsLandWhereTheCReadsThem() {
        List<SelectorEncoding.ArgWords> args = List.of(new SelectorEncoding.ArgWords(3, 4, 8, false, true),
                new SelectorEncoding.ArgWords(5, 0, 1, true, false));
        List<TracingPolicy.Selector> selectors = List.of(
                new TracingPolicy.Selector(List.of(new MatchArg(1, Operator.EQUAL, List.of("0"))), List.of(), List.of(), List.of(new Action.NoPost())),
                new TracingPolicy.Selector(List.of(new MatchArg(0, Operator.POSTFIX, List.of("ab", "c")), new MatchArg(1, Operator.IN_RANGE, List.of("-2:7"))),
                        List.of(new TracingPolicy.MatchPids(false, List.of(1, 42), false)), List.of(), List.of(new Action.Signal(10), new Action.Post(null))));
        SelectorEncoding.Encoded e = SelectorEncoding.encode(selectors, args, 17);
        assertEquals(1888, e.selectors().length);
        ByteBuffer b = ByteBuffer.wrap(e.selectors()).order(ByteOrder.nativeOrder());
        assertEquals(2, b.getInt(0), "count");
        int s0 = 8;
        assertEquals(1, b.getInt(s0), "selector 0: one filter");
        assertEquals(SelectorEncoding.ACTION_NOPOST, b.getInt(s0 + 4));
        int f00 = s0 + 16;
        assertEquals(List.of(1, 1, 5, 0, 1, 1, 1), List.of((int) b.get(f00), (int) b.get(f00 + 1), (int) b.get(f00 + 2), (int) b.get(f00 + 3),
                (int) b.get(f00 + 4), (int) b.get(f00 + 5), (int) b.get(f00 + 6)), "F_INT, OP_EQUAL, word 5, -, 1 value, 1 byte, signed");
        assertEquals(0, b.getLong(f00 + 8));
        int s1 = 8 + 376;
        assertEquals(3, b.getInt(s1), "selector 1: two matchArgs and one matchPIDs");
        assertEquals(SelectorEncoding.ACTION_SIGNAL | SelectorEncoding.ACTION_POST, b.getInt(s1 + 4));
        assertEquals(10, b.getInt(s1 + 8), "the signal");
        int f10 = s1 + 16;
        assertEquals(List.of(2, 5, 3, 4, 2), List.of((int) b.get(f10), (int) b.get(f10 + 1), (int) b.get(f10 + 2), (int) b.get(f10 + 3),
                (int) b.get(f10 + 4)), "F_STRING, OP_POSTFIX, pointer word 3, length word 4, 2 values");
        assertEquals(List.of(17L, 18L), List.of(b.getLong(f10 + 8), b.getLong(f10 + 16)), "string ids, one word apart");
        int f11 = f10 + 72;
        assertEquals(10, b.get(f11 + 1), "OP_IN_RANGE");
        assertEquals(List.of(-2L, 7L), List.of(b.getLong(f11 + 8), b.getLong(f11 + 16)), "lo, hi");
        int f12 = f11 + 72;
        assertEquals(List.of(3, 2, 2), List.of((int) b.get(f12), (int) b.get(f12 + 1), (int) b.get(f12 + 4)), "F_PID, NotIn, 2 pids");
        assertEquals(List.of(1L, 42L), List.of(b.getLong(f12 + 8), b.getLong(f12 + 24)), "values two words apart, as integers are");

        assertEquals(2, e.strings().size());
        ByteBuffer str = ByteBuffer.wrap(e.strings().get(0)).order(ByteOrder.nativeOrder());
        assertEquals(2, str.getInt(0));
        assertEquals("ab", new String(e.strings().get(0), 8, 2, StandardCharsets.UTF_8));
        assertEquals(264, e.strings().get(1).length);
    }
}
