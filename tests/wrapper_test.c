/* The wrappers' option grammars, the kernel's #! line, and the escaping of
 * control characters: pure functions, every case an input a real image
 * uses or an attacker would try. */
#include "../oci/shebang.h"
#include "../oci/utf8.h"
#include "../oci/wrapper.h"
#include "harness.h"

static struct wrapper_step st;

/* argv as a NUL-separated list, then the expected program ("" for a STOP,
 * NULL for not a wrapper). */
static void step(const char *words, const char *program)
{
        const char *argv[WRAPPER_ARGS_MAX];
        struct wrapper_argv in;
        size_t n = 0;

        for (const char *w = words; *w && n < WRAPPER_ARGS_MAX; w += strlen(w) + 1)
                argv[n++] = w;
        wrapper_argv_from(&in, argv, n);
        wrapper_step(&in, &st);
        if (program == NULL) {
                CHECK(st.outcome == WRAPPER_NONE);
        } else if (program[0] == '\0') {
                if (st.outcome != WRAPPER_STOP)
                        printf("#   %s: expected a stop, got %s\n", words,
                               st.outcome == WRAPPER_NEXT ? st.next.argv[0] : "none");
                CHECK(st.outcome == WRAPPER_STOP);
                CHECK(st.note[0] != '\0');
        } else {
                if (st.outcome != WRAPPER_NEXT)
                        printf("#   %s: stopped: %s\n", words, st.note);
                CHECK(st.outcome == WRAPPER_NEXT);
                if (st.outcome == WRAPPER_NEXT)
                        CHECK_STR(st.next.argv[0], program);
        }
}

#define W(...) (const char *)(__VA_ARGS__ "\0")

TEST(tini_and_docker_init)
{
        step(W("/sbin/docker-init\0--\0/opt/app\0-v"), "/opt/app");
        CHECK(st.next.argc == 2);
        CHECK_STR(st.wrapper, "tini");
        step(W("tini\0-s\0-g\0--\0app"), "app");
        step(W("tini\0-sg\0-e\0143\0app\0x"), "app");
        step(W("tini\0-e143\0app"), "app");
        step(W("tini-static\0-p\0SIGTERM\0app"), "app");
        /* glibc getopt permutes: -v after the program is still tini's */
        step(W("tini\0app\0-v\0arg"), "app");
        CHECK(st.next.argc == 2);
        CHECK_STR(st.next.argv[1], "arg");
        /* after "--" everything is the program's */
        step(W("tini\0--\0gosu\0-v"), "gosu");
        CHECK_STR(st.next.argv[1], "-v");
        /* -e's argument is never the program */
        step(W("tini\0-e\0/opt/not-this\0/opt/app"), "/opt/app");
        step(W("tini\0-h\0app"), "");
        step(W("tini\0-l"), "");
        step(W("tini\0--version"), "");
        step(W("tini\0-x\0app"), "");
        step(W("tini\0--long\0app"), "");
        step(W("tini\0-e"), "");
        step(W("tini\0-s"), "");
        step(W("tini"), "");
}

TEST(dumb_init)
{
        step(W("dumb-init\0--\0/opt/app"), "/opt/app");
        step(W("/usr/bin/dumb-init\0/opt/app\0--verbose"), "/opt/app");
        CHECK_STR(st.next.argv[1], "--verbose"); /* "+": stops at the program */
        step(W("dumb-init\0-c\0-r\0"
               "15:3\0app"),
             "app");
        step(W("dumb-init\0--rewrite\0"
               "15:3\0app"),
             "app");
        step(W("dumb-init\0--rewrite=15:3\0--single-child\0app"), "app");
        step(W("dumb-init\0--single\0app"), "app"); /* a unique prefix */
        step(W("dumb-init\0-vc\0app"), "app");
        step(W("dumb-init\0-r15:3\0app"), "app");
        step(W("dumb-init\0--help\0app"), "");
        step(W("dumb-init\0-V\0app"), "");
        step(W("dumb-init\0--ver\0app"), ""); /* --verbose or --version: ambiguous */
        step(W("dumb-init\0-x\0app"), "");
        step(W("dumb-init\0-c"), "");
}

TEST(gosu_and_su_exec)
{
        step(W("gosu\0nobody\0/opt/app\0-x"), "/opt/app");
        CHECK(st.go_lookpath);
        CHECK(st.next.argc == 2);
        step(W("gosu\0"
               "1000:1000\0app"),
             "app");
        step(W("gosu\0-h\0x\0y"), "");
        step(W("gosu\0--version\0x\0y"), "");
        step(W("gosu\0nobody"), "");
        step(W("su-exec\0nobody\0app"), "app");
        CHECK(!st.go_lookpath);
        step(W("su-exec\0nobody"), "");
}

