package dev.gowarden.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8Test {
    private static String goQuoted(byte[] b) {
        StringBuilder sb = new StringBuilder();
        GoSyntax.quote(sb, Utf8.decode(b, 0, b.length));
        return sb.toString();
    }

    @Test
    void validTextIsKeptAndInvalidBytesAreEscapedLikeGo() {
        assertEquals("\"héllo ✓ 😀\"", goQuoted("héllo ✓ 😀".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\"h\\xc3\"", goQuoted(new byte[]{'h', (byte) 0xc3}));           // cut inside é
        assertEquals("\"\\xff\\xfe\\x00\"", goQuoted(new byte[]{(byte) 0xff, (byte) 0xfe, 0}));
        assertEquals("\"\\xed\\xa0\\x80\"", goQuoted(new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80})); // surrogate half
        assertEquals("\"\\xc0\\xaf\"", goQuoted(new byte[]{(byte) 0xc0, (byte) 0xaf}));  // overlong
    }

    @Test
    void jsonGetsReplacementCharacters() {
        String s = Utf8.decode(new byte[]{'a', (byte) 0xc3}, 0, 2);
        assertEquals("{\"v\":\"a\uFFFD\"}", new Json().object().field("v", s).end());
    }
}
