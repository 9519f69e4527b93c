#include "json_prescan.h"

#include <stdbool.h>
#include <stdint.h>

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

int json_prescan(const char *text, size_t len, struct eg_error *err)
{
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
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