TEST(env_grammar)
{
        step(W("env\0app"), "app");
        CHECK(!st.path_set);
        step(W("/usr/bin/env\0A=1\0B=2\0app\0C=3"), "app");
        CHECK_STR(st.next.argv[1], "C=3");
        step(W("env\0PATH=/foreign:/bin\0sh"), "sh");
        CHECK(st.path_set);
        CHECK_STR(st.path, "/foreign:/bin");
        step(W("env\0-i\0app"), "app");
        CHECK(st.path_set && st.path == NULL);
        step(W("env\0-\0app"), "app");
        CHECK(st.path_set && st.path == NULL);
        step(W("env\0-u\0PATH\0app"), "app");
        CHECK(st.path_set && st.path == NULL);
        step(W("env\0-uHOME\0app"), "app");
        CHECK(!st.path_set);
        step(W("env\0--unset=PATH\0app"), "app");
        CHECK(st.path_set && st.path == NULL);
        step(W("env\0-u\0app"), ""); /* -u takes app: no program */
        step(W("env\0-C\0/srv\0./run"), "./run");
        CHECK_STR(st.chdir, "/srv");
        step(W("env\0--chdir=/srv\0./run"), "./run");
        step(W("env\0--\0app"), "app");
        step(W("env\0-v\0--ignore-environment\0app"), "app");
        step(W("env\0--ignore-e\0app"), "app"); /* getopt_long's prefixes */
        step(W("env\0--ign\0app"), "");         /* ignore-environment or ignore-signal */
        step(W("env\0--default-signal=PIPE\0app"), "app");
        step(W("env\0-S\0-i PATH=/x prog arg\0tail"), "prog");
        CHECK(st.path_set);
        CHECK_STR(st.path, "/x");
        CHECK(st.next.argc == 3);
        CHECK_STR(st.next.argv[2], "tail");
        step(W("env\0-S bash -e\0/app/run.sh"), "bash"); /* a #! line's one argument */
        CHECK_STR(st.next.argv[1], "-e");
        CHECK_STR(st.next.argv[2], "/app/run.sh");
        step(W("env\0-S'my prog' x"), "my prog");
        step(W("env\0-S${APP}"), "");
        step(W("env\0-Sa\\_b"), "");
        CHECK(st.unclear);
        step(W("env"), "");
        step(W("env\0A=1"), "");
        step(W("env\0-0\0app"), "");
        step(W("env\0--help\0app"), "");
        CHECK(!st.unclear);
        step(W("env\0--version"), "");
        step(W("env\0-z\0app"), "");
        step(W("env\0-S"), "");
}

TEST(shell_c)
{
        step(W("sh\0-c\0exec /opt/app --flag"), "/opt/app");
        CHECK(st.next.argc == 2);
        CHECK_STR(st.next.argv[1], "--flag");
        step(W("/bin/sh\0-c\0/opt/app"), "/opt/app");
        step(W("bash\0-ec\0  A=1 B='x y' exec  app arg"), "app");
        step(W("bash\0-lc\0PATH=/foreign:/bin exec sh"), "sh");
        CHECK(st.path_set);
        CHECK_STR(st.path, "/foreign:/bin");
        step(W("dash\0-e\0-o\0pipefail\0-c\0app; other"), "app");
        CHECK(st.next.argc == 1);
        step(W("ash\0-c\0'/opt/my app' x"), "/opt/my app");
        step(W("sh\0-c\0\"/opt/app\" x"), "/opt/app");
        step(W("sh\0-c\0exec -- app"), "app");
        step(W("sh\0-c\0app && other"), "app");
        step(W("sh\0-c\0app >/dev/null 2>&1"), "app");
        step(W("sh\0-c\0# comment\nexec app"), "app");
        step(W("bash\0--norc\0-c\0app"), "app");
        step(W("sh\0-c\0exec \"$APP\""), "");
        CHECK(st.unclear);
        step(W("sh\0-c\0$APP"), "");
        step(W("sh\0-c\0`which app`"), "");
        step(W("sh\0-c\0/opt/*/app"), "");
        step(W("sh\0-c\0~/app"), "");
        step(W("sh\0-c\0cd /app && exec ./run"), "");
        step(W("sh\0-c\0echo hi"), "");
        step(W("sh\0-c\0exec -a name app"), "");
        step(W("sh\0-c\0>log app"), "");
        step(W("sh\0-c\0(app)"), "");
        step(W("sh\0-c\0exec"), "");
        CHECK(!st.unclear);
        step(W("sh\0-c\0"), "");
        step(W("sh\0-c"), "");
        step(W("sh\0/app/script.sh"), ""); /* a script read, not a program executed */
        step(W("sh"), "");
        step(W("sh\0-c\0'unterminated"), "");
        step(W("bash\0--version\0-c\0x"), "");
}

