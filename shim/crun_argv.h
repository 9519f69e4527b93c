/* Step 1 of the decision path when crun runs the container: what crun 1.8
 * makes of this argv (its argp grammar, argp.h), in runc_argv's terms. */
#ifndef EDGEGUARD_CRUN_ARGV_H
#define EDGEGUARD_CRUN_ARGV_H

#include "argv.h"

/* Parses argv as crun 1.8.1 does (Debian 12's, built without CRIU: no
 * checkpoint or restore).  Returns 0, or -1 when crun would reject the
 * line, and also when a creating verb carries -f/--config (crun would read
 * that file instead of the bundle's config.json that edgeguard checks) or an
 * empty --bundle; `out` holds what was understood before the error.
 * --log's "file:" prefix is removed; "journald:" and "syslog:" leave
 * out->log_path NULL.  out->container_id is NULL when the id is a pattern
 * (-r/--regex on delete and kill). */
int crun_argv_parse(int argc, char *const argv[], struct runc_argv *out, struct eg_error *err);

#endif
