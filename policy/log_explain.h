/* A decision told again from its record in the decision log, in the words
 * `edgeguard check` uses (explain.h's pieces): the decision and its rule,
 * the reason as the user saw it (it holds the fix), the program judged,
 * the declared platform, the host, and every rule that did not pass. */
#ifndef EDGEGUARD_LOG_EXPLAIN_H
#define EDGEGUARD_LOG_EXPLAIN_H

#include "log_entry.h"

/* Returns a malloc'd text in *out. */
int log_explain_format(const struct log_entry *e, char **out, struct eg_error *err);

#endif
