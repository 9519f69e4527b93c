#include "wrapper.h"

#include <stdio.h>
#include <string.h>

#include "wrapper_impl.h"

void wrapper_argv_from(struct wrapper_argv *a, const char *const *argv, size_t argc)
{
        a->argc = argc < WRAPPER_ARGS_MAX ? argc : WRAPPER_ARGS_MAX;
        for (size_t i = 0; i < a->argc; i++)
                a->argv[i] = argv[i];
        a->store_used = 0;
        a->truncated = argc > WRAPPER_ARGS_MAX;
}

const char *wrapper_keep(struct wrapper_argv *a, const char *s, size_t n)
{
        char *p;

        if (n + 1 > sizeof(a->store) - a->store_used)
                return NULL;
        p = a->store + a->store_used;
        memcpy(p, s, n);
        p[n] = '\0';
        a->store_used += n + 1;
        return p;
}

int wrapper_push(struct wrapper_argv *a, const char *s, size_t n)
{
        const char *p;

        if (a->argc == WRAPPER_ARGS_MAX || (p = wrapper_keep(a, s, n)) == NULL)
                return -1;
        a->argv[a->argc++] = p;
        return 0;
}

/* The program at in->argv[first] and its arguments: the others listed
 * in order (indexes into in->argv), copied into out->next. */
static void next_is(struct wrapper_step *out, const struct wrapper_argv *in, const size_t *idx,
                    size_t n)
{
        out->next.argc = 0;
        out->next.store_used = 0;
        for (size_t i = 0; i < n; i++)
                if (wrapper_push(&out->next, in->argv[idx[i]], strlen(in->argv[idx[i]])) < 0) {
                        out->next.truncated = true;
                        break; /* the program itself always fits: it is argv's first */
                }
        out->outcome = out->next.argc ? WRAPPER_NEXT : WRAPPER_STOP;
}

void wrapper_next_from(struct wrapper_step *out, const struct wrapper_argv *in, size_t from)
{
        size_t idx[WRAPPER_ARGS_MAX], n = 0;

        for (size_t i = from; i < in->argc; i++)
                idx[n++] = i;
        if (n == 0) {
                out->outcome = WRAPPER_STOP;
                note(out, "%s is given no program to run", out->wrapper);
                return;
        }
        next_is(out, in, idx, n);
}

/* ---- getopt, the way glibc scans short options ---- */

int wrapper_short_cluster(const struct wrapper_argv *in, size_t *i, const char *optstring,
                          char seen[WRAPPER_SEEN_MAX])
{
        const char *w = in->argv[*i];
        size_t n = 0;

        seen[0] = '\0';
        for (size_t k = 1; w[k]; k++) {
                const char *o = w[k] == ':' ? NULL : strchr(optstring, w[k]);
                if (n + 1 < WRAPPER_SEEN_MAX)
                        seen[n++] = w[k], seen[n] = '\0';
                if (o == NULL)
                        return -1;
                if (o[1] == ':') {
                        if (w[k + 1])
                                return 0; /* -e5 */
                        return ++*i < in->argc ? 0 : -1;
                }
        }
        return 0;
}

/* tini: glibc getopt without '+' permutes, so an option after the program
 * is still tini's; the program is the first operand, the operands keep
 * their order, and "--" ends the scan. */
static void tini(const struct wrapper_argv *in, struct wrapper_step *out)
{
        size_t idx[WRAPPER_ARGS_MAX], n = 0;

        if (in->argc == 2 && strcmp(in->argv[1], "--version") == 0) {
                note(out, "tini --version runs nothing");
                return;
        }
        for (size_t i = 1; i < in->argc; i++) {
                const char *w = in->argv[i];
                char seen[WRAPPER_SEEN_MAX];
                if (strcmp(w, "--") == 0) {
                        while (++i < in->argc)
                                idx[n++] = i;
                        break;
                }
                if (w[0] != '-' || w[1] == '\0') {
                        idx[n++] = i;
                        continue;
                }
                if (w[1] == '-' || wrapper_short_cluster(in, &i, "p:hvwgle:s", seen) < 0) {
                        note(out, "tini does not take the option %.60s: it exits", w);
                        return;
                }
                if (strpbrk(seen, "hl")) {
                        note(out, "tini -%c prints its %s and runs nothing",
                             strchr(seen, 'h') ? 'h' : 'l',
                             strchr(seen, 'h') ? "usage" : "license");
                        return;
                }
        }
        if (n == 0) {
                note(out, "tini is given no program to run");
                return;
        }
        next_is(out, in, idx, n);
}

