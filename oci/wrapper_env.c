/* env's grammar (GNU coreutils 9.1 env.c, a superset of busybox's):
 * getopt_long "+C:iS:u:v0" and the long options below; then `-` (as -i),
 * NAME=VALUE words (any word holding '=': env never runs a program whose
 * name has one), then the program, found by execvp with the PATH those
 * options leave. */
#include <string.h>

#include "wrapper_impl.h"

#define ENV_SPLITS_MAX 4 /* -S inside -S: each one restarts the scan */

struct env_state {
        bool path_set;
        const char *path; /* NULL: unset */
        size_t path_len;
        const char *chdir;
        bool null;
};

/* -S STRING: its words in place of the option, then the scan restarts
 * (GNU's parse_split_string).  Only plain words and quotes are taken:
 * escapes and ${VAR} depend on env's expansion, so they stop the walk. */
static int split_string(const struct wrapper_argv *in, size_t at, const char *s,
                        struct wrapper_argv *out, struct wrapper_step *step)
{
        out->argc = out->store_used = 0;
        wrapper_push(out, in->argv[0], strlen(in->argv[0]));
        while (*s) {
                char word[WRAPPER_STORE_SIZE];
                size_t n = 0;
                while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\v' || *s == '\f' ||
                       *s == '\r')
                        s++;
                if (*s == '\0' || *s == '#')
                        break;
                while (*s && !strchr(" \t\n\v\f\r", *s) && n + 1 < sizeof(word)) {
                        if (*s == '\\' || *s == '$') {
                                unclear(step, "env -S with escapes or ${VAR}: not looked through");
                                return -1;
                        }
                        if (*s == '\'' || *s == '"') {
                                const char *end = strchr(s + 1, *s);
                                if (end == NULL || memchr(s + 1, '\\', (size_t)(end - s - 1)) ||
                                    (*s == '"' && memchr(s + 1, '$', (size_t)(end - s - 1)))) {
                                        unclear(step, "env -S with quoting env would expand: not "
                                                      "looked through");
                                        return -1;
                                }
                                size_t len = (size_t)(end - s - 1);
                                if (n + len + 1 >= sizeof(word))
                                        break;
                                memcpy(word + n, s + 1, len);
                                n += len;
                                s = end + 1;
                                continue;
                        }
                        word[n++] = *s++;
                }
                if (wrapper_push(out, word, n) < 0)
                        goto full;
        }
        for (size_t i = at + 1; i < in->argc; i++)
                if (wrapper_push(out, in->argv[i], strlen(in->argv[i])) < 0)
                        goto full;
        return 0;
full:
        unclear(step, "env -S: more words than edgeguard follows (%d)", WRAPPER_ARGS_MAX);
        return -1;
}

/* The option's argument: the rest of the word, or the next word. */
static const char *option_arg(const struct wrapper_argv *a, size_t *i, const char *rest)
{
        if (rest && rest[0])
                return rest;
        return ++*i < a->argc ? a->argv[*i] : NULL;
}

enum scan { SCAN_OPERANDS, SCAN_RESTART, SCAN_STOP };

static enum scan long_opt(const struct wrapper_argv *a, size_t *i, struct env_state *st,
                          const char **split, struct wrapper_step *out)
{
        static const char *const names[] = {"ignore-environment",
                                            "null",
                                            "unset",
                                            "chdir",
                                            "split-string",
                                            "debug",
                                            "block-signal",
                                            "default-signal",
                                            "ignore-signal",
                                            "list-signal-handling",
                                            "help",
                                            "version",
                                            NULL};
        const char *w = a->argv[*i], *eq = strchr(w, '='), *v;
        int k = wrapper_long_option(w + 2, names);

        if (k < 0 || k >= 10) {
                note(out, "env %.60s runs nothing", w);
                return SCAN_STOP;
        }
        if (k == 0)
                st->path_set = true, st->path = NULL;
        else if (k == 1)
                st->null = true;
        else if (k >= 2 && k <= 4) {
                if ((v = option_arg(a, i, eq ? eq + 1 : NULL)) == NULL) {
                        note(out, "env %.60s lacks its argument: it exits", w);
                        return SCAN_STOP;
                }
                if (k == 2 && strcmp(v, "PATH") == 0)
                        st->path_set = true, st->path = NULL;
                else if (k == 3)
                        st->chdir = v;
                else if (k == 4)
                        return *split = v, SCAN_RESTART;
        }
        return SCAN_OPERANDS;
}

