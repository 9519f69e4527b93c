/* Where edgeguard keeps what one call leaves for a later call about the
 * same container: one directory (EDGEGUARD_STATE_DIR, for tests; for root
 * /run/edgeguard/start, tmpfs, gone at reboot like the runtimes' own state;
 * else, as rootless runc keeps its state in $XDG_RUNTIME_DIR/runc,
 * $XDG_RUNTIME_DIR/edgeguard/start),
 * one file per container and kind, named by the sha256 of the runtime's
 * --root and the container id (two runtime roots may hold the same id; the
 * NUL between them keeps every (root, id) pair apart).  The start-time check
 * names its files "<hex>.json"; the backend record "<hex>.runtime". */
#ifndef EDGEGUARD_STATE_KEY_H
#define EDGEGUARD_STATE_KEY_H

#include <stddef.h>

#include "../oci/error.h"

#define STATE_DIR_DEFAULT "/run/edgeguard/start"
#define STATE_ROOT_NONE   "/run/runc" /* the key's root when --root is absent: runc's */

const char *state_dir(void);

/* "<dir>/<sha256(root NUL id)><suffix>"; -1 when it does not fit. */
int state_key_path(const char *root, const char *id, const char *suffix, char *out, size_t size,
                   struct eg_error *err);

/* mkdir -p of state_dir(), the last component 0700 (its files say what
 * may run and with what). */
int state_dir_make(struct eg_error *err);

#endif