int wrapper_long_option(const char *w, const char *const *names)
{
        size_t len = strcspn(w, "=");
        int found = -1;

        for (int k = 0; names[k]; k++) {
                if (strncmp(names[k], w, len) != 0)
                        continue;
                if (names[k][len] == '\0')
                        return k;
                if (found >= 0)
                        return -1;
                found = k;
        }
        return found;
}

/* dumb-init: getopt_long "+hvVcr:", stops at the first operand. */
static void dumb_init(const struct wrapper_argv *in, struct wrapper_step *out)
{
        static const char *const names[] = {"help",    "single-child", "rewrite",
                                            "verbose", "version",      NULL};
        size_t i;

        for (i = 1; i < in->argc; i++) {
                const char *w = in->argv[i];
                char seen[WRAPPER_SEEN_MAX];
                if (strcmp(w, "--") == 0) {
                        i++;
                        break;
                }
                if (w[0] != '-' || w[1] == '\0')
                        break;
                if (w[1] == '-') {
                        int k = wrapper_long_option(w + 2, names);
                        if (k < 0 || k == 0 || k == 4) {
                                note(out, "dumb-init %.60s runs nothing", w);
                                return;
                        }
                        if (k == 2 && strchr(w, '=') == NULL && ++i >= in->argc)
                                break;
                        continue;
                }
                if (wrapper_short_cluster(in, &i, "hvVcr:", seen) < 0 || strpbrk(seen, "hV")) {
                        note(out, "dumb-init %.60s runs nothing", w);
                        return;
                }
        }
        wrapper_next_from(out, in, i);
}

/* gosu USER PROG ARGS (gosu's main.go); su-exec USER PROG ARGS (su-exec.c). */
static void user_switcher(const struct wrapper_argv *in, struct wrapper_step *out, bool gosu)
{
        static const char *const gosu_exits[] = {"--help", "-h", "-?", "--version", "-v", NULL};

        for (size_t k = 0; gosu && in->argc >= 2 && gosu_exits[k]; k++)
                if (strcmp(in->argv[1], gosu_exits[k]) == 0) {
                        note(out, "gosu %s runs nothing", gosu_exits[k]);
                        return;
                }
        if (in->argc < 3) {
                note(out, "%s is given no program to run", out->wrapper);
                return;
        }
        out->go_lookpath = gosu;
        wrapper_next_from(out, in, 2);
}

static const struct {
        const char *name;
        const char *wrapper;
} wrappers[] = {
        {"tini", "tini"},        {"tini-static", "tini"},
        {"docker-init", "tini"}, {"dumb-init", "dumb-init"},
        {"gosu", "gosu"},        {"su-exec", "su-exec"},
        {"env", "env"},          {"sh", "sh"},
        {"bash", "sh"},          {"dash", "sh"},
        {"ash", "sh"},
};

static const char *last_component(const char *path)
{
        const char *base = strrchr(path, '/');

        return base ? base + 1 : path;
}

void wrapper_step(const struct wrapper_argv *in, struct wrapper_step *out)
{
        const char *base;
        size_t skip = 0;

        memset(out, 0, offsetof(struct wrapper_step, next));
        out->next.argc = out->next.store_used = 0;
        out->next.truncated = false;
        if (in->argc == 0)
                return;
        /* `busybox APPLET ARGS`: the applet is argv[1]'s last component
         * (busybox_main: "busybox /a/path/to/applet" works too) */
        while (skip + 1 < in->argc && strcmp(last_component(in->argv[skip]), "busybox") == 0)
                skip++;
        if (skip > 0) {
                struct wrapper_argv applet;
                wrapper_argv_from(&applet, in->argv + skip, in->argc - skip);
                wrapper_step(&applet, out); /* argv[0] is no busybox: one level */
                return;
        }
        base = last_component(in->argv[0]);
        for (size_t k = 0; k < sizeof(wrappers) / sizeof(wrappers[0]); k++) {
                if (strcmp(base, wrappers[k].name) != 0)
                        continue;
                out->wrapper = wrappers[k].wrapper;
                out->outcome = WRAPPER_STOP;
                if (strcmp(out->wrapper, "tini") == 0)
                        tini(in, out);
                else if (strcmp(out->wrapper, "dumb-init") == 0)
                        dumb_init(in, out);
                else if (strcmp(out->wrapper, "gosu") == 0)
                        user_switcher(in, out, true);
                else if (strcmp(out->wrapper, "su-exec") == 0)
                        user_switcher(in, out, false);
                else if (strcmp(out->wrapper, "env") == 0)
                        wrapper_env(in, out);
                else
                        wrapper_shell(in, out);
                if (out->outcome == WRAPPER_STOP && in->truncated)
                        unclear(out,
                                "%s has more than %d arguments, which edgeguard does not "
                                "follow",
                                out->wrapper, WRAPPER_ARGS_MAX);
                return;
        }
}
