/* Which runc to exec: an absolute path from configuration, or the first of
 * the usual install locations that is not edgeguard itself (a wrapper
 * installed as "runc" first in PATH must not exec itself forever). */
#ifndef EDGEGUARD_RUNC_PATH_H
#define EDGEGUARD_RUNC_PATH_H

#include <stddef.h>

#include "../oci/error.h"

extern const char *const runc_default_paths[]; /* NULL-terminated */

/* configured: EDGEGUARD_RUNC's value or NULL; self: the path of our own
 * executable (/proc/self/exe).  On success returns the chosen path (one of
 * the arguments' strings). */
const char *runc_path_find(const char *configured, const char *const candidates[], const char *self,
                           struct eg_error *err);

#endif