static enum scan short_opts(const struct wrapper_argv *a, size_t *i, struct env_state *st,
                            const char **split, struct wrapper_step *out)
{
        const char *w = a->argv[*i], *v;

        for (size_t k = 1; w[k]; k++) {
                switch (w[k]) {
                case 'i':
                        st->path_set = true, st->path = NULL;
                        continue;
                case '0':
                        st->null = true;
                        continue;
                case 'v':
                        continue;
                case 'u':
                case 'C':
                case 'S':
                        if ((v = option_arg(a, i, w + k + 1)) == NULL) {
                                note(out, "env -%c lacks its argument: it exits", w[k]);
                                return SCAN_STOP;
                        }
                        if (w[k] == 'u' && strcmp(v, "PATH") == 0)
                                st->path_set = true, st->path = NULL;
                        else if (w[k] == 'C')
                                st->chdir = v;
                        else if (w[k] == 'S')
                                return *split = v, SCAN_RESTART;
                        return SCAN_OPERANDS;
                }
                note(out, "env does not take the option -%c: it exits", w[k]);
                return SCAN_STOP;
        }
        return SCAN_OPERANDS;
}

void wrapper_env(const struct wrapper_argv *in, struct wrapper_step *out)
{
        struct wrapper_argv bufs[2];
        const struct wrapper_argv *a = in;
        struct env_state st = {0};
        size_t i, splits = 0;

restart:
        for (i = 1; i < a->argc; i++) {
                const char *w = a->argv[i], *split = NULL;
                enum scan s;
                if (strcmp(w, "--") == 0) {
                        i++;
                        break;
                }
                if (w[0] != '-' || w[1] == '\0')
                        break;
                s = w[1] == '-' ? long_opt(a, &i, &st, &split, out)
                                : short_opts(a, &i, &st, &split, out);
                if (s == SCAN_STOP)
                        return;
                if (s == SCAN_RESTART) {
                        struct wrapper_argv *next = &bufs[splits % 2];
                        if (++splits > ENV_SPLITS_MAX) {
                                unclear(out, "env -S nested more than %d deep", ENV_SPLITS_MAX);
                                return;
                        }
                        if (split_string(a, i, split, next, out) < 0)
                                return;
                        /* GNU keeps the options already seen */
                        a = next;
                        goto restart;
                }
        }
        if (i < a->argc && strcmp(a->argv[i], "-") == 0)
                st.path_set = true, st.path = NULL, i++;
        for (; i < a->argc && strchr(a->argv[i], '='); i++)
                if (strncmp(a->argv[i], "PATH=", 5) == 0)
                        st.path_set = true, st.path = a->argv[i] + 5;
        if (i >= a->argc) {
                note(out, "env without a program prints the environment and runs nothing");
                return;
        }
        if (st.null) {
                note(out, "env -0 with a program fails without running it");
                return;
        }
        wrapper_next_from(out, a, i);
        if (out->outcome != WRAPPER_NEXT)
                return;
        out->path_set = st.path_set;
        if (st.path)
                out->path = wrapper_keep(&out->next, st.path, strlen(st.path));
        if (st.chdir)
                out->chdir = wrapper_keep(&out->next, st.chdir, strlen(st.chdir));
        if ((st.path && !out->path) || (st.chdir && !out->chdir)) {
                out->outcome = WRAPPER_STOP;
                unclear(out, "env's arguments are longer than edgeguard follows");
        }
}
