#include "docker_api.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../oci/cleanup.h"
#include "../../oci/json_tree.h"
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

/* Splits "HTTP/1.x NNN ...\r\nheaders\r\n\r\nbody". */
static int split_reply(char *buf, size_t len, int *status, char **body, size_t *body_len,
                       struct eg_error *err)
{
        char *end = memmem(buf, len, "\r\n\r\n", 4);
        const char *cl;

        if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || end == NULL)
                return eg_error_set(err, 0, "dockerd's answer is not HTTP");
        *status = atoi(buf + 9);
        *end = '\0';
        *body = end + 4;
        *body_len = len - (size_t)(*body - buf);
        cl = strcasestr(buf, "\r\nContent-Length:");
        if (cl != NULL) {
                unsigned long n = strtoul(cl + 17, NULL, 10);
                if (n < *body_len)
                        *body_len = n;
        }
        return 0;
}

int docker_api_get(const char *socket_path, const char *path, int timeout_ms, size_t max,
                   int *status, char **body, size_t *len, struct eg_error *err)
{
        long long deadline = now_ms() + timeout_ms;
        cleanup_close int fd = connect_unix(socket_path, deadline, err);
        cleanup_free char *buf = NULL;
        char request[4096 + 64];
        size_t used = 0, cap = max + 8192;
        char *b = NULL;
        size_t blen = 0;
        int n;

        if (fd < 0)
                return -1;
        n = snprintf(request, sizeof(request), "GET %s HTTP/1.0\r\nHost: docker\r\n\r\n", path);
        if (n < 0 || (size_t)n >= sizeof(request))
                return eg_error_set(err, ENAMETOOLONG, "the request path is too long");
        if (send_all(fd, request, (size_t)n, deadline, err) < 0)
                return -1;
        if ((buf = malloc(cap + 1)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        for (;;) {
                ssize_t r = recv(fd, buf + used, cap - used, 0);
                if (r > 0) {
                        used += (size_t)r;
                        if (used == cap)
                                return eg_error_set(err, EFBIG,
                                                    "dockerd's answer is over %zu bytes", max);
                        continue;
                }
                if (r == 0)
                        break;
                if (errno != EAGAIN && errno != EINTR)
                        return eg_error_set_errno(err, errno, "reading from dockerd");
                if (wait_for(fd, POLLIN, deadline, err) < 0)
                        return -1;
        }
        buf[used] = '\0';
        if (split_reply(buf, used, status, &b, &blen, err) < 0)
                return -1;
        if ((*body = malloc(blen + 1)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        memcpy(*body, b, blen);
        (*body)[blen] = '\0';
        *len = blen;
        return 0;
}

/* A reference in a URL path: the route is /images/{name:.*}/json, so '/'
 * and ':' stay; anything that could end or bend the path is escaped. */
static int escape_ref(const char *ref, char *out, size_t size)
{
        size_t o = 0;

        for (const unsigned char *c = (const unsigned char *)ref; *c; c++) {
                bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                             (*c >= '0' && *c <= '9') || strchr("-._~:/@", *c);
                if (o + 4 >= size)
                        return -1;
                if (plain)
                        out[o++] = (char)*c;
                else
                        o += (size_t)snprintf(out + o, size - o, "%%%02X", *c);
        }
        out[o] = '\0';
        return 0;
}

static const char *string_of(const struct json_value *top, const char *key)
{
        const struct json_value *v = json_get(top, key);
        return v && v->type == JSON_STRING ? v->text : "";
}

/* Reads an answer's JSON object into top; -1 with detail set. */
static int read_answer(const char *what, const char *socket_path, const char *path, int timeout_ms,
                       struct json_value *top, int *status, char *detail, size_t size)
{
        cleanup_free char *body = NULL;
        struct eg_error err = {0};
        size_t len = 0;

        memset(top, 0, sizeof(*top));
        if (docker_api_get(socket_path, path, timeout_ms, DOCKER_API_REPLY_MAX, status, &body, &len,
                           &err) < 0) {
                snprintf(detail, size, "GET %.100s on %.100s: %.250s", what, socket_path, err.msg);
                return -1;
        }
        if (*status != 200)
                return 0;
        if (json_parse(body, len, DOCKER_API_REPLY_MAX, 32, top, &err) < 0 ||
            top->type != JSON_OBJECT) {
                snprintf(detail, size, "GET %.200s: the answer is not a JSON object: %.250s", what,
                         err.msg);
                return -1;
        }
        return 0;
}

void docker_api_image(const char *socket_path, const char *ref, int timeout_ms,
                      struct authz_image *out)
{
        char escaped[2048], path[2100];
        struct json_value top;
        struct eg_error err = {0};
        int status = 0;

        memset(out, 0, sizeof(*out));
        out->status = AUTHZ_IMAGE_FAILED;
        if (escape_ref(ref, escaped, sizeof(escaped)) < 0) {
                snprintf(out->detail, sizeof(out->detail), "the image reference is too long");
                return;
        }
        snprintf(path, sizeof(path), "/images/%s/json", escaped);
        if (read_answer(path, socket_path, path, timeout_ms, &top, &status, out->detail,
                        sizeof(out->detail)) == 0) {
                if (status == 404) {
                        out->status = AUTHZ_IMAGE_ABSENT;
                } else if (status != 200) {
                        snprintf(out->detail, sizeof(out->detail), "GET %.200s: HTTP %d", path,
                                 status);
                } else if (platform_set_declared(&out->platform, string_of(&top, "Os"),
                                                 string_of(&top, "Architecture"),
                                                 string_of(&top, "Variant"), &err) < 0) {
                        snprintf(out->detail, sizeof(out->detail), "the image's platform: %.400s",
                                 err.msg);
                } else {
                        str_copy(out->os_version, sizeof(out->os_version),
                                 string_of(&top, "OsVersion"));
                        out->status = AUTHZ_IMAGE_READ;
                }
        }
        json_free(&top);
}

void docker_api_info(const char *socket_path, int timeout_ms, struct authz_daemon *out)
{
        struct json_value top;
        int status = 0;

        memset(out, 0, sizeof(*out));
        if (read_answer("/info", socket_path, "/info", timeout_ms, &top, &status, out->detail,
                        sizeof(out->detail)) == 0) {
                if (status != 200) {
                        snprintf(out->detail, sizeof(out->detail), "GET /info: HTTP %d", status);
                } else {
                        str_copy(out->isolation, sizeof(out->isolation),
                                 string_of(&top, "Isolation"));
                        str_copy(out->default_runtime, sizeof(out->default_runtime),
                                 string_of(&top, "DefaultRuntime"));
                        out->known = true;
                }
        }
        json_free(&top);
}
