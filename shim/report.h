#ifndef EDGEGUARD_REPORT_H
#define EDGEGUARD_REPORT_H

#include "argv.h"

/* Tells the caller why runc will not run, where runc itself would: one line
 * in the --log file (JSON or text, as --log-format says) and one on stderr.
 * Returns the exit status to use (1, as runc's fatal errors). */
int report_failure(const struct runc_argv *args, const char *msg);

#endif
