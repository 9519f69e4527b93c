/* Files of an engine's store (dockerd's root), opened below the store's
 * root fd one component at a time without following a symlink: the root
 * itself may be one (devices move /var/lib/docker to a data partition),
 * nothing below it is.  Bounded reads (oci/whole_file.h). */
#ifndef EDGEGUARD_STORE_FILE_H
#define EDGEGUARD_STORE_FILE_H

#include <stddef.h>

#include "error.h"

/* Opens root/parts[0]/.../parts[n-1]: the last O_RDONLY | O_NONBLOCK
 * (a file to read), or with `dir` an O_RDONLY | O_DIRECTORY fd.  The
 * message names the component that failed; errnum is its errno. */
int store_open_below(int root_fd, const char *const parts[], size_t n, int dir,
                     struct eg_error *err);

/* Reads the regular file root/parts... (at most max bytes) whole into a
 * malloc'd, NUL-terminated *text. */
int store_read_below(int root_fd, const char *const parts[], size_t n, const char *what, size_t max,
                     char **text, size_t *len, struct eg_error *err);

#endif
