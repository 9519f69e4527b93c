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

#endif
