/* Where every decision is written: a file (appended, one write per
 * record, so that concurrent creates never interleave), stderr ("-"), or
 * syslog. */
#ifndef EDGEGUARD_DECISION_LOG_H
#define EDGEGUARD_DECISION_LOG_H

#include <stddef.h>

#include "../oci/error.h"

/* Appends line (len bytes, '\n'-terminated) to target; a missing parent
 * directory is created.  Refuses a target that is a symlink, a FIFO or
 * anything but a regular file, and never blocks. */
int decision_log_write(const char *target, const char *line, size_t len, struct eg_error *err);

#endif
