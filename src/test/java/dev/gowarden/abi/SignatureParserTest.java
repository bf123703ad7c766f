package dev.gowarden.abi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignatureParserTest {
    private static List<String> describe(List<Signature.Param> ps) {
        return ps.stream().map(p -> p.name() + ":" + p.type().display()).toList();
    }

    @Test
    void simpleFunction() {
        Signature s = SignatureParser.parse("main.greet(name string, n int)");
        assertEquals("main.greet", s.function());
        assertEquals(List.of("name:string", "n:int"), describe(s.params()));
        assertTrue(s.results().isEmpty());
        assertTrue(s.declared());
    }

    @Test
    void pointerReceiverBecomesFirstParameter() {
        Signature s = SignatureParser.parse("main.(*Server).Handle(req *Request, user string, attempt int, ok bool) int");
        assertEquals("main.(*Server).Handle", s.function());
        assertEquals(List.of("recv:*Server", "req:*Request", "user:string", "attempt:int", "ok:bool"), describe(s.params()));
        assertEquals(List.of(":int"), describe(s.results()));
    }

    @Test
    void groupedNamesResultsAndCompositeTypes() {
        Signature s = SignatureParser.parse(
                "github.com/x/y.handle(a, b int64, body []byte, tags map[string]string, opts struct{A int32; B string}, e error) (n int, err error)");
        assertEquals("github.com/x/y.handle", s.function());
        assertEquals(List.of("a:int64", "b:int64", "body:[]byte", "tags:map[string]string", "opts:struct{A int32; B string}", "e:error"),
                describe(s.params()));
        assertEquals(List.of("n:int", "err:error"), describe(s.results()));
        GoType.Struct st = assertInstanceOf(GoType.Struct.class, s.params().get(4).type());
        assertEquals(24, st.size());
        assertEquals(8, st.fields().get(1).offset());
    }

    @Test
    void unnamedParametersAndBareName() {
        Signature s = SignatureParser.parse("main.f(string, int, [2]int, func(int) bool, chan int, *[]string)");
        assertEquals(List.of(":string", ":int", ":[2]int", ":func(int) bool", ":chan int", ":*[]string"), describe(s.params()));
        Signature bare = SignatureParser.parse("main.greet");
        assertFalse(bare.declared());
        assertTrue(bare.params().isEmpty());
        Signature generic = SignatureParser.parse("main.Map[...](m map[string]int, k string) int");
        assertEquals("main.Map[...]", generic.function());
        assertTrue(generic.isGeneric());
        Signature closure = SignatureParser.parse("main.main.func1(i int)");
        assertEquals("main.main.func1", closure.function());
    }

    @Test
    void errorsPointAtTheColumn() {
        SignatureException e = assertThrows(SignatureException.class, () -> SignatureParser.parse("main.greet(name strin, n int)"));
        assertEquals(16, e.column());
        assertTrue(e.getMessage().contains("unknown type 'strin'"), e.getMessage());
        assertTrue(e.getMessage().contains("\n                  ^"), e.getMessage());
        assertEquals(23, assertThrows(SignatureException.class, () -> SignatureParser.parse("main.greet(name string n int)")).column());
        assertTrue(assertThrows(SignatureException.class, () -> SignatureParser.parse("main.greet(name string")).getMessage().contains("missing ')'"));
        assertTrue(assertThrows(SignatureException.class, () -> SignatureParser.parse("greet(x int)")).getMessage().contains("package-qualified"));
        assertTrue(assertThrows(SignatureException.class, () -> SignatureParser.parse("main.f(a [x]int)")).getMessage().contains("array length"));
    }
}
