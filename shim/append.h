/* Appending one line to a file others append to as well: one write, so
 * that concurrent lines never interleave; never blocking, never truncating. */
#ifndef EDGEGUARD_APPEND_H
#define EDGEGUARD_APPEND_H

#include <stddef.h>
#include <sys/types.h>

#include "../oci/error.h"

/* Opens path O_WRONLY|O_APPEND|O_CREAT|O_NONBLOCK (plus extra_flags, such
 * as O_NOFOLLOW) with mode, requires a regular file, and writes line in one
 * write.  Part of a line written to a full disk is cut off again.  Messages name the file as
 * "<what> <path>"; errnum keeps the failing call's errno. */
int append_line(const char *path, int extra_flags, mode_t mode, const char *what, const char *line,
                size_t len, struct eg_error *err);

/* One write of line to fd; a short write is an error ("writing <what>"). */
int write_once(int fd, const char *line, size_t len, const char *what, struct eg_error *err);

#endif
