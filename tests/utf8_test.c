/* utf8_sanitize and utf8_sanitize_visible: one copy loop, two escape
 * steps. */
#include "../oci/utf8.h"
#include "harness.h"

static void expect(size_t (*f)(const char *, char *, size_t), const char *in, size_t size,
                   const char *want)
{
        char out[64];
        size_t n = f(in, out, size);

        if (n != strlen(want) || strcmp(out, want) != 0)
                printf("#   for \"%s\" in %zu bytes: got \"%s\" (%zu), want \"%s\"\n", in, size,
                       out, n, want),
                        harness_case_failed = 1;
}

TEST(sanitize_replaces_invalid_bytes_only)
{
        expect(utf8_sanitize,
               "a\xc0\xaf"
               "b",
               64,
               "a\xef\xbf\xbd\xef\xbf\xbd"
               "b");
        expect(utf8_sanitize, "x\r\n\x1b[2J\xc2\x85\xed\xa0\x80", 64,
               "x\r\n\x1b[2J\xc2\x85\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
        expect(utf8_sanitize, "caf\xc3\xa9", 5, "caf"); /* cut at a character boundary */
}

TEST(visible_escapes_control_characters)
{
        expect(utf8_sanitize_visible, "x\r\n\t\x1b[2J\x7f", 64, "x\\r\\n\\t\\x1b[2J\\x7f");
        expect(utf8_sanitize_visible, "a\xc2\x85z\xff", 64, "a\\u0085z\xef\xbf\xbd");
        expect(utf8_sanitize_visible, "caf\xc3\xa9", 64, "caf\xc3\xa9");
        expect(utf8_sanitize_visible, "ab\x1b", 6, "ab"); /* an escape is never cut */
        /* a right-to-left override and a line separator in a file name */
        expect(utf8_sanitize_visible, "/bin/\xe2\x80\xaeppa.txt\xe2\x80\xa8x", 64,
               "/bin/\\u202eppa.txt\\u2028x");
        expect(utf8_sanitize_visible,
               "\xe2\x81\xa6"
               "a\xe2\x81\xa9\xe2\x80\x8f",
               64, "\\u2066a\\u2069\\u200f");
        CHECK(utf8_needs_cleaning("\xe2\x80\xae"));
        CHECK(utf8_needs_cleaning("a\rb") && utf8_needs_cleaning("\xc0") &&
              !utf8_needs_cleaning("caf\xc3\xa9"));
}

HARNESS_MAIN(RUN(sanitize_replaces_invalid_bytes_only); RUN(visible_escapes_control_characters))
