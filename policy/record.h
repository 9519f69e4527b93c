/* The decision record: one JSON object on one line, for the decision log
 * and for `edgeguard check --json`.  Built with yajl_gen; every string is
 * made valid UTF-8 first (paths come from a hostile rootfs). */
#ifndef EDGEGUARD_RECORD_H
#define EDGEGUARD_RECORD_H

#include <stddef.h>
#include <time.h>

#include "decision.h"
#include "repeat.h"

struct record_extra {
        struct timespec time;
        long long duration_us; /* from the start of edgeguard to the decision; -1: leave out */
        const char *verb;      /* "create", "run", "restore", "check" */
        const char *version;   /* edgeguard's */
        const struct repeat_note *repeat; /* a refusal seen before; NULL when not counted */
        const char *runtime; /* the runtime executable run for an allowed verb; NULL: unknown */
};

/* Returns a malloc'd, '\n'-terminated line in *out (its length in *len). */
int record_format(const struct decision_input *in, const struct decision *d,
                  const struct record_extra *x, char **out, size_t *len, struct eg_error *err);

#endif
