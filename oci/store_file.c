#include "store_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "whole_file.h"

int store_open_below(int root_fd, const char *const parts[], size_t n, int dir,
                     struct eg_error *err)
{
        cleanup_close int held = -1;
        int at = root_fd, fd;

        for (size_t i = 0; i + 1 < n; i++) {
                int next = openat(at, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return eg_error_set_errno(err, errno, "%s", parts[i]);
                cleanup_closep(&held);
                at = held = next;
        }
        fd = openat(at, parts[n - 1],
                    (dir ? O_DIRECTORY : 0) | O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
                            O_CLOEXEC);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "%s", parts[n - 1]);
        return fd;
}

int store_read_below(int root_fd, const char *const parts[], size_t n, const char *what, size_t max,
                     char **text, size_t *len, struct eg_error *err)
{
        cleanup_close int fd = store_open_below(root_fd, parts, n, 0, err);
        struct stat st;

        if (fd < 0)
                return -1;
        return whole_file_read_fd(fd, what, max, text, len, &st, err);
}
