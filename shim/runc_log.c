#include "runc_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../oci/rfc3339.h"
#include "../oci/utf8.h"
#include "../oci/yajl_cleanup.h"
#include "append.h"

#define LINE_MAX_BYTES 8192

static int gen_str(yajl_gen g, const char *s)
{
        return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0
                                                                                             : -1;
}

static int format_json(const char *level, const char *msg, const char *time, char *out, size_t size,
                       struct eg_error *err)
{
        cleanup_yajl_gen yajl_gen g = yajl_gen_alloc(NULL);
        const unsigned char *buf;
        size_t len;

        if (g == NULL)
                return eg_error_set(err, ENOMEM, "allocating the JSON generator");
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
        if (yajl_gen_map_open(g) != yajl_gen_status_ok || gen_str(g, "level") ||
            gen_str(g, level) || gen_str(g, "msg") || gen_str(g, msg) || gen_str(g, "time") ||
            gen_str(g, time) || yajl_gen_map_close(g) != yajl_gen_status_ok ||
            yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                return eg_error_set(err, EINVAL, "generating the runc log line");
        if (len + 2 > size)
                return eg_error_set(err, E2BIG, "runc log line too long");
        memcpy(out, buf, len);
        out[len++] = '\n';
        out[len] = '\0';
        return (int)len;
}

/* logrus' TextFormatter quotes with Go's %q; control bytes are escaped. */
static int format_text(const char *level, const char *msg, const char *time, char *out, size_t size,
                       struct eg_error *err)
{
        static const char hex[] = "0123456789abcdef";
        size_t o;
        int n = snprintf(out, size, "time=\"%s\" level=%s msg=\"", time, level);

        if (n < 0 || (size_t)n >= size)
                return eg_error_set(err, E2BIG, "runc log line too long");
        o = (size_t)n;
        for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
                char esc[4];
                size_t k = 0;

                if (*p == '"' || *p == '\\')
                        esc[k++] = '\\', esc[k++] = (char)*p;
                else if (*p == '\n')
                        esc[k++] = '\\', esc[k++] = 'n';
                else if (*p == '\t')
                        esc[k++] = '\\', esc[k++] = 't';
                else if (*p < 0x20 || *p == 0x7f)
                        esc[k++] = '\\', esc[k++] = 'x', esc[k++] = hex[*p >> 4],
                        esc[k++] = hex[*p & 15];
                else
                        esc[k++] = (char)*p;
                if (o + k + 3 > size)
                        return eg_error_set(err, E2BIG, "runc log line too long");
                memcpy(out + o, esc, k);
                o += k;
        }
        out[o++] = '"';
        out[o++] = '\n';
        out[o] = '\0';
        return (int)o;
}

int runc_log_format(const char *level, bool json, const char *msg, struct timespec now, char *out,
                    size_t size, struct eg_error *err)
{
        char clean[LINE_MAX_BYTES / 2];
        char time[RFC3339_MAX];

        rfc3339_format(now, false, time);
        utf8_sanitize_visible(msg, clean, sizeof clean);
        return json ? format_json(level, clean, time, out, size, err)
                    : format_text(level, clean, time, out, size, err);
}

int runc_log_append(const char *path, bool json, const char *level, const char *msg,
                    struct eg_error *err)
{
        char line[LINE_MAX_BYTES];
        struct timespec now;
        int len;

        clock_gettime(CLOCK_REALTIME, &now);
        len = runc_log_format(level, json, msg, now, line, sizeof line, err);
        if (len < 0)
                return -1;
        return append_line(path, 0, 0644, "runc log", line, (size_t)len, err);
}
