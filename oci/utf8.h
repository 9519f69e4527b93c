/* Strict UTF-8 decoding: what Go and JSON accept, nothing more (no overlong
 * forms, no surrogates, nothing past U+10FFFF). */
#ifndef EDGEGUARD_UTF8_H
#define EDGEGUARD_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (len bytes available).  Returns the number of
 * bytes it takes (1-4), or 0 when the bytes there are not valid UTF-8. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Copies s to out (size bytes, always terminated), replacing each invalid
 * byte with U+FFFD so that the result can be embedded in JSON.  Cuts at a
 * character boundary when out is too small.  Returns the length written. */
size_t utf8_sanitize(const char *s, char *out, size_t size);

/* Like utf8_sanitize, and shows every control character (C0, DEL, C1)
 * as an escape a reader can see: \r, \n, \t, \xNN, \u0085.  For text
 * that carries names from an image or a spec to a person (a message, the
 * runc log, the decision log): a CR, an escape sequence or a newline there
 * must not rewrite or forge what a terminal or a log reader shows. */
size_t utf8_sanitize_visible(const char *s, char *out, size_t size);

/* True when s holds a control character utf8_sanitize_visible escapes,
 * or invalid UTF-8. */
bool utf8_needs_cleaning(const char *s);

#endif
