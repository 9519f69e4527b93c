#include "whole_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"

int whole_file_read_fd(int fd, const char *what, size_t max, char **text, size_t *len,
                       struct stat *st, struct eg_error *err)
{
        cleanup_free char *buf = NULL;
        size_t capacity, used = 0;

        if (fstat(fd, st) < 0)
                return eg_error_set_errno(err, errno, "%s", what);
        if (!S_ISREG(st->st_mode))
                return eg_error_set(err, 0, "%s is not a regular file", what);
        if ((unsigned long long)st->st_size > max)
                return eg_error_set(err, 0, "%s: %lld bytes, over the %zu-byte limit", what,
                                    (long long)st->st_size, max);
        /* Sized by fstat, grown if the file grows meanwhile, never past the
         * cap + 1; a read stops short of the capacity, leaving room for the NUL */
        capacity = (size_t)st->st_size + 1;
        if ((buf = malloc(capacity)) == NULL)
                return eg_error_set(err, ENOMEM, "%s: out of memory", what);
        for (;;) {
                ssize_t n = pread(fd, buf + used, capacity - used, (off_t)used);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return eg_error_set_errno(err, errno, "reading %s", what);
                if (n == 0)
                        break;
                used += (size_t)n;
                if (used == capacity) {
                        char *bigger;
                        if (capacity > max)
                                return eg_error_set(err, 0, "%s: grew past the %zu-byte limit",
                                                    what, max);
                        capacity = capacity * 2 > max + 1 ? max + 1 : capacity * 2;
                        if ((bigger = realloc(buf, capacity)) == NULL)
                                return eg_error_set(err, ENOMEM, "%s: out of memory", what);
                        buf = bigger;
                }
        }
        buf[used] = '\0';
        *len = used;
        *text = steal_pointer(&buf);
        return 0;
}

int whole_file_read_at(int dir_fd, const char *path, const char *what, size_t max, char **text,
                       size_t *len, struct stat *st, struct eg_error *err)
{
        /* O_NONBLOCK: a FIFO put there must not hang a container start */
        cleanup_close int fd = openat(dir_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

        if (fd < 0)
                return eg_error_set_errno(err, errno, "opening %s", what);
        return whole_file_read_fd(fd, what, max, text, len, st, err);
}
