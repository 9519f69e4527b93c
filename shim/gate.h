/* The creating verbs' gate: evaluate, write the decision record, then let
 * runc run (allow, audit) or refuse through runc's --log. */
#ifndef EDGEGUARD_GATE_H
#define EDGEGUARD_GATE_H

#include <time.h>

#include "argv.h"
#include "policy_load.h"

/* Judges with *preread when the caller has read the policy already (its
 * policy is taken over), else reads it.  Returns 0 when runc may run, with
 * *runtime set to the policy's runc (a malloc'd path, or NULL for the usual
 * lookup); otherwise the exit status of a refusal already reported. */
int gate_creating_verb(const struct runc_argv *args, struct timespec started,
                       struct policy_read *preread, char **runtime);

/* The policy's runtime for the verbs that pass straight through; NULL when
 * it names none or cannot be read (those verbs are never blocked). */
char *gate_passthrough_runtime(void);

#endif
