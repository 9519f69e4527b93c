/* Opening a path inside a container's root file system the way the
 * container will see it: absolute symlinks resolve against the rootfs, ".."
 * stops at its top, magic links are refused.  Everything in a rootfs is
 * hostile: symlink loops, escapes, FIFOs and device nodes in odd places. */
#ifndef EDGEGUARD_ROOTFS_H
#define EDGEGUARD_ROOTFS_H

#include "error.h"

/* The kernel's own symlink limit (MAXSYMLINKS). */
#define ROOTFS_SYMLINKS_MAX 40

enum rootfs_resolver {
        ROOTFS_AUTO,     /* openat2, else the fallback when the kernel lacks it (< 5.6) */
        ROOTFS_OPENAT2,  /* RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS only */
        ROOTFS_FALLBACK, /* component by component, O_PATH | O_NOFOLLOW */
};

/* ROOTFS_OPENAT2 when this kernel (and any seccomp filter or emulator
 * around us) has openat2, else ROOTFS_FALLBACK: one syscall, so that a
 * caller resolving many paths does not retry openat2 for each. */
enum rootfs_resolver rootfs_resolver_detect(void);

/* Resolves `path` (absolute, or relative to the rootfs top) inside the
 * directory root_fd, following a final symlink too, and returns an
 * O_PATH | O_CLOEXEC fd: opening it has no side effect, whatever it is.
 * On failure err->errnum is the errno (ENOENT, ELOOP, ENOTDIR, ...). */
int rootfs_open(int root_fd, const char *path, enum rootfs_resolver resolver, struct eg_error *err);

/* Reopens an O_PATH fd of a regular file for reading, O_NONBLOCK |
 * O_NOCTTY | O_CLOEXEC, checking that it is still the same regular file. */
int rootfs_reopen_regular(int path_fd, struct eg_error *err);

#endif
