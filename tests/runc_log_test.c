/* The runc log line: the only channel to `docker run`'s error text, so it
 * must be exactly what containerd's shim decodes, whatever the message holds. */
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/path.h"
#include "../oci/rfc3339.h"
#include "../oci/utf8.h"
#include "../shim/runc_log.h"

static const struct timespec t0 = {.tv_sec = 1795290000, .tv_nsec = 123456789};

TEST(json_line_shape)
{
        char out[512];
        struct eg_error err = {0};
        int n = runc_log_format("error", true, "no", t0, out, sizeof out, &err);

        CHECK(n > 0);
        CHECK_STR(out, "{\"level\":\"error\",\"msg\":\"no\",\"time\":\"2026-11-21T19:40:00Z\"}\n");
}

TEST(json_escapes_hostile_text)
{
        char out[512];
        struct eg_error err = {0};
        int n = runc_log_format("error", true, "a\"b\\c\nd\te\x01/\xff\xfe end", t0, out,
                                sizeof out, &err);

        CHECK(n > 0);
        CHECK(strchr(out, '\n') == out + n - 1); /* one line: the only raw newline ends it */
        /* control characters are shown as escapes (a reader that decodes
         * the JSON gets "\\n", not a line break), then JSON-escaped */
        CHECK(strstr(out, "a\\\"b\\\\c\\\\nd\\\\te\\\\x01/\xef\xbf\xbd\xef\xbf\xbd end") != NULL);
}

TEST(text_line_shape)
{
        char out[512];
        struct eg_error err = {0};

        CHECK(runc_log_format("error", false, "say \"hi\"\n", t0, out, sizeof out, &err) > 0);
        CHECK_STR(out, "time=\"2026-11-21T19:40:00Z\" level=error msg=\"say \\\"hi\\\"\\\\n\"\n");
}

TEST(too_small_buffer_is_an_error)
{
        char out[16];
        struct eg_error err = {0};
        CHECK(runc_log_format("error", true, "a message", t0, out, sizeof out, &err) == -1);
        CHECK(runc_log_format("error", false, "a message", t0, out, sizeof out, &err) == -1);
}

TEST(append_keeps_earlier_lines)
{
        char path[] = "/tmp/edgeguard-log-XXXXXX";
        int fd = mkstemp(path);
        char buf[1024] = "";
        struct eg_error err = {0};

        CHECK(fd >= 0);
        CHECK(write(fd, "first\n", 6) == 6);
        CHECK(runc_log_append(path, true, "error", "second", &err) == 0);
        CHECK(pread(fd, buf, sizeof buf - 1, 0) > 6);
        CHECK(strncmp(buf, "first\n{\"level\":\"error\",\"msg\":\"second\"", 36) == 0);
        close(fd);
        unlink(path);
}

TEST(append_refuses_a_directory)
{
        struct eg_error err = {0};
        CHECK(runc_log_append("/tmp", true, "error", "x", &err) == -1);
        CHECK(strstr(err.msg, "/tmp") != NULL);
}

TEST(rfc3339_micro)
{
        char s[RFC3339_MAX];
        rfc3339_format(t0, true, s);
        CHECK_STR(s, "2026-11-21T19:40:00.123456Z");
}

TEST(utf8_strict)
{
        uint32_t cp;
        CHECK(utf8_decode((const unsigned char *)"\xc5\xbf", 2, &cp) == 2 && cp == 0x17f);
        CHECK(utf8_decode((const unsigned char *)"\xe2\x84\xaa", 3, &cp) == 3 && cp == 0x212a);
        CHECK(utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp) == 0);     /* overlong */
        CHECK(utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp) == 0); /* surrogate */
        CHECK(utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp) == 0);
        CHECK(utf8_decode((const unsigned char *)"\xe2\x84", 2, &cp) == 0); /* truncated */
}

TEST(utf8_sanitize_cuts_at_a_boundary)
{
        char out[6];
        utf8_sanitize("ab\xe2\x84\xaa", out, sizeof out); /* 5 bytes need 6 with NUL */
        CHECK_STR(out, "ab\xe2\x84\xaa");
        utf8_sanitize("abc\xe2\x84\xaa", out, sizeof out);
        CHECK_STR(out, "abc");
}

TEST(path_join_clean_like_go)
{
        static const char *const cases[][3] = {
                {"/run/x", "bundle", "/run/x/bundle"},
                {"/run/x", "/abs//b/", "/abs/b"},
                {"/run/x", "../y/./z", "/run/y/z"},
                {"/", "../../..", "/"},
                {"/a", "", "/a"},
                {"/a/b", "..", "/a"},
                {"/a", "b/../../c", "/c"},
                {"/", ".", "/"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
                char out[64];
                struct eg_error err = {0};
                CHECK(path_join_clean(cases[i][0], cases[i][1], out, sizeof out, &err) == 0);
                CHECK_STR(out, cases[i][2]);
        }
        char small[8];
        struct eg_error err = {0};
        CHECK(path_join_clean("/", "a/very/long/path", small, sizeof small, &err) == -1);
        CHECK(path_join_clean("rel", "x", small, sizeof small, &err) == -1);
}

HARNESS_MAIN(RUN(json_line_shape); RUN(json_escapes_hostile_text); RUN(text_line_shape);
             RUN(too_small_buffer_is_an_error); RUN(append_keeps_earlier_lines);
             RUN(append_refuses_a_directory); RUN(rfc3339_micro); RUN(utf8_strict);
             RUN(utf8_sanitize_cuts_at_a_boundary); RUN(path_join_clean_like_go))
