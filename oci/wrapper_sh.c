/* `sh -c COMMAND` (bash, dash, busybox ash): the program is the first word
 * of COMMAND's first simple command, after NAME=VALUE assignments (a PATH
 * among them is the one that command is searched with) and after `exec`.
 * The shell's own language is not run here: a word with an expansion
 * ($, `, globs, ~), a redirection or grouping before the program, a
 * builtin or keyword in its place, stops the walk with a note. */
#include <string.h>

#include "wrapper_impl.h"

static const char *const builtins[] = {
        ".",       ":",       "[",        "[[",     "{",       "!",        "alias",   "bg",
        "break",   "builtin", "case",     "cd",     "command", "continue", "coproc",  "declare",
        "echo",    "eval",    "exit",     "export", "false",   "fg",       "for",     "function",
        "getopts", "hash",    "if",       "jobs",   "kill",    "let",      "local",   "printf",
        "pwd",     "read",    "readonly", "return", "select",  "set",      "shift",   "source",
        "test",    "time",    "times",    "trap",   "true",    "type",     "typeset", "ulimit",
        "umask",   "unalias", "unset",    "until",  "wait",    "while",    NULL};

/* A word of COMMAND into out (its bytes unquoted); *unclear when the
 * shell would expand it.  Returns the position after it. */
static const char *word(const char *p, char *out, size_t size, size_t *len, bool *unclear,
                        size_t *quoted)
{
        size_t n = 0;

        *unclear = false;
        *quoted = (size_t)-1; /* where the first quoted byte went, if any */
        while (*p && !strchr(" \t\n;&|<>()", *p)) {
                char c = *p;
                if (c == '\'' || c == '"') {
                        const char *end = strchr(p + 1, c);
                        if (end == NULL) {
                                *unclear = true;
                                out[n] = '\0';
                                *len = n;
                                return p + strlen(p);
                        }
                        if (c == '"' && strpbrk(p + 1, "$`\\") && strpbrk(p + 1, "$`\\") < end)
                                *unclear = true;
                        if (*quoted == (size_t)-1)
                                *quoted = n;
                        for (p++; p < end; p++)
                                if (n + 1 < size)
                                        out[n++] = *p;
                        p++;
                        continue;
                }
                if (c == '\\') {
                        if (p[1] == '\0' || p[1] == '\n') {
                                *unclear = true; /* line continuation: not followed */
                                out[n] = '\0';
                                *len = n;
                                return p + (p[1] ? 2 : 1);
                        }
                        if (*quoted == (size_t)-1)
                                *quoted = n;
                        if (n + 1 < size)
                                out[n++] = p[1];
                        p += 2;
                        continue;
                }
                if (c == '$' || c == '`' || c == '*' || c == '?' || c == '[' ||
                    (c == '~' && n == 0))
                        *unclear = true;
                if (n + 1 < size)
                        out[n++] = c;
                p++;
        }
        out[n] = '\0';
        *len = n;
        return p;
}

/* NAME=VALUE with a NAME the shell takes as a variable: unquoted up to
 * the '=' (the value may be quoted: B='x y'). */
static bool assignment(const char *w, size_t quoted)
{
        size_t n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789");

        return n > 0 && n < quoted && !(w[0] >= '0' && w[0] <= '9') && w[n] == '=';
}

static bool builtin(const char *w)
{
        for (size_t k = 0; builtins[k]; k++)
                if (strcmp(w, builtins[k]) == 0)
                        return true;
        return false;
}

static void first_command(const char *cmd, struct wrapper_step *out)
{
        struct wrapper_argv *a = &out->next;
        const char *p = cmd, *path = NULL;
        bool program_seen = false, exec_seen = false;
        char buf[WRAPPER_STORE_SIZE];

        a->argc = a->store_used = 0;
        for (;;) {
                size_t len, quoted;
                bool unclear;
                while (*p == ' ' || *p == '\t' || (*p == '\n' && !program_seen && !exec_seen))
                        p++;
                if (*p == '#' && !program_seen && !exec_seen) {
                        p += strcspn(p, "\n");
                        continue;
                }
                if (*p == '\0' || strchr("\n;&|", *p))
                        break;
                if (strchr("<>()", *p)) {
                        if (program_seen)
                                break; /* its redirections and the rest are not programs */
                        unclear(out, "sh -c: a redirection or grouping before the program: not "
                                     "looked through");
                        return;
                }
                p = word(p, buf, sizeof(buf), &len, &unclear, &quoted);
                if (program_seen) {
                        if (unclear || wrapper_push(a, buf, len) < 0)
                                break; /* the program's arguments, as far as they are plain */
                        continue;
                }
                if (unclear) {
                        unclear(out,
                                "sh -c: \"%.60s\" is expanded by the shell: not looked through",
                                buf);
                        return;
                }
                if (!exec_seen && assignment(buf, quoted)) {
                        if (strncmp(buf, "PATH=", 5) == 0 &&
                            (path = wrapper_keep(a, buf + 5, len - 5)) == NULL)
                                goto full;
                        continue;
                }
                if (!exec_seen && quoted == (size_t)-1 && strcmp(buf, "exec") == 0) {
                        exec_seen = true;
                        continue;
                }
                if (exec_seen && buf[0] == '-') {
                        if (strcmp(buf, "--") == 0 && a->argc == 0)
                                continue;
                        unclear(out,
                                "sh -c: exec %.40s: the shells' exec options differ: not "
                                "looked through",
                                buf);
                        return;
                }
                if (quoted == (size_t)-1 && builtin(buf)) {
                        unclear(out, "sh -c: %.40s is a shell builtin or keyword, not a program",
                                buf);
                        return;
                }
                if (wrapper_push(a, buf, len) < 0)
                        goto full;
                program_seen = true;
        }
        if (!program_seen) {
                note(out, "sh -c runs no program%s", exec_seen ? " (exec without one)" : "");
                return;
        }
        out->outcome = WRAPPER_NEXT;
        if (path)
                out->path_set = true, out->path = path;
        return;
full:
        unclear(out, "sh -c: a command longer than edgeguard follows");
}

void wrapper_shell(const struct wrapper_argv *in, struct wrapper_step *out)
{
        bool c = false;
        size_t i;

        for (i = 1; i < in->argc; i++) {
                const char *w = in->argv[i];
                if (strcmp(w, "--") == 0 || strcmp(w, "-") == 0) {
                        i++;
                        break;
                }
                if ((w[0] != '-' && w[0] != '+') || w[1] == '\0')
                        break;
                if (w[0] == '-' && w[1] == '-') { /* bash's long options */
                        if (strcmp(w, "--rcfile") == 0 || strcmp(w, "--init-file") == 0)
                                i++;
                        else if (strcmp(w, "--help") == 0 || strcmp(w, "--version") == 0) {
                                note(out, "%s %s runs nothing", in->argv[0], w);
                                return;
                        }
                        continue;
                }
                for (size_t k = 1; w[k]; k++) {
                        if (w[k] == 'c')
                                c = true;
                        else if (w[k] == 'o' || w[k] == 'O')
                                i++; /* takes the next word: -o pipefail */
                }
        }
        if (!c) {
                note(out, "%s runs a script or reads commands: it executes no named program",
                     in->argv[0]);
                return;
        }
        if (i >= in->argc) {
                note(out, "%s -c is given no command", in->argv[0]);
                return;
        }
        first_command(in->argv[i], out);
}
