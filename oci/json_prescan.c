#include "json_prescan.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

static int hex4(const char *s, size_t avail)
{
        int v = 0;

        if (avail < 4)
                return -1;
        for (int i = 0; i < 4; i++) {
                char c = s[i];
                int d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
                if (d < 0)
                        return -1;
                v = v * 16 + d;
        }
        return v;
}

#define BYTES(b) (0x0101010101010101ull * (uint8_t)(b))

/* The index of the first byte from i on that the scan must look at (a
 * quote, a backslash or a non-ASCII byte), eight bytes at a time: most of
 * a document is plain ASCII.  A zero byte in x ^ BYTES(c) is a c; the
 * lowest flagged bit is exact, higher ones may be borrows. */
static size_t skip_plain(const char *text, size_t i, size_t len)
{
        while (i + 8 <= len) {
                uint64_t w, quote, backslash, mask;
                memcpy(&w, text + i, 8);
                quote = w ^ BYTES('"');
                backslash = w ^ BYTES('\\');
                mask = (((quote - BYTES(1)) & ~quote) | ((backslash - BYTES(1)) & ~backslash) | w) &
                       BYTES(0x80);
                if (mask != 0) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                        i += (size_t)__builtin_ctzll(mask) / 8;
#endif
                        return i;
                }
                i += 8;
        }
        return i;
}

int json_prescan(const char *text, size_t len, struct eg_error *err)
{
        bool in_string = false;

        for (size_t i = 0; (i = skip_plain(text, i, len)) < len; i++) {
                if ((unsigned char)text[i] >= 0x80) {
                        uint32_t cp;
                        size_t n = utf8_decode((const unsigned char *)text + i, len - i, &cp);
                        if (n == 0)
                                return eg_error_set(err, 0, "invalid UTF-8 (byte %zu)", i);
                        i += n - 1;
                        continue;
                }
                if (!in_string) {
                        in_string = text[i] == '"';
                        continue;
                }
                if (text[i] == '"') {
                        in_string = false;
                        continue;
                }
                if (text[i] != '\\')
                        continue;
                if (i + 1 < len && text[i + 1] != 'u') {
                        i++; /* \" \\ \n ...: one escaped character */
                        continue;
                }
                int unit = hex4(text + i + 2, len - (i + 2 < len ? i + 2 : len));
                if (unit < 0)
                        return 0; /* not JSON: the parser reports it */
                if (unit >= 0xdc00 && unit <= 0xdfff)
                        return eg_error_set(err, 0,
                                            "\\u%04x is a lone low surrogate, which JSON "
                                            "decoders read differently (byte %zu)",
                                            (unsigned)unit, i);
                if (unit >= 0xd800 && unit <= 0xdbff) {
                        int low = i + 7 < len && text[i + 6] == '\\' && text[i + 7] == 'u'
                                          ? hex4(text + i + 8, len - (i + 8 < len ? i + 8 : len))
                                          : -1;
                        if (low < 0xdc00 || low > 0xdfff)
                                return eg_error_set(err, 0,
                                                    "\\u%04x is a high surrogate not followed by "
                                                    "a low one, which JSON decoders read "
                                                    "differently (byte %zu)",
                                                    (unsigned)unit, i);
                        i += 6;
                }
                i += 5;
        }
        return 0;
}
