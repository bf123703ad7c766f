package dev.gowarden.event;

/**
 * Decodes captured bytes as UTF-8 without losing the invalid ones (a capture cut inside a character, binary
 * data): each invalid byte b becomes the lone surrogate U+DC00+b, which Go-syntax output prints as {@code \xNN}
 * and JSON output as U+FFFD.
 */
public final class Utf8 {
    private Utf8() {
    }

    public static String decode(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        int i = off;
        int end = off + len;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            int n = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? (c < 0xf0 ? 2 : -1) : c >= 0xc2 ? 1 : -1;
            if (n < 0 || i + n >= end) {
                sb.append((char) (0xDC00 + c));
                i++;
                continue;
            }
            int cp = c & (0x3f >> n);
            boolean ok = true;
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (ok && (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) || n == 3 && (cp < 0x10000 || cp > 0x10ffff))) ok = false;
            if (!ok) {
                sb.append((char) (0xDC00 + c));
                i++;
                continue;
            }
            sb.appendCodePoint(cp);
            i += n + 1;
        }
        return sb.toString();
    }

    /** True for the stand-in of an invalid byte. */
    static boolean isEscapedByte(char c) {
        return c >= 0xDC80 && c <= 0xDCFF;
    }
}
