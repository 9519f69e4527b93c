/* The command-line grammar runc inherits from Go's `flag` package and
 * urfave/cli v1 (1.22.9, the version Debian builds runc 1.1 with).
 *
 * Reproduced rather than approximated, because a wrapper that reads argv
 * differently from runc can be steered to check one bundle while runc creates
 * another.  The pieces:
 *   - Go flag: `-x` == `--x`; `-x=v`, `-x v` for value flags (the next
 *     token is taken whatever it looks like); bool flags take only `-x` or
 *     `-x=BOOL`; parsing stops at the first non-flag or after `--`; the last
 *     occurrence of a flag wins.
 *   - urfave reorder (commands without SkipArgReorder): known flags after
 *     positionals are moved in front, each followed by the next token unless
 *     that token is itself a known flag.
 *   - urfave normalize: using two names of one flag (`-b` and `--bundle`) is
 *     an error, whatever the order.
 */
#ifndef EDGEGUARD_GOFLAG_H
#define EDGEGUARD_GOFLAG_H

#include <stdbool.h>

#include "../oci/error.h"

enum goflag_kind {
        GOFLAG_BOOL,
        GOFLAG_STRING,
        GOFLAG_INT,       /* strconv.ParseInt(s, 0, 64) must accept it */
        GOFLAG_INT_SLICE, /* each occurrence parsed as GOFLAG_INT */
        GOFLAG_SLICE,     /* strings, accumulated */
        GOFLAG_DURATION,  /* time.ParseDuration; only on verbs we never refuse */
};

/* Where a parsed value lands; flags nobody reads use GOFLAG_SLOT_NONE. */
enum goflag_slot {
        GOFLAG_SLOT_NONE = 0,
        GOFLAG_SLOT_ROOT,
        GOFLAG_SLOT_LOG,
        GOFLAG_SLOT_LOG_FORMAT,
        GOFLAG_SLOT_CRIU,
        GOFLAG_SLOT_ROOTLESS,
        GOFLAG_SLOT_DEBUG,
        GOFLAG_SLOT_SYSTEMD_CGROUP,
        GOFLAG_SLOT_HELP,
        GOFLAG_SLOT_VERSION,
        GOFLAG_SLOT_BUNDLE,
        GOFLAG_SLOT_PID_FILE,
        GOFLAG_SLOT_CONSOLE_SOCKET,
        GOFLAG_SLOT_DETACH,
        GOFLAG_SLOT_FORCE,
        GOFLAG_SLOT_CONFIG,         /* crun -f/--config: refused on the creating verbs */
        GOFLAG_SLOT_REGEX,          /* crun -r/--regex: the "id" is a pattern */
        GOFLAG_SLOT_CGROUP_MANAGER, /* crun's global --cgroup-manager */
        GOFLAG_SLOT_COUNT
};

struct goflag_spec {
        const char *names[2]; /* urfave "bundle, b": long name and optional alias */
        enum goflag_kind kind;
        enum goflag_slot slot;
};

struct goflag_values {
        const char *str[GOFLAG_SLOT_COUNT]; /* last value given, or NULL */
        bool on[GOFLAG_SLOT_COUNT];         /* bool flags: final value */
};

/* urfave/cli v1 reorderArgs: writes the reordered tokens to `out` (room for
 * argc pointers). */
void goflag_reorder(const struct goflag_spec *specs, int nspecs, int argc, char *const argv[],
                    char **out);

/* Go flag.FlagSet.Parse followed by urfave normalizeFlags.  On success
 * returns the index in argv of the first positional argument (argc when
 * none).  On failure returns -1 with Go's message in err. */
int goflag_parse(const struct goflag_spec *specs, int nspecs, int argc, char *const argv[],
                 struct goflag_values *values, struct eg_error *err);

/* strconv.ParseBool and strconv.ParseInt(s, 0, 64), exactly. */
bool goflag_parse_bool(const char *s, bool *out);
bool goflag_parse_int(const char *s, long long *out);

#endif
