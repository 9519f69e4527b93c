/* The decision record of a create refused before any policy was applied:
 * its command line could not be read as the runtime reads it, or names no
 * container.  Same log, same top-level fields as policy/record.h's record
 * (decision "refuse", rule "command_line", reason, verb, id, bundle,
 * runtime, policy, edgeguard), plus the argv itself, since what could be
 * read of it is all there is to go on. */
#ifndef EDGEGUARD_REFUSAL_RECORD_H
#define EDGEGUARD_REFUSAL_RECORD_H

#include <time.h>

#include "argv.h"

/* Writes the record to the decision log (EDGEGUARD_DECISION_LOG, else the
 * policy's); returns 0, or -1 with err saying why it could not be written
 * (the refusal stands either way). */
int refusal_record_write(const struct runc_argv *args, int argc, char *const argv[],
                         const char *runtime, const char *reason, struct timespec started,
                         struct eg_error *err);

#endif
