#include "argp.h"

#include <errno.h>
#include <string.h>

/* getopt_long's lookup: an exact name, else the one option a prefix names;
 * a prefix of two options is an ambiguity, unless argp gave both the same
 * key and argument (glibc compares has_arg and val, and argp's val is the
 * key): here, the same slot other than GOFLAG_SLOT_NONE. */
static const struct argp_spec *find_long(const struct argp_spec *specs, int nspecs,
                                         const char *name, size_t len, bool *ambiguous)
{
        const struct argp_spec *found = NULL;

        *ambiguous = false;
        for (int i = 0; i < nspecs; i++) {
                const char *n = specs[i].name;
                if (n == NULL || strncmp(n, name, len) != 0)
                        continue;
                if (strlen(n) == len)
                        return &specs[i];
                if (found == NULL)
                        found = &specs[i];
                else if (found->arg != specs[i].arg || found->slot != specs[i].slot ||
                         found->slot == GOFLAG_SLOT_NONE)
                        *ambiguous = true;
        }
        return *ambiguous ? NULL : found;
}

static const struct argp_spec *find_short(const struct argp_spec *specs, int nspecs, char c)
{
        for (int i = 0; i < nspecs; i++)
                if (specs[i].short_name != 0 && specs[i].short_name == c)
                        return &specs[i];
        return NULL;
}

static int store(const struct argp_spec *spec, const char *value, struct goflag_values *values,
                 struct eg_error *err)
{
        const char *v = value ? value : "";

        if (spec->check == ARGP_CHECK_CGROUP_MANAGER && strcmp(v, "systemd") != 0 &&
            strcmp(v, "cgroupfs") != 0 && strcmp(v, "disabled") != 0)
                return eg_error_set(err, EINVAL, "unknown cgroup manager specified: \"%s\"", v);
        values->on[spec->slot] = true;
        values->str[spec->slot] = value ? value : "true";
        return 0;
}

/* One `--name[=value]` token at argv[*i]; advances *i past what it used. */
static int long_option(const struct argp_spec *specs, int nspecs, int argc, char *const argv[],
                       int *i, struct goflag_values *values, struct eg_error *err)
{
        const char *name = argv[*i] + 2, *eq = strchr(name, '='), *value = NULL;
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct argp_spec *spec;
        bool ambiguous;

        (*i)++;
        spec = find_long(specs, nspecs, name, len, &ambiguous);
        if (ambiguous)
                return eg_error_set(err, EINVAL, "option '--%.*s' is ambiguous", (int)len, name);
        if (spec == NULL)
                return eg_error_set(err, EINVAL, "unrecognized option '--%.*s'", (int)len, name);
        if (eq != NULL && spec->arg == ARGP_ARG_NONE)
                return eg_error_set(err, EINVAL, "option '--%s' doesn't allow an argument",
                                    spec->name);
        if (eq != NULL)
                value = eq + 1;
        else if (spec->arg == ARGP_ARG_REQUIRED && *i < argc)
                value = argv[(*i)++]; /* whatever it looks like */
        else if (spec->arg == ARGP_ARG_REQUIRED)
                return eg_error_set(err, EINVAL, "option '--%s' requires an argument", spec->name);
        return store(spec, value, values, err);
}

/* One cluster of short options at argv[*i]. */
static int short_options(const struct argp_spec *specs, int nspecs, int argc, char *const argv[],
                         int *i, struct goflag_values *values, struct eg_error *err)
{
        const char *p = argv[*i] + 1;

        (*i)++;
        for (; *p; p++) {
                const struct argp_spec *spec = find_short(specs, nspecs, *p);
                const char *value = NULL;

                if (spec == NULL)
                        return eg_error_set(err, EINVAL, "invalid option -- '%c'", *p);
                if (spec->arg != ARGP_ARG_NONE && p[1] != '\0')
                        value = p + 1; /* the rest of the token, '=' and all */
                else if (spec->arg == ARGP_ARG_REQUIRED && *i < argc)
                        value = argv[(*i)++];
                else if (spec->arg == ARGP_ARG_REQUIRED)
                        return eg_error_set(err, EINVAL, "option requires an argument -- '%c'", *p);
                if (store(spec, value, values, err) < 0)
                        return -1;
                if (values->on[GOFLAG_SLOT_HELP] || values->on[GOFLAG_SLOT_VERSION] ||
                    value != NULL)
                        return 0;
        }
        return 0;
}

int argp_parse_in_order(const struct argp_spec *specs, int nspecs, int argc, char *const argv[],
                        struct goflag_values *values, struct eg_error *err)
{
        int i = 0;

        while (i < argc && !values->on[GOFLAG_SLOT_HELP] && !values->on[GOFLAG_SLOT_VERSION]) {
                const char *s = argv[i];
                int rc;

                if (s[0] != '-' || s[1] == '\0')
                        break; /* the first non-option: argp stops in order */
                if (s[1] == '-' && s[2] == '\0')
                        return i + 1; /* "--": what follows is not an option */
                if (s[1] == '-')
                        rc = long_option(specs, nspecs, argc, argv, &i, values, err);
                else
                        rc = short_options(specs, nspecs, argc, argv, &i, values, err);
                if (rc < 0)
                        return -1;
        }
        values->str[GOFLAG_SLOT_NONE] = NULL;
        values->on[GOFLAG_SLOT_NONE] = false;
        return i;
}
