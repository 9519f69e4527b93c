/* The backend record: which runtime executable `create` (or `run`) handed a
 * container to, for every later verb of that container to use whatever its
 * environment says (backend.h).  One file per container in state_key.h's
 * directory, "<key>.runtime", holding {"runtime": "/abs/path"}; created
 * O_EXCL|O_NOFOLLOW, 0600, removed at `delete`. */
#ifndef EDGEGUARD_BACKEND_RECORD_H
#define EDGEGUARD_BACKEND_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "../oci/error.h"

#define BACKEND_RECORD_SIZE_MAX 8192

/* The recorded runtime of (root, id) into out.  -1 with err->errnum ENOENT
 * when there is none; other errors name the file (a record that is not a
 * regular file, too large, not JSON, or a relative path). */
int backend_record_read(const char *root, const char *id, char *out, size_t size,
                        struct eg_error *err);

/* Records runtime (absolute) for (root, id), replacing an earlier record:
 * the caller has found that record stale (backend_record_live). */
int backend_record_write(const char *root, const char *id, const char *runtime,
                         struct eg_error *err);

/* Whether `runtime` still has a container `id` under root (its default root
 * when NULL): the runtime's state directory for it exists. */
bool backend_record_live(const char *root, const char *id, const char *runtime);

void backend_record_remove(const char *root, const char *id);

#endif
