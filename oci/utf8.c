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

size_t utf8_sanitize(const char *s, char *out, size_t size)
{
        static const char replacement[] = "\xef\xbf\xbd";
        const unsigned char *p = (const unsigned char *)s;
        size_t len = strlen(s), o = 0;

        if (size == 0)
                return 0;
        while (len > 0) {
                uint32_t cp;
                size_t n = utf8_decode(p, len, &cp);
                const char *src = n ? (const char *)p : replacement;
                size_t out_n = n ? n : 3;

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
