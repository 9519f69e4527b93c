#include "utf8.h"

#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
        uint32_t c, min;
        size_t n;

        if (len == 0)
                return 0;
        c = s[0];
        if (c < 0x80)
                return *cp = c, 1;
        if ((c & 0xe0) == 0xc0)
                n = 2, c &= 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
                n = 3, c &= 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
                n = 4, c &= 0x07, min = 0x10000;
        else
                return 0;
        if (len < n)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return 0;
        *cp = c;
        return n;
}

/* C0, DEL and C1 controls, and the format characters that reorder or
 * break what a terminal shows (Unicode's bidirectional embeddings,
 * overrides and isolates, the implicit direction marks, the line and
 * paragraph separators: UAX #9, Trojan Source): a file name in an image
 * must not make "/bin/\u202eppa.txt" read as "/bin/txt.app". */
static bool is_control(uint32_t cp)
{
        return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
               cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
               (cp >= 0x2066 && cp <= 0x2069);
}

/* The escape a reader sees for control character cp: \r, \n, \t,
 * \xNN (C0, DEL), \uNNNN (C1 and the format characters).  Returns its
 * length. */
static size_t escape_control(uint32_t cp, char esc[8])
{
        static const char hex[] = "0123456789abcdef";

        esc[0] = '\\';
        if (cp == '\r' || cp == '\n' || cp == '\t') {
                esc[1] = cp == '\r' ? 'r' : cp == '\n' ? 'n' : 't';
                return 2;
        }
        if (cp < 0x80) {
                esc[1] = 'x', esc[2] = hex[cp >> 4], esc[3] = hex[cp & 15];
                return 4;
        }
        esc[1] = 'u', esc[2] = hex[cp >> 12 & 15], esc[3] = hex[cp >> 8 & 15];
        esc[4] = hex[cp >> 4 & 15], esc[5] = hex[cp & 15];
        return 6;
}

/* The one copy loop: invalid bytes become U+FFFD, and with `visible`
 * control characters become escapes. */
static size_t sanitize(const char *s, char *out, size_t size, bool visible)
{
        static const char replacement[] = "\xef\xbf\xbd";
        const unsigned char *p = (const unsigned char *)s;
        size_t len = strlen(s), o = 0;

        if (size == 0)
                return 0;
        while (len > 0) {
                uint32_t cp = 0;
                size_t n, out_n;
                const char *src;
                char esc[8];

                if (*p >= 0x20 && *p < 0x7f) { /* printable ASCII, the usual case */
                        if (o + 1 >= size)
                                break;
                        out[o++] = (char)*p++;
                        len--;
                        continue;
                }
                n = utf8_decode(p, len, &cp);
                src = (const char *)p, out_n = n;
                if (n == 0)
                        src = replacement, out_n = 3;
                else if (visible && is_control(cp))
                        src = esc, out_n = escape_control(cp, esc);
                if (o + out_n >= size)
                        break;
                memcpy(out + o, src, out_n);
                o += out_n;
                p += n ? n : 1;
                len -= n ? n : 1;
        }
        out[o] = '\0';
        return o;
}

size_t utf8_sanitize(const char *s, char *out, size_t size)
{
        return sanitize(s, out, size, false);
}

size_t utf8_sanitize_visible(const char *s, char *out, size_t size)
{
        return sanitize(s, out, size, true);
}

bool utf8_needs_cleaning(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t len = strlen(s);

        while (len > 0) {
                uint32_t cp = 0;
                size_t n;
                if (*p >= 0x20 && *p < 0x7f) {
                        p++, len--;
                        continue;
                }
                n = utf8_decode(p, len, &cp);
                if (n == 0 || is_control(cp))
                        return true;
                p += n;
                len -= n;
        }
        return false;
}
