#include "goflag.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const struct goflag_spec *lookup(const struct goflag_spec *specs, int nspecs,
                                        const char *name, size_t len, int *name_index)
{
        for (int i = 0; i < nspecs; i++)
                for (int k = 0; k < 2; k++) {
                        const char *n = specs[i].names[k];
                        if (n != NULL && strlen(n) == len && memcmp(n, name, len) == 0) {
                                *name_index = k;
                                return &specs[i];
                        }
                }
        return NULL;
}

/* urfave argIsFlag: strips up to three leading dashes the way its
 * strings.Replace calls do, cuts at '=', and asks whether the rest names one
 * of the command's flags. */
static bool arg_is_flag(const struct goflag_spec *specs, int nspecs, const char *arg)
{
        const char *eq;
        int unused;

        if (arg[0] != '-' || strcmp(arg, "-") == 0 || strcmp(arg, "--") == 0)
                return false;
        if (arg[1] == '-')
                arg += 2;
        if (arg[0] == '-')
                arg += 1;
        eq = strchr(arg, '=');
        return lookup(specs, nspecs, arg, eq ? (size_t)(eq - arg) : strlen(arg), &unused) != NULL;
}

static void reverse(char **v, int n)
{
        for (int i = 0, j = n - 1; i < j; i++, j--) {
                char *t = v[i];
                v[i] = v[j];
                v[j] = t;
        }
}

void goflag_reorder(const struct goflag_spec *specs, int nspecs, int argc, char *const argv[],
                    char **out)
{
        static char dashdash[] = "--";
        bool next_may_be_value = false;
        int nflags = 0, nrest = 0, stop = -1;

        /* Flags grow from the front of `out`, the other tokens from the back
         * (reversed), so no scratch memory is needed. */
        for (int i = 0; i < argc; i++) {
                char *arg = argv[i];
                bool is_flag = arg_is_flag(specs, nspecs, arg);

                if (next_may_be_value && !is_flag) {
                        next_may_be_value = false;
                        out[nflags++] = arg;
                } else if (strcmp(arg, "--") == 0) {
                        stop = i;
                        break;
                } else if (is_flag) {
                        out[nflags++] = arg;
                        next_may_be_value = strchr(arg, '=') == NULL;
                } else {
                        out[argc - 1 - nrest++] = arg;
                }
        }
        reverse(out + argc - nrest, nrest);
        if (stop < 0)
                return; /* nflags + nrest == argc: already in place */

        /* urfave puts "--" in front of the tokens it had set aside, then the
         * rest of the command line verbatim. */
        memmove(out + nflags + 1, out + argc - nrest, (size_t)nrest * sizeof *out);
        out[nflags] = dashdash;
        for (int i = stop + 1, o = nflags + 1 + nrest; i < argc; i++, o++)
                out[o] = argv[i];
}

bool goflag_parse_bool(const char *s, bool *out)
{
        static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
        static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

        for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
                if (strcmp(s, yes[i]) == 0)
                        return *out = true, true;
                if (strcmp(s, no[i]) == 0)
                        return *out = false, true;
        }
        return false;
}

static int lower(int c)
{
        return c | ('x' - 'X');
}

