/* The plugin's calls into dockerd on Linux: the unix socket, non-blocking,
 * every step bounded by one deadline. */
#include "docker_transport.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../oci/cleanup.h"
#include "../../oci/str.h"

static long long now_ms(void)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits for fd to be ready for `events` until the deadline. */
static int wait_for(int fd, short events, long long deadline, struct eg_error *err)
{
        for (;;) {
                struct pollfd p = {.fd = fd, .events = events};
                long long left = deadline - now_ms();
                int n;
                if (left <= 0)
                        return eg_error_set(err, ETIMEDOUT, "no answer from dockerd in time");
                n = poll(&p, 1, (int)left);
                if (n > 0)
                        return 0;
                if (n < 0 && errno != EINTR)
                        return eg_error_set_errno(err, errno, "waiting for dockerd");
        }
}

static int connect_unix(const char *path, long long deadline, struct eg_error *err)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        cleanup_close int fd = -1;
        int so_error = 0;
        socklen_t sl = sizeof(so_error);

        if (!str_copy(addr.sun_path, sizeof(addr.sun_path), path))
                return eg_error_set(err, ENAMETOOLONG, "docker socket %s: path too long", path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "socket");
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                if (errno != EINPROGRESS && errno != EAGAIN)
                        return eg_error_set_errno(err, errno, "connecting to %s", path);
                if (wait_for(fd, POLLOUT, deadline, err) < 0)
                        return -1;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &sl) < 0 || so_error)
                        return eg_error_set_errno(err, so_error ? so_error : errno,
                                                  "connecting to %s", path);
        }
        return steal_fd(&fd);
}

static int send_all(int fd, const char *buf, size_t len, long long deadline, struct eg_error *err)
{
        while (len > 0) {
                ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
                if (n > 0) {
                        buf += n, len -= (size_t)n;
                        continue;
                }
                if (n < 0 && errno != EAGAIN && errno != EINTR)
                        return eg_error_set_errno(err, errno, "writing to dockerd");
                if (wait_for(fd, POLLOUT, deadline, err) < 0)
                        return -1;
        }
        return 0;
}

int docker_transport_get(const char *address, const char *request, size_t len, int timeout_ms,
                         char *buf, size_t cap, size_t *used, struct eg_error *err)
{
        long long deadline = now_ms() + timeout_ms;
        cleanup_close int fd = connect_unix(address, deadline, err);

        *used = 0;
        if (fd < 0)
                return -1;
        if (send_all(fd, request, len, deadline, err) < 0)
                return -1;
        while (*used < cap) {
                ssize_t r = recv(fd, buf + *used, cap - *used, 0);
                if (r > 0) {
                        *used += (size_t)r;
                        continue;
                }
                if (r == 0)
                        break;
                if (errno != EAGAIN && errno != EINTR)
                        return eg_error_set_errno(err, errno, "reading from dockerd");
                if (wait_for(fd, POLLIN, deadline, err) < 0)
                        return -1;
        }
        return 0;
}