TEST(busybox_applets)
{
        step(W("/bin/busybox\0sh\0-c\0exec /opt/app"), "/opt/app");
        step(W("busybox\0env\0PATH=/x\0app"), "app");
        CHECK_STR(st.path, "/x");
        step(W("busybox\0ls\0/opt/app"), NULL);
        step(W("busybox\0/bin/sh\0-c\0app"), "app"); /* busybox takes the last component */
        step(W("busybox"), NULL);
        step(W("busybox\0busybox\0/bin/busybox\0env\0app"), "app");
}

TEST(more_words_than_kept)
{
        const char *argv[WRAPPER_ARGS_MAX + 8];
        struct wrapper_argv in;
        size_t n = 0;

        argv[n++] = "tini";
        while (n < WRAPPER_ARGS_MAX + 4)
                argv[n++] = "-v";
        argv[n++] = "/opt/app";
        wrapper_argv_from(&in, argv, n);
        CHECK(in.truncated);
        wrapper_step(&in, &st);
        CHECK(st.outcome == WRAPPER_STOP); /* the program is past what is kept */
        CHECK(st.unclear);
}

TEST(not_wrappers)
{
        step(W("/opt/app\0--\0/opt/other"), NULL);
        step(W("tinyproxy\0app"), NULL);
        step(W("envoy\0-c\0x"), NULL);
        step(W("/usr/bin/gosu-like\0u\0app"), NULL);
}

TEST(shebang_lines)
{
        struct shebang sb;

        CHECK(shebang_parse((const unsigned char *)"#!/bin/sh\n", 10, &sb) == 0);
        CHECK_STR(sb.interp, "/bin/sh");
        CHECK(!sb.has_arg && !sb.crlf);
        CHECK(shebang_parse((const unsigned char *)"#! /usr/bin/env  bash -e \t\nx", 28, &sb) == 0);
        CHECK_STR(sb.interp, "/usr/bin/env");
        CHECK_STR(sb.arg, "bash -e"); /* one argument, inner spaces kept */
        CHECK(shebang_parse((const unsigned char *)"#!/bin/bash\r\necho", 17, &sb) == 0);
        CHECK_STR(sb.interp, "/bin/bash\r");
        CHECK(sb.crlf);
        CHECK(shebang_parse((const unsigned char *)"#!/usr/bin/env bash\r\n", 21, &sb) == 0);
        CHECK_STR(sb.interp, "/usr/bin/env");
        CHECK_STR(sb.arg, "bash\r");
        CHECK(sb.crlf);
        CHECK(shebang_parse((const unsigned char *)"#!/bin/sh", 9, &sb) == 0); /* no newline */
        CHECK_STR(sb.interp, "/bin/sh");
        CHECK(shebang_parse((const unsigned char *)"#!\n", 3, &sb) < 0);
        CHECK(shebang_parse((const unsigned char *)"#!   \t\n", 7, &sb) < 0);
        CHECK(shebang_parse((const unsigned char *)"#x/bin/sh\n", 10, &sb) < 0);

        unsigned char longline[300];
        memset(longline, 'a', sizeof(longline));
        longline[0] = '#', longline[1] = '!', longline[2] = '/';
        CHECK(shebang_parse(longline, sizeof(longline), &sb) < 0); /* cut by 256 bytes */
        longline[100] = ' ';
        CHECK(shebang_parse(longline, sizeof(longline), &sb) == 0); /* the argument is cut */
        CHECK(strlen(sb.interp) == 98);
        CHECK(strlen(sb.arg) == 255 - 101);
}

TEST(control_characters_shown_escaped)
{
        char out[128];

        utf8_sanitize_visible("/bin/bash\r is \x1b[31mred\n\t\x7f \xc2\x85 \xff ok", out,
                              sizeof(out));
        CHECK_STR(out, "/bin/bash\\r is \\x1b[31mred\\n\\t\\x7f \\u0085 \xef\xbf\xbd ok");
        CHECK(utf8_needs_cleaning("a\rb"));
        CHECK(utf8_needs_cleaning("\xc2\x9b"));
        CHECK(!utf8_needs_cleaning("C:\\app\\x.exe \xc3\xa9"));
        utf8_sanitize_visible("\r\r\r\r", out, 7); /* never a half escape */
        CHECK_STR(out, "\\r\\r\\r");
}

int main(void)
{
        RUN(tini_and_docker_init);
        RUN(dumb_init);
        RUN(gosu_and_su_exec);
        RUN(env_grammar);
        RUN(shell_c);
        RUN(busybox_applets);
        RUN(more_words_than_kept);
        RUN(not_wrappers);
        RUN(shebang_lines);
        RUN(control_characters_shown_escaped);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
