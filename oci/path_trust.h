/* Whether a path can be changed by anyone but root and the caller, the way
 * OpenSSH's secure_filename() and sudo judge the files they trust: every
 * directory from / down, and the file itself, owned by root or the caller
 * and writable by neither group nor others.  One exception, as in
 * /tmp: a directory that is sticky (S_ISVTX) and owned by root may be
 * writable by all, because then only an entry's owner may rename or remove
 * it (the entry itself is checked next).  Symlinks on the way are followed
 * (at most PATH_TRUST_LINKS_MAX, as the kernel's 40): the link is as safe as
 * the directory holding it, and its target is checked from its own start.
 * This is what makes the bundle runc re-reads after the decision, and the
 * rootfs it executes from, the ones that were judged: a writable parent
 * lets its owner swap the whole directory in between. */
#ifndef EDGEGUARD_PATH_TRUST_H
#define EDGEGUARD_PATH_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PATH_TRUST_LINKS_MAX 40

/* Checks the absolute `path` for the caller `uid`: every directory above
 * it, and with `itself` the file it names too.  Returns true when it can
 * be trusted; otherwise false with the first offending component, its
 * owner and mode (or why it could not be examined) in problem. */
bool path_trusted(const char *path, uid_t uid, bool itself, char *problem, size_t size);

#endif
