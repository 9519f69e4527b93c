#include "append.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/cleanup.h"

int write_once(int fd, const char *line, size_t len, const char *what, struct eg_error *err)
{
        ssize_t n;

        do
                n = write(fd, line, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return eg_error_set_errno(err, errno, "writing %s", what);
        if ((size_t)n != len)
                return eg_error_set(err, EIO, "writing %s: %zd of %zu bytes written", what, n, len);
        return 0;
}

int append_line(const char *path, int extra_flags, mode_t mode, const char *what, const char *line,
                size_t len, struct eg_error *err)
{
        /* O_NONBLOCK: opening a FIFO for writing would otherwise wait for a reader */
        cleanup_close int fd = open(path,
                                    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
                                            O_NONBLOCK | extra_flags,
                                    mode);
        char name[300];
        struct stat st;

        if (fd < 0)
                return eg_error_set_errno(err, errno, "opening %s %s", what, path);
        if (fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "examining %s %s", what, path);
        if (!S_ISREG(st.st_mode))
                return eg_error_set(err, EINVAL, "%s %s is not a regular file", what, path);
        snprintf(name, sizeof(name), "%s %.250s", what, path);
        return write_once(fd, line, len, name, err);
}
