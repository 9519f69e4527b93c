/* Bounded string copies for fixed-size fields filled from hostile input. */
#ifndef EDGEGUARD_STR_H
#define EDGEGUARD_STR_H

#include <stdbool.h>
#include <string.h>

/* Copies src into dst (size bytes, always terminated), cutting it short
 * when needed.  Returns false when it had to cut. */
static inline bool str_copy(char *dst, size_t size, const char *src)
{
        size_t n = strnlen(src, size);
        bool fits = n < size;

        if (!fits)
                n = size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
        return fits;
}

/* s when it has text, else NULL: for optional fields that arrive as "". */
static inline const char *str_nonempty(const char *s)
{
        return s && s[0] ? s : NULL;
}

/* True when the n bytes at s are all 0-9 or a-f: digests and docker ids. */
static inline bool str_is_lower_hex(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return true;
}

/* Formats into dst unless dst already holds a message: when one fault
 * leads to others, the first is the one worth telling. */
void str_printf_first(char *dst, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Appends to dst (size bytes, *len used), cutting short and keeping it
 * terminated when full: for messages built in pieces. */
void str_append(char *dst, size_t size, size_t *len, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#endif
