/* Reading the small text files of /proc, /sys and binfmt_misc. */
#ifndef EDGEGUARD_SMALL_FILE_H
#define EDGEGUARD_SMALL_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Reads at most size - 1 bytes of the regular file dir_fd/path (AT_FDCWD
 * for a plain path) into buf and terminates it.  Opened O_NONBLOCK |
 * O_NOFOLLOW | O_CLOEXEC; pseudo-files report no size, so it reads to EOF.
 * Returns the length, or -1 with errno. */
ssize_t small_file_read(int dir_fd, const char *path, char *buf, size_t size);

#endif
