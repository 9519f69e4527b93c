/* The programs images start their workload through, and what each of them
 * executes, read with each one's own option grammar.  A documented set,
 * matched by the name the wrapper is invoked as (argv[0]'s last component,
 * which is also how a multi-call binary such as busybox picks its applet):
 *
 *   tini, tini-static, docker-init  tini 0.19: getopt "p:hvwgle:s" (glibc,
 *                                   permuting), then execvp(first operand)
 *   dumb-init                       1.2: getopt_long "+hvVcr:" (--rewrite,
 *                                   --single-child, --verbose), execvp
 *   gosu                            1.x: `gosu USER PROG ARGS`, Go LookPath
 *   su-exec                         `su-exec USER PROG ARGS`, execvp
 *   env                             GNU coreutils 9 / busybox: -i, -0, -v,
 *                                   -u NAME, -C DIR, -S STRING, the signal
 *                                   options, `-`, `--`, NAME=VALUE (PATH
 *                                   among them changes the search), execvp
 *   sh, bash, dash, ash             `-c COMMAND`: the first word of the
 *                                   command's first simple command, after
 *                                   NAME=VALUE assignments and `exec`
 *   busybox APPLET ...              the applet's grammar, when it is one above
 *
 * Only the argument the wrapper will execute is ever returned: a wrapper
 * that would exit instead (--help, an unknown option, no program) or whose
 * program cannot be told without running a shell (expansions, quoting
 * beyond the simple kinds, builtins) stops the walk with a note. */
#ifndef EDGEGUARD_WRAPPER_H
#define EDGEGUARD_WRAPPER_H

#include <stdbool.h>
#include <stddef.h>

#define WRAPPER_ARGS_MAX   64   /* words kept of a wrapped program's argv */
#define WRAPPER_STORE_SIZE 4096 /* bytes of words split from a string */

/* An argv: pointers into the caller's strings or into store. */
struct wrapper_argv {
        size_t argc;
        const char *argv[WRAPPER_ARGS_MAX];
        char store[WRAPPER_STORE_SIZE];
        size_t store_used;
        bool truncated; /* words past WRAPPER_ARGS_MAX were left out */
};

enum wrapper_outcome {
        WRAPPER_NONE, /* argv[0] is not a wrapper of the set */
        WRAPPER_NEXT, /* it executes next.argv[0] */
        WRAPPER_STOP, /* a wrapper that executes nothing that can be told: see note */
};

struct wrapper_step {
        enum wrapper_outcome outcome;
        const char *wrapper; /* the documented name: "tini", "env", "sh", ... */
        bool go_lookpath;    /* Go's exec.LookPath (gosu), not execvp */
        /* The environment the program is searched with: path_set with
         * path NULL means PATH unset (execvp then searches /bin:/usr/bin). */
        bool path_set;
        const char *path;
        const char *chdir; /* env -C: relative names are looked up from there */
        char note[200];
        /* a STOP where the wrapper does run a program, but which one cannot
         * be told without running the shell (expansions, builtins first,
         * env -S escapes, more words than kept): rule unknown's to judge */
        bool unclear;
        struct wrapper_argv next;
};

/* Fills *out from `in` (in is not kept: out->next copies what it needs,
 * or points at strings in.argv points at). */
void wrapper_step(const struct wrapper_argv *in, struct wrapper_step *out);

/* An argv that points at caller strings (at most WRAPPER_ARGS_MAX). */
void wrapper_argv_from(struct wrapper_argv *a, const char *const *argv, size_t argc);

/* Copies n bytes of s into a's store; NULL when it is full. */
const char *wrapper_keep(struct wrapper_argv *a, const char *s, size_t n);

/* Appends a copy of n bytes of s to a's argv; -1 when full. */
int wrapper_push(struct wrapper_argv *a, const char *s, size_t n);

#endif
