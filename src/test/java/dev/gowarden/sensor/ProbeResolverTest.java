package dev.gowarden.sensor;

import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoBinaryException;
import dev.gowarden.testutil.GoPrograms;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Patterns of function names ('net/http.*') and what they resolve to; pure, no kernel. */
class ProbeResolverTest {
    @Test
    void aStarIsAPatternExceptInAPointerReceiver() {
        assertTrue(ProbeResolver.isPattern("main.*"));
        assertTrue(ProbeResolver.isPattern("net/http.(*Server).*"));
        assertTrue(ProbeResolver.isPattern("*.Getenv"));
        assertFalse(ProbeResolver.isPattern("main.(*Server).Handle"));
        assertFalse(ProbeResolver.isPattern("main.(*Server).Handle(req *Request) int"), "a pointer type in a signature");
        assertFalse(ProbeResolver.isPattern("main.greet"));
    }

    @Test
    void globsMatchWholeNames() {
        var p = ProbeResolver.globPattern("net/http.(*Server).*");
        assertTrue(p.matcher("net/http.(*Server).Serve").find());
        assertTrue(p.matcher("net/http.(*Server).Serve.func1").find());
        assertFalse(p.matcher("net/http.(Server).Serve").find(), "the * of (* is literal");
        assertFalse(p.matcher("xnet/http.(*Server).Serve").find(), "anchored at the start");
        var q = ProbeResolver.globPattern("main.*.func1");
        assertTrue(q.matcher("main.main.func1").find());
        assertFalse(q.matcher("main.main.func12").find(), "anchored at the end");
        assertTrue(ProbeResolver.globPattern("a+b?c.*").matcher("a+b?c.d").find(), "regex characters are literal");
    }

    @Test
    void aPatternKeepsEveryInstantiationOfAGenericFunctionWithItsOwnSignature() {
        try (GoBinary bin = GoBinary.open(GoPrograms.build("returns")); ProbeResolver r = new ProbeResolver(bin)) {
            List<ProbeResolver.Resolved> max = r.resolvePattern("main.Max*");
            assertEquals(2, max.size(), max.toString());
            assertTrue(max.get(0).function().entry() != max.get(1).function().entry());
            List<String> kinds = max.stream().map(x -> x.signature().params().stream()
                    .filter(p -> p.name().equals("a")).findFirst().orElseThrow().type().display()).sorted().toList();
            assertEquals(List.of("go.shape.int_0", "go.shape.string_0"), kinds, "each instantiation's own DWARF entry");
        }
    }

    @Test
    void aPatternResolvesEveryMatchOnceWithItsDwarfSignature() {
        Path tracee = GoPrograms.build("tracee");
        try (GoBinary bin = GoBinary.open(tracee); ProbeResolver r = new ProbeResolver(bin)) {
            List<ProbeResolver.Resolved> found = r.resolvePattern("main.*");
            List<String> names = found.stream().map(x -> x.function().name()).toList();
            assertTrue(names.containsAll(List.of("main.Ints", "main.Strs", "main.(*Store).Put", "main.Many", "main.Grow", "main.main",
                    "main.main.func1")), names.toString());
            assertEquals(names.size(), names.stream().distinct().count(), "one per name");
            ProbeResolver.Resolved ints = found.get(names.indexOf("main.Ints"));
            assertEquals("main.Ints(a int, b int8, c int16, d int32, e int64, f uint8, g uint64, h bool) int", ints.signature().display());
            GoBinaryException e = assertThrows(GoBinaryException.class, () -> r.resolvePattern("mian.*"));
            assertTrue(e.getMessage().contains("no function matches 'mian.*'"), e.getMessage());
        }
        Path stripped = GoPrograms.build("tracee", "stripped", List.of(), "-ldflags=-s -w");
        try (GoBinary bin = GoBinary.open(stripped); ProbeResolver r = new ProbeResolver(bin)) {
            ProbeResolver.Resolved ints = r.resolvePattern("main.I*").getFirst();
            assertEquals("main.Ints", ints.function().name());
            assertTrue(ints.signature().params().isEmpty() && ints.signature().declared(), "no DWARF: reported by name, no values");
        }
    }
}
