#include "append.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../oci/cleanup.h"

static ssize_t write_retrying(int fd, const char *line, size_t len)
{
        ssize_t n;

        do
                n = write(fd, line, len);
        while (n < 0 && errno == EINTR);
        return n;
}

static int short_write_error(ssize_t n, size_t len, const char *what, struct eg_error *err)
{
        if (n < 0)
                return eg_error_set_errno(err, errno, "writing %s", what);
        return eg_error_set(err, EIO, "writing %s: %zd of %zu bytes written", what, n, len);
}

int write_once(int fd, const char *line, size_t len, const char *what, struct eg_error *err)
{
        ssize_t n = write_retrying(fd, line, len);

        return (size_t)n == len ? 0 : short_write_error(n, len, what, err);
}

/* A full disk can take part of a line: the written part is cut off again,
 * so that the file keeps whole lines and the next record does not continue
 * a torn one.  Only while ours is still the file's last write (O_APPEND
 * left the offset at its end). */
static void cut_torn_line(int fd, size_t written)
{
        off_t end = lseek(fd, 0, SEEK_CUR);
        struct stat st;

        if (end < (off_t)written || fstat(fd, &st) < 0 || st.st_size != end)
                return;
        if (ftruncate(fd, end - (off_t)written) < 0)
                return; /* the failed write is reported already */
}

static bool disk_full(int fd)
{
        struct statfs fs;

        return fstatfs(fd, &fs) == 0 && fs.f_bavail == 0;
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
        ssize_t n;

        if (fd < 0)
                return eg_error_set_errno(err, errno, "opening %s %s", what, path);
        if (fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "examining %s %s", what, path);
        if (!S_ISREG(st.st_mode))
                return eg_error_set(err, EINVAL, "%s %s is not a regular file", what, path);
        snprintf(name, sizeof(name), "%s %.250s", what, path);
        n = write_retrying(fd, line, len);
        if ((size_t)n == len)
                return 0;
        if (n <= 0)
                return short_write_error(n, len, name, err);
        cut_torn_line(fd, (size_t)n);
        return eg_error_set(err, ENOSPC,
                            "writing %s: only %zd of %zu bytes fitted%s; cut off again", name, n,
                            len, disk_full(fd) ? " (no space left on device)" : "");
}
