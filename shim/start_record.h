/* What `create` judged, kept for `start` to verify: one small JSON file per
 * container, named by the sha256 of runc's --root and the id (two runc
 * roots may hold the same id), in a directory only its owner writes
 * (EDGEGUARD_STATE_DIR; default /run/edgeguard/start, or for a caller
 * other than root $XDG_RUNTIME_DIR/edgeguard/start, as rootless runc does:
 * tmpfs, gone at reboot like runc's own state).  Created O_EXCL, removed at
 * `delete`. */
#ifndef EDGEGUARD_START_RECORD_H
#define EDGEGUARD_START_RECORD_H

#include <stdbool.h>
#include <sys/types.h>

#include "../oci/error.h"
#include "../oci/json_tree.h"
#include "../oci/view.h"

#define START_RECORD_DIR_DEFAULT "/run/edgeguard/start"
#define START_RECORD_SIZE_MAX    (2u << 20) /* a PATH of up to 1 MiB is in it */
#define START_RECORD_HOOKS_MAX   32         /* HOOKS_MAX: the hooks rule refuses more */

/* One lookup runc's init makes, and what it found.  Strings are never
 * NULL once read, except path_env (PATH unset, and always for hooks). */
struct start_lookup {
        const char *arg0, *path_env, *cwd; /* the query, as exe_identify takes it */
        const struct view_cred *cred;      /* who looks; NULL: root (the hooks) */
        const char *file;                  /* the file the kernel loads; "" if none found */
        const char *platform;              /* "linux/amd64"; "" when unidentified */
        unsigned long long dev, ino;       /* of file; 0 when none */
};

/* The process, and the startContainer hooks runc's init runs just before
 * it (after the exec FIFO opens: at start). */
struct start_record {
        const char *bundle;
        struct start_lookup process;
        /* process.user and the capabilities it looks the program up with
         * (runc's init: setupUser and ApplyCaps before exec.LookPath);
         * has_user false for a record without it: looked up as root */
        bool has_user;
        struct view_cred user; /* read records: user.groups is malloc'd */
        size_t n_hooks;
        struct start_lookup hooks[START_RECORD_HOOKS_MAX];
        struct json_value tree; /* read records: owns the strings */
};

/* The record file's path for runc root `root` (NULL: runc's default) and id. */
void start_record_path(const char *root, const char *id, char *out, size_t size);

/* Writes r for (root, id).  A record left by an earlier container of the
 * same id is replaced only when runc has no such container (its state
 * directory root/id is absent): runc refuses to create a second one, and
 * the first one's record must stay. */
int start_record_write(const char *root, const char *id, const struct start_record *r,
                       struct eg_error *err);

/* Parses a record's text into r (start_record_free it either way). */
int start_record_parse(const char *text, size_t len, struct start_record *r, struct eg_error *err);

/* Reads (root, id)'s record; -1 with err->errnum ENOENT when there is none. */
int start_record_read(const char *root, const char *id, struct start_record *r,
                      struct eg_error *err);

void start_record_free(struct start_record *r);

/* Removes (root, id)'s record, if any. */
void start_record_remove(const char *root, const char *id);

#endif
