#include "gofold.h"

#include <stdint.h>

#include "utf8.h"

static uint32_t ascii_lower(uint32_t c)
{
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The orbit of an ASCII letter under Unicode simple folding: itself, its
 * other case, and for s and k one non-ASCII member each. */
static bool folds_to(uint32_t c, unsigned char field_char)
{
        uint32_t f = ascii_lower(field_char);

        if (ascii_lower(c) == f && c < 0x80)
                return true;
        return (f == 's' && c == 0x017f) || (f == 'k' && c == 0x212a);
}

bool gofold_equal(const char *key, size_t len, const char *field)
{
        const unsigned char *p = (const unsigned char *)key;
        size_t i = 0;

        for (; len > 0; i++) {
                uint32_t c;
                size_t n = utf8_decode(p, len, &c);

                if (n == 0 || field[i] == '\0' || !folds_to(c, (unsigned char)field[i]))
                        return false;
                p += n;
                len -= n;
        }
        return field[i] == '\0';
}
