/* Reading a whole JSON file that someone else may be writing: config.json,
 * the policy (and the engine's records).  Bounded, and never blocking on a
 * FIFO put in its place. */
#ifndef EDGEGUARD_WHOLE_FILE_H
#define EDGEGUARD_WHOLE_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* Reads dir_fd/path (AT_FDCWD for a plain path), a regular file of at most
 * max bytes, into a malloc'd *text (NUL-terminated, *len bytes); *st gets
 * its fstat.  Messages name the file as `what` ("config.json"); errnum
 * keeps the failing call's errno (ENOENT for a missing file). */
int whole_file_read_at(int dir_fd, const char *path, const char *what, size_t max, char **text,
                       size_t *len, struct stat *st, struct eg_error *err);

/* The same for a file the caller opened (O_NONBLOCK, to be safe from a
 * FIFO); fd stays the caller's. */
int whole_file_read_fd(int fd, const char *what, size_t max, char **text, size_t *len,
                       struct stat *st, struct eg_error *err);

#endif
