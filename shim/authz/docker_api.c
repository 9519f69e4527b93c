#include "docker_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../oci/json_tree.h"
#include "../../oci/str.h"
#include "docker_transport.h"

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
        cleanup_free char *buf = NULL;
        char request[4096 + 64];
        size_t used = 0, cap = max + 8192;
        char *b = NULL;
        size_t blen = 0;
        int n;

        n = snprintf(request, sizeof(request), "GET %s HTTP/1.0\r\nHost: docker\r\n\r\n", path);
        if (n < 0 || (size_t)n >= sizeof(request))
                return eg_error_set(err, ENAMETOOLONG, "the request path is too long");
        if ((buf = malloc(cap + 1)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        if (docker_transport_get(socket_path, request, (size_t)n, timeout_ms, buf, cap, &used,
                                 err) < 0)
                return -1;
        if (used == cap)
                return eg_error_set(err, EFBIG, "dockerd's answer is over %zu bytes", max);
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
                        str_copy(out->id, sizeof(out->id), string_of(&top, "Id"));
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
                        str_copy(out->root, sizeof(out->root), string_of(&top, "DockerRootDir"));
                        str_copy(out->driver, sizeof(out->driver), string_of(&top, "Driver"));
                        out->known = true;
                }
        }
        json_free(&top);
}
