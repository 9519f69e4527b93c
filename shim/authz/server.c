#include "server.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../oci/str.h"
#include "../../oci/yajl_cleanup.h"

#define STACK_SIZE (256 * 1024)

struct server {
        struct MHD_Daemon *daemon;
        const struct judge_config *cfg;
};

/* One request's body as it arrives. */
struct upload {
        char *data;
        size_t len, cap;
        bool too_large;
};

static int append(struct upload *u, const char *data, size_t n)
{
        if (u->too_large || u->len + n > AUTHZ_ENVELOPE_MAX) {
                u->too_large = true;
                return 0;
        }
        if (u->len + n + 1 > u->cap) {
                size_t cap = u->cap ? u->cap : 4096;
                char *d;
                while (cap < u->len + n + 1)
                        cap *= 2;
                if ((d = realloc(u->data, cap)) == NULL)
                        return -1;
                u->data = d, u->cap = cap;
        }
        memcpy(u->data + u->len, data, n);
        u->len += n;
        u->data[u->len] = '\0';
        return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *json,
                             size_t len)
{
        struct MHD_Response *r =
                MHD_create_response_from_buffer(len, (void *)json, MHD_RESPMEM_MUST_COPY);
        enum MHD_Result ret;

        if (r == NULL)
                return MHD_NO;
        MHD_add_response_header(r, "Content-Type", "application/vnd.docker.plugins.v1.2+json");
        ret = MHD_queue_response(c, status, r);
        MHD_destroy_response(r);
        return ret;
}

/* {"Allow": allow, "Msg": msg} or {"Err": err}, built with yajl_gen. */
static enum MHD_Result answer(struct MHD_Connection *c, bool allow, const char *msg,
                              const char *error)
{
        static const char allowed[] = "{\"Allow\":true}";
        cleanup_yajl_gen yajl_gen g = NULL;
        const unsigned char *buf;
        size_t len;

        if (allow && msg == NULL && error == NULL) /* every allow-listed call */
                return reply(c, MHD_HTTP_OK, allowed, sizeof(allowed) - 1);
        if ((g = yajl_gen_alloc(NULL)) == NULL)
                return MHD_NO;
        yajl_gen_map_open(g);
        yajl_gen_string(g, (const unsigned char *)"Allow", 5);
        yajl_gen_bool(g, allow);
        if (msg && msg[0]) {
                yajl_gen_string(g, (const unsigned char *)"Msg", 3);
                yajl_gen_string(g, (const unsigned char *)msg, strlen(msg));
        }
        if (error) {
                yajl_gen_string(g, (const unsigned char *)"Err", 3);
                yajl_gen_string(g, (const unsigned char *)error, strlen(error));
        }
        yajl_gen_map_close(g);
        if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                return MHD_NO;
        return reply(c, MHD_HTTP_OK, (const char *)buf, len);
}

static enum MHD_Result route(struct server *s, struct MHD_Connection *c, const char *url,
                             struct upload *u)
{
        static const char activate[] = "{\"Implements\":[\"authz\"]}";
        struct judge_answer ans;
        enum MHD_Result ret;

        if (strcmp(url, "/Plugin.Activate") == 0)
                return reply(c, MHD_HTTP_OK, activate, sizeof(activate) - 1);
        if (strcmp(url, "/AuthZPlugin.AuthZRes") == 0)
                return answer(c, true, NULL, NULL);
        if (strcmp(url, "/AuthZPlugin.AuthZReq") != 0)
                return reply(c, MHD_HTTP_NOT_FOUND, "{\"Err\":\"no such endpoint\"}", 26);
        /* an oversized request is judged (refused and logged) unread */
        judge_request(s->cfg, u->too_large ? NULL : u->data ? u->data : "", u->len, &ans);
        ret = answer(c, ans.allow, ans.allow ? NULL : ans.msg, NULL);
        free(ans.record);
        return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
        struct server *s = cls;
        struct upload *u = *con_cls;

        (void)version;
        if (u == NULL) {
                if ((u = calloc(1, sizeof(*u))) == NULL)
                        return MHD_NO;
                *con_cls = u;
                return MHD_YES;
        }
        if (*upload_size > 0) {
                if (append(u, upload_data, *upload_size) < 0)
                        return MHD_NO;
                *upload_size = 0;
                return MHD_YES;
        }
        if (strcmp(method, "POST") != 0)
                return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"Err\":\"POST only\"}", 19);
        return route(s, c, url, u);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        struct upload *u = *con_cls;

        (void)cls, (void)c, (void)toe;
        if (u != NULL) {
                free(u->data);
                free(u);
                *con_cls = NULL;
        }
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
        (void)cls;
        fputs("edgeguard-authz: libmicrohttpd: ", stderr);
        vfprintf(stderr, fmt, ap);
}

struct server *server_start(int listen_fd, const struct judge_config *cfg, struct eg_error *err)
{
        struct server *s = calloc(1, sizeof(*s));

        if (s == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        s->cfg = cfg;
        /* poll, not select: a thousand connections pass FD_SETSIZE */
        s->daemon = MHD_start_daemon(
                MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                        MHD_USE_ERROR_LOG,
                0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd, MHD_OPTION_CONNECTION_LIMIT,
                (unsigned)SERVER_CONNECTIONS_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
                (unsigned)SERVER_IDLE_S, MHD_OPTION_THREAD_STACK_SIZE, (size_t)STACK_SIZE,
                MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
        if (s->daemon == NULL) {
                free(s);
                eg_error_set(err, 0, "libmicrohttpd could not start on the socket");
                return NULL;
        }
        return s;
}

void server_stop(struct server *s)
{
        if (s == NULL)
                return;
        MHD_stop_daemon(s->daemon);
        free(s);
}
