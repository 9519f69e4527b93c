/* Strict UTF-8 decoding: what Go and JSON accept, nothing more (no overlong
 * forms, no surrogates, nothing past U+10FFFF). */
#ifndef EDGEGUARD_UTF8_H
#define EDGEGUARD_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (len bytes available).  Returns the number of
 * bytes it takes (1-4), or 0 when the bytes there are not valid UTF-8. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Copies s to out (size bytes, always terminated), replacing each invalid
 * byte with U+FFFD so that the result can be embedded in JSON.  Cuts at a
 * character boundary when out is too small.  Returns the length written. */
size_t utf8_sanitize(const char *s, char *out, size_t size);

#endif
