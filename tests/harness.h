/* A tiny unit-test harness: TEST(name) defines a case, CHECK records a
 * failure and goes on, main() comes from HARNESS_MAIN(list of RUN(...)).
 * Output: "ok - name" / "not ok - name" per case and "N passed, N failed". */
#ifndef EDGEGUARD_HARNESS_H
#define EDGEGUARD_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_passed, harness_failed, harness_case_failed;

#define CHECK(cond)                                                                  \
        do {                                                                         \
                if (!(cond)) {                                                       \
                        printf("#   %s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
                        harness_case_failed = 1;                                     \
                }                                                                    \
        } while (0)

static inline int harness_streq(const char *a, const char *b)
{
        return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

#define CHECK_STR(a, b)                                                                          \
        do {                                                                                     \
                const char *a_ = (a), *b_ = (b);                                                 \
                if (!harness_streq(a_, b_)) {                                                    \
                        printf("#   %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                               #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                      \
                        harness_case_failed = 1;                                                 \
                }                                                                                \
        } while (0)

#define TEST(name) static void name(void)

/* mkdtemp of $TMPDIR/edgeguard-NAME-XXXXXX (tests/run gives each program
 * its own TMPDIR and removes it even after a crash).  NULL on failure. */
static inline char *harness_mkdtemp(char *out, size_t size, const char *name)
{
        const char *tmp = getenv("TMPDIR");

        snprintf(out, size, "%s/edgeguard-%s-XXXXXX", tmp && tmp[0] ? tmp : "/tmp", name);
        return mkdtemp(out);
}

/* A shell command that must succeed: mkdir, cp, ln in test fixtures. */
__attribute__((format(printf, 1, 2))) static inline void harness_sh(const char *fmt, ...)
{
        char cmd[2048];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        CHECK(system(cmd) == 0);
}

/* Where hack/fetch-foreign-binaries.sh put the foreign executables. */
static inline const char *harness_foreign_dir(void)
{
        const char *dir = getenv("EDGEGUARD_FOREIGN");
        return dir && dir[0] ? dir : "build/foreign";
}

static inline void harness_run(const char *name, void (*fn)(void))
{
        harness_case_failed = 0;
        fn();
        printf("%s - %s\n", harness_case_failed ? "not ok" : "ok", name);
        if (harness_case_failed)
                harness_failed++;
        else
                harness_passed++;
        fflush(stdout);
}

#define RUN(name) harness_run(#name, name)

#define HARNESS_MAIN(...)                                                         \
        int main(void)                                                            \
        {                                                                         \
                __VA_ARGS__;                                                      \
                printf("%d passed, %d failed\n", harness_passed, harness_failed); \
                return harness_failed != 0;                                       \
        }

#endif
