/* `edgeguard check`'s readable explanation: the decision, the facts it
 * rests on, and every rule's outcome, one per line. */
#ifndef EDGEGUARD_EXPLAIN_H
#define EDGEGUARD_EXPLAIN_H

#include <stddef.h>

#include "decision.h"

/* Returns a malloc'd text in *out. */
int explain_format(const struct decision_input *in, const struct decision *d, char **out,
                   struct eg_error *err);

#endif
