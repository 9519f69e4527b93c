/* The plugin's unix socket on Linux: systemd's, or one bound here. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../oci/cleanup.h"
#include "../../oci/str.h"

#define SD_LISTEN_FDS_START 3

/* systemd's socket activation (sd_listen_fds(3)): one fd at 3, for us. */
static int inherited_socket(void)
{
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
        int fd = SD_LISTEN_FDS_START;

        if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != (long)getpid() ||
            strtol(fds, NULL, 10) < 1)
                return -1;
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_FDNAMES");
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                return -1;
        return fd;
}

static int make_parent(const char *path, struct eg_error *err)
{
        char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

        str_copy(dir, sizeof(dir), path);
        for (char *p = dir + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return eg_error_set_errno(err, errno, "creating %s", dir);
                *p = '/';
        }
        return 0;
}

int server_listen(const char *path, bool *ours, struct eg_error *err)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        cleanup_close int fd = inherited_socket();
        mode_t old;
        int probe;

        *ours = false;
        if (fd >= 0)
                return steal_fd(&fd);
        if (!str_copy(addr.sun_path, sizeof(addr.sun_path), path))
                return eg_error_set(err, ENAMETOOLONG, "socket path %s is too long", path);
        if (make_parent(path, err) < 0)
                return -1;
        /* a socket someone answers on is another plugin's: not taken over */
        probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
                close(probe);
                return eg_error_set(err, EADDRINUSE, "%s: another process serves this socket",
                                    path);
        }
        if (probe >= 0)
                close(probe);
        if (unlink(path) < 0 && errno != ENOENT)
                return eg_error_set_errno(err, errno, "removing the stale socket %s", path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "socket");
        old = umask(0077); /* root's dockerd is the only client */
        if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                umask(old);
                return eg_error_set_errno(err, errno, "binding %s", path);
        }
        umask(old);
        if (listen(fd, 1024) < 0)
                return eg_error_set_errno(err, errno, "listening on %s", path);
        *ours = true;
        return steal_fd(&fd);
}
