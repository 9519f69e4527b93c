#include "decision_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "../oci/str.h"
#include "append.h"

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

int decision_log_write(const char *target, const char *line, size_t len, struct eg_error *err)
{
        const int flags = O_NOFOLLOW; /* a symlink planted there is not written through */
        int ret;

        if (strcmp(target, "-") == 0)
                return write_once(2, line, len, "the decision to stderr", err);
        if (strcmp(target, "syslog") == 0) {
                /* glibc's syslog socket is SOCK_CLOEXEC; the record's newline is dropped */
                openlog("edgeguard", LOG_PID, LOG_DAEMON);
                syslog(LOG_INFO, "%.*s", (int)(len > 0 ? len - 1 : 0), line);
                closelog();
                return 0;
        }
        ret = append_line(target, flags, 0640, "decision log", line, len, err);
        if (ret < 0 && err->errnum == ENOENT) {
                if (make_parents(target, err) < 0)
                        return -1;
                ret = append_line(target, flags, 0640, "decision log", line, len, err);
        }
        if (ret < 0 && err->errnum == ELOOP)
                return eg_error_set(err, ELOOP, "decision log %s is a symlink: not written",
                                    target);
        return ret;
}
