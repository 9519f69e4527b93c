/* The command-line grammar crun inherits from glibc's argp over
 * getopt_long, with argp_parse(..., ARGP_IN_ORDER, &first, ...) as crun
 * calls it for its global options and again for each command's
 * (crun 1.8 src/crun.c, src/create.c; glibc 2.36 argp-parse.c, getopt.c).
 *
 * Reproduced rather than approximated for the same reason as goflag.h: a
 * wrapper that reads argv differently from the runtime can be steered to
 * check one bundle while the runtime creates another.  The pieces:
 *   - long options `--name=VALUE` and `--name VALUE` (the next token is
 *     taken whatever it looks like); a unique prefix names an option
 *     (`--bund x`); an exact name wins over prefixes; an ambiguous prefix,
 *     `=VALUE` on an option without an argument, a missing argument, an
 *     unknown option are errors;
 *   - an optional argument is taken only in the `=VALUE` (long) or attached
 *     (short) form;
 *   - short options cluster (`-fx`); a short option with an argument takes
 *     the rest of its token (`-b=x` names the bundle "=x") or the next one;
 *   - ARGP_IN_ORDER: parsing stops at the first non-option (a lone `-`
 *     included) or after `--`; later tokens are not options;
 *   - argp's own options in every table: `-?`/`--help`, `--usage` (print and
 *     exit 0), and the hidden `--program-name=NAME`, `--HANG[=SECS]`.
 */
#ifndef EDGEGUARD_ARGP_H
#define EDGEGUARD_ARGP_H

#include "../oci/error.h"
#include "goflag.h"

enum argp_arg { ARGP_ARG_NONE, ARGP_ARG_REQUIRED, ARGP_ARG_OPTIONAL };

/* What crun's parse_opt checks of each occurrence as it meets it (it exits
 * on the first bad one, whatever follows). */
enum argp_check {
        ARGP_CHECK_NONE,
        ARGP_CHECK_CGROUP_MANAGER, /* "systemd", "cgroupfs" or "disabled" */
};

struct argp_spec {
        const char *name; /* long name; NULL for a short-only option */
        char short_name;  /* 0 when none */
        enum argp_arg arg;
        enum goflag_slot slot; /* where the value (or "true") lands */
        enum argp_check check;
};

/* argp's own options, which every table must end with (ARGP_DEFAULTS). */
#define ARGP_DEFAULTS                                                                      \
        {"help", '?', ARGP_ARG_NONE, GOFLAG_SLOT_HELP, ARGP_CHECK_NONE},                   \
                {"usage", 0, ARGP_ARG_NONE, GOFLAG_SLOT_HELP, ARGP_CHECK_NONE},            \
                {"program-name", 0, ARGP_ARG_REQUIRED, GOFLAG_SLOT_NONE, ARGP_CHECK_NONE}, \
        {                                                                                  \
                "HANG", 0, ARGP_ARG_OPTIONAL, GOFLAG_SLOT_NONE, ARGP_CHECK_NONE            \
        }

/* Parses argv[0..argc) in order.  Returns the index of the first
 * non-option (argc when none); values->on[slot] and values->str[slot] hold
 * the last occurrence of each option.  Help and version (GOFLAG_SLOT_HELP,
 * GOFLAG_SLOT_VERSION) stop the parse where crun would print and exit.  -1 with getopt's
 * complaint in err on a malformed line. */
int argp_parse_in_order(const struct argp_spec *specs, int nspecs, int argc, char *const argv[],
                        struct goflag_values *values, struct eg_error *err);

#endif