/* strconv.underscoreOK: '_' only between digits or right after a base prefix. */
static bool underscore_ok(const char *s)
{
        char saw = '^';
        bool hex = false;

        if (*s == '+' || *s == '-')
                s++;
        if (s[0] == '0' && s[1] != '\0' &&
            (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
                hex = lower(s[1]) == 'x';
                s += 2;
                saw = '0';
        }
        for (; *s; s++) {
                if ((*s >= '0' && *s <= '9') || (hex && lower(*s) >= 'a' && lower(*s) <= 'f')) {
                        saw = '0';
                } else if (*s == '_') {
                        if (saw != '0')
                                return false;
                        saw = '_';
                } else {
                        if (saw == '_')
                                return false;
                        saw = '!';
                }
        }
        return saw != '_';
}

static int digit_value(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (lower(c) >= 'a' && lower(c) <= 'z')
                return lower(c) - 'a' + 10;
        return 99;
}

bool goflag_parse_int(const char *s, long long *out)
{
        const char *whole = s, *p;
        unsigned long long value = 0, limit;
        bool negative = false, underscores = false;
        unsigned base = 10;

        if (*s == '+' || *s == '-')
                negative = *s++ == '-';
        if (*s == '\0')
                return false;
        p = s;
        if (p[0] == '0') {
                if (strlen(p) >= 3 && lower(p[1]) == 'b')
                        base = 2, p += 2;
                else if (strlen(p) >= 3 && lower(p[1]) == 'o')
                        base = 8, p += 2;
                else if (strlen(p) >= 3 && lower(p[1]) == 'x')
                        base = 16, p += 2;
                else
                        base = 8, p += 1;
        }
        limit = negative ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
        for (; *p; p++) {
                unsigned d;
                if (*p == '_') {
                        underscores = true;
                        continue;
                }
                d = (unsigned)digit_value((unsigned char)*p);
                if (d >= base)
                        return false;
                if (value > (limit - d) / base)
                        return false; /* out of range for int64 */
                value = value * base + d;
        }
        if (underscores && !underscore_ok(whole))
                return false;
        *out = negative ? (long long)(0 - value) : (long long)value;
        return true;
}

static int check_value(const struct goflag_spec *spec, const char *flag, const char *value,
                       struct eg_error *err)
{
        long long unused;

        switch (spec->kind) {
        case GOFLAG_INT:
        case GOFLAG_INT_SLICE:
                if (!goflag_parse_int(value, &unused))
                        return eg_error_set(err, EINVAL, "invalid value \"%s\" for flag -%s", value,
                                            flag);
                return 0;
        case GOFLAG_BOOL:
        case GOFLAG_STRING:
        case GOFLAG_SLICE:
        case GOFLAG_DURATION:
                break;
        }
        return 0;
}

int goflag_parse(const struct goflag_spec *specs, int nspecs, int argc, char *const argv[],
                 struct goflag_values *values, struct eg_error *err)
{
        unsigned forms_used[64] = {0};
        int i = 0;

        if (nspecs > 64)
                return eg_error_set(err, EINVAL, "internal: too many flags in one set");
        while (i < argc) {
                const char *s = argv[i], *name, *eq, *value = NULL;
                const struct goflag_spec *spec;
                char flag[128];
                size_t len;
                int form;

                if (s[0] != '-' || s[1] == '\0')
                        break; /* first positional argument */
                if (s[1] == '-' && s[2] == '\0') {
                        i++; /* "--" ends the flags; normalization still applies */
                        break;
                }
                name = s + (s[1] == '-' ? 2 : 1);
                if (name[0] == '\0' || name[0] == '-' || name[0] == '=')
                        return eg_error_set(err, EINVAL, "bad flag syntax: %s", s);
                i++;
                eq = strchr(name + 1, '=');
                len = eq ? (size_t)(eq - name) : strlen(name);
                if (eq)
                        value = eq + 1;
                snprintf(flag, sizeof flag, "%.*s", (int)(len < 100 ? len : 100), name);
                spec = lookup(specs, nspecs, name, len, &form);
                if (spec == NULL)
                        return eg_error_set(err, EINVAL, "flag provided but not defined: -%s",
                                            flag);
                if (spec->kind == GOFLAG_BOOL) {
                        bool on = true;
                        if (value != NULL && !goflag_parse_bool(value, &on))
                                return eg_error_set(err, EINVAL,
                                                    "invalid boolean value \"%s\" for -%s", value,
                                                    flag);
                        values->on[spec->slot] = on;
                } else {
                        if (value == NULL && i < argc)
                                value = argv[i++]; /* whatever it looks like */
                        if (value == NULL)
                                return eg_error_set(err, EINVAL, "flag needs an argument: -%s",
                                                    flag);
                        if (check_value(spec, flag, value, err) < 0)
                                return -1;
                }
                values->str[spec->slot] = value ? value : "true";
                forms_used[spec - specs] |= 1u << form;
        }

        for (int k = 0; k < nspecs; k++)
                if (forms_used[k] == 3u)
                        return eg_error_set(err, EINVAL,
                                            "Cannot use two forms of the same flag: %s %s",
                                            specs[k].names[1], specs[k].names[0]);
        values->str[GOFLAG_SLOT_NONE] = NULL;
        values->on[GOFLAG_SLOT_NONE] = false;
        return i;
}
