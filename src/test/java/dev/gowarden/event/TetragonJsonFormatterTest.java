package dev.gowarden.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gowarden.abi.SignatureParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TetragonJsonFormatterTest {
    private static ValuePlan plan(String label, String type) {
        return new ValuePlan(label, SignatureParser.parse("main.f(x " + type + ")").params().getFirst().type(), List.of(), Map.of(), Map.of());
    }

    private static final TracedFunction GREET = new TracedFunction(0, Path.of("/opt/demo"), "main.greet", TracedFunction.Kind.ENTRY,
            List.of(plan("name", "string"), plan("n", "int"), plan("p", "*T"), plan("b", "[]byte"), plan("q", "string"), plan("f", "float64")));

    private static final GoCallEvent EVENT = new GoCallEvent(1_764_072_001_123_456_789L, 4242, 4243, 17, "demo", GREET,
            List.of(new GoValue.Str("he said \"hi\"\n", 13, false), new GoValue.Int(-1), new GoValue.Pointer(0xc000010000L),
                    new GoValue.Bytes(new byte[]{1, 2, 3}, 10, 16, true), new GoValue.Unreadable("cannot read 5 bytes at 0x0"),
                    new GoValue.Unreadable("in float register X0, which uprobes cannot read")));

    @Test
    void processUprobeShape() throws Exception {
        StringBuilder sb = new StringBuilder();
        new TetragonJsonFormatter().format(EVENT, "/opt/demo", sb);
        JsonNode n = new ObjectMapper().readTree(sb.toString());
        assertEquals(List.of("process_uprobe", "time"), iterator(n));
        JsonNode u = n.get("process_uprobe");
        assertEquals(4242, u.at("/process/pid").asInt());
        assertEquals(4243, u.at("/process/tid").asInt());
        assertEquals("/opt/demo", u.at("/process/binary").asText());
        assertEquals("demo", u.at("/process/comm").asText());
        assertEquals("/opt/demo", u.get("path").asText());
        assertEquals("main.greet", u.get("symbol").asText());
        JsonNode a = u.get("args");
        assertEquals("he said \"hi\"\n", a.get(0).get("string_arg").asText());
        assertEquals("name", a.get(0).get("label").asText());
        assertEquals(-1, a.get(1).get("int_arg").asInt());
        assertEquals(Long.toUnsignedString(0xc000010000L), a.get(2).get("size_arg").asText());
        assertEquals("AQID", a.get(3).at("/truncated_bytes_arg/bytes_arg").asText());
        assertEquals("10", a.get(3).at("/truncated_bytes_arg/orig_size").asText());
        assertEquals("<unreadable: cannot read 5 bytes at 0x0>", a.get(4).get("string_arg").asText());
        assertTrue(a.get(4).get("unreadable").asBoolean());
        assertTrue(a.get(5).get("string_arg").asText().contains("float register X0"));
        assertEquals("2025-11-25T12:00:01.123456789Z", n.get("time").asText());
    }

    @Test
    void compactLine() {
        StringBuilder sb = new StringBuilder();
        new CompactFormatter(ZoneOffset.UTC).format(EVENT, "/opt/demo", sb);
        assertEquals("12:00:01.123456 demo[4242/4243] main.greet(name=\"he said \\\"hi\\\"\\n\", n=-1, p=0xc000010000, "
                + "b=[]byte(\"\\x01\\x02\\x03\")...(10 bytes, truncated), q=<unreadable: cannot read 5 bytes at 0x0>, "
                + "f=<unreadable: in float register X0, which uprobes cannot read>)", sb.toString());
    }

    private static final TracedFunction DIVIDE_RETURN = new TracedFunction(1, Path.of("/opt/demo"), "main.divide", TracedFunction.Kind.RETURN,
            List.of(plan("q", "int"), plan("err", "error")));

    private static GoCallEvent divideReturned(long durationNs) {
        return new GoCallEvent(1_764_072_001_123_456_789L, 4242, 4243, 17, "demo", DIVIDE_RETURN,
                List.of(new GoValue.Int(3), new GoValue.Interface(0, 0)), durationNs);
    }

    @Test
    void returnsCarryTheirResultsAndLatency() throws Exception {
        StringBuilder sb = new StringBuilder();
        new CompactFormatter(ZoneOffset.UTC).format(divideReturned(14_249), "/opt/demo", sb);
        assertEquals("12:00:01.123456 demo[4242/4243] main.divide returned (q=3, err=nil) in 14.2µs", sb.toString());
        sb.setLength(0);
        new CompactFormatter(ZoneOffset.UTC).format(divideReturned(0), "/opt/demo", sb);
        assertEquals("12:00:01.123456 demo[4242/4243] main.divide returned (q=3, err=nil)", sb.toString(), "no entry seen: no duration");

        sb.setLength(0);
        new TetragonJsonFormatter().format(divideReturned(14_249), "/opt/demo", sb);
        JsonNode u = new ObjectMapper().readTree(sb.toString()).get("process_uprobe");
        assertTrue(u.get("return").asBoolean());
        assertEquals(14_249, u.get("latency_ns").asLong());
        assertEquals("q", u.at("/args/0/label").asText());
        assertEquals(3, u.at("/args/0/int_arg").asInt());
        sb.setLength(0);
        new TetragonJsonFormatter().format(divideReturned(0), "/opt/demo", sb);
        assertTrue(new ObjectMapper().readTree(sb.toString()).get("process_uprobe").get("latency_ns") == null);
    }

    @Test
    void valuesReadThroughPointersPrintLikeGo() {
        assertEquals("*errors.errorString(\"divide by zero\")",
                GoSyntax.toString(new GoValue.Interface(0x4d1, 0xc0001, "*errors.errorString", new GoValue.Str("divide by zero", 14, false))));
        assertEquals("syscall.Errno(2)", GoSyntax.toString(new GoValue.Interface(0x4d1, 0x4e0, "syscall.Errno", new GoValue.Uint(2))));
        assertEquals("*fs.PathError(0xc000123400)", GoSyntax.toString(new GoValue.Interface(0x4d1, 0xc000123400L, "*fs.PathError", null)));
        assertEquals("(type=0x4d1 data=0xc0001)", GoSyntax.toString(new GoValue.Interface(0x4d1, 0xc0001)), "type not known");
        assertEquals("nil", GoSyntax.toString(new GoValue.Interface(0, 0)));
        assertEquals("map{len=2 at 0xc000076000}", GoSyntax.toString(new GoValue.Container("map", 0xc000076000L, 2, -1)));
        assertEquals("chan{len=1 cap=3 at 0xc000020000}", GoSyntax.toString(new GoValue.Container("chan", 0xc000020000L, 1, 3)));
    }

    @Test
    void durationsKeepAboutFourDigitsInTheirUnit() {
        Map<Long, String> cases = new java.util.LinkedHashMap<>();
        cases.put(1L, "1ns");
        cases.put(999L, "999ns");
        cases.put(1_000L, "1.0µs");
        cases.put(14_249L, "14.2µs");
        cases.put(14_250L, "14.3µs");
        cases.put(999_949L, "999.9µs");
        cases.put(999_950L, "1.000ms");
        cases.put(999_999_499L, "999.999ms");
        cases.put(999_999_500L, "1.000s");
        cases.put(1_000_000L, "1.000ms");
        cases.put(30_123_456L, "30.123ms");
        cases.put(1_000_000_000L, "1.000s");
        cases.put(61_500_000_000L, "61.500s");
        cases.forEach((ns, text) -> assertEquals(text, CompactFormatter.appendDuration(new StringBuilder(), ns).toString(), ns + " ns"));
    }

    private static List<String> iterator(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
