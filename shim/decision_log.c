#include "decision_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/str.h"

/* mkdir -p of path's parent directories, 0755 as /var/log's are. */
static int make_parents(const char *path, struct eg_error *err)
{
        char dir[PATH_MAX];

        if (!str_copy(dir, sizeof(dir), path))
                return eg_error_set(err, ENAMETOOLONG, "decision log %s: path too long", path);
        for (char *p = dir + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return eg_error_set_errno(err, errno, "creating %s for the decision log",
                                                  dir);
                *p = '/';
        }
        return 0;
}

static int write_all_once(int fd, const char *line, size_t len, const char *what,
                          struct eg_error *err)
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

static int open_log(const char *path, struct eg_error *err)
{
        const int flags =
                O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK;
        int fd = open(path, flags, 0640);

        if (fd < 0 && errno == ENOENT) {
                if (make_parents(path, err) < 0)
                        return -1;
                fd = open(path, flags, 0640);
        }
        if (fd < 0 && errno == ELOOP)
                return eg_error_set(err, ELOOP, "decision log %s is a symlink: not written", path);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "opening decision log %s", path);
        return fd;
}

int decision_log_write(const char *target, const char *line, size_t len, struct eg_error *err)
{
        cleanup_close int fd = -1;
        struct stat st;

        if (strcmp(target, "-") == 0)
                return write_all_once(2, line, len, "the decision to stderr", err);
        if (strcmp(target, "syslog") == 0) {
                /* glibc's syslog socket is SOCK_CLOEXEC; the record's newline is dropped */
                openlog("edgeguard", LOG_PID, LOG_DAEMON);
                syslog(LOG_INFO, "%.*s", (int)(len > 0 ? len - 1 : 0), line);
                closelog();
                return 0;
        }
        if ((fd = open_log(target, err)) < 0)
                return -1;
        if (fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "examining decision log %s", target);
        if (!S_ISREG(st.st_mode))
                return eg_error_set(err, EINVAL,
                                    "decision log %s is not a regular file: not written", target);
        return write_all_once(fd, line, len, target, err);
}
