/* Reading the policy file: EDGEGUARD_POLICY or /etc/edgeguard/policy.json. */
#ifndef EDGEGUARD_POLICY_LOAD_H
#define EDGEGUARD_POLICY_LOAD_H

#include <stdbool.h>

#include "../policy/policy.h"

/* The file the environment names, or the default one. */
const char *policy_load_path(bool *named);

/* Reads and parses path into p; with_hash also fills p->sha256, which only
 * a decision record needs (the pass-through verbs skip it).  A missing default file means the
 * built-in defaults; a missing file that was named explicitly is an error, as is any file that
 * cannot be read or parsed (err names the file).  On error p holds the built-in defaults, with
 * p->path set, for the caller to record the refusal with. */
int policy_load(const char *path, bool named, bool with_hash, struct policy *p,
                struct eg_error *err);

/* The policy one call reads once: a create without a named runtime takes
 * its runtime from it and is judged by it, so both come from one content
 * of the file (and the file is read and parsed once, not twice). */
struct policy_read {
        struct policy policy; /* policy_load's p: the defaults on error */
        int status;           /* policy_load's return */
        char error[EG_ERROR_MSG_MAX];
};

/* policy_load of the environment's file (policy_load_path), with its hash. */
void policy_read(struct policy_read *r);

#endif
