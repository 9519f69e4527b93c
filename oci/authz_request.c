/* The envelope, the URI and the body of one authorization request. */
#include "authz_request.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authz_json.h"
#include "str.h"

int authz_request_parse(const char *text, size_t len, struct authz_request *out,
                        struct eg_error *err)
{
        memset(out, 0, sizeof(*out));
        if (authz_json_parse(text, len, AUTHZ_ENVELOPE_MAX, AJ_NODE_ENVELOPE, out, &out->strings,
                             &out->strings_used, NULL, err) < 0)
                return eg_error_prefix(err, "the AuthZ request");
        return 0;
}

void authz_request_free(struct authz_request *r)
{
        free(r->strings);
        memset(r, 0, sizeof(*r));
}

static void strv_free(struct authz_strv *v)
{
        free(v->items);
}

static void hostconfig_free(struct authz_hostconfig *h)
{
        strv_free(&h->cap_add);
        strv_free(&h->capabilities);
        strv_free(&h->security_opt);
}

int authz_body_parse(const char *text, size_t len, enum authz_endpoint endpoint,
                     struct authz_body *out, struct eg_error *err)
{
        memset(out, 0, sizeof(*out));
        if (endpoint != AUTHZ_CREATE && endpoint != AUTHZ_EXEC)
                return eg_error_set(err, 0, "no body is read for this call");
        return authz_json_parse(text, len, AUTHZ_BODY_MAX,
                                endpoint == AUTHZ_CREATE ? AJ_NODE_CREATE : AJ_NODE_EXEC, out,
                                &out->strings, &out->strings_used, out, err);
}

void authz_body_free(struct authz_body *b)
{
        hostconfig_free(&b->host_config);
        hostconfig_free(&b->top);
        strv_free(&b->entrypoint);
        strv_free(&b->cmd);
        strv_free(&b->env);
        free(b->labels);
        free(b->strings);
        memset(b, 0, sizeof(*b));
}

const char *authz_body_label(const struct authz_body *b, const char *key)
{
        for (size_t i = b->n_labels; i-- > 0;)
                if (strcmp(b->labels[i].key, key) == 0)
                        return b->labels[i].value;
        return NULL;
}

/* ---- base64 (RFC 4648 standard alphabet, padded: Go's StdEncoding) ---- */

static int b64_value(unsigned char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

long authz_base64_decode(const char *in, size_t len, unsigned char *out)
{
        size_t o = 0;

        if (len % 4 != 0)
                return -1;
        for (size_t i = 0; i < len; i += 4) {
                int v[4];
                size_t pad = 0;
                bool last = i + 4 == len;
                for (int k = 0; k < 4; k++) {
                        unsigned char c = (unsigned char)in[i + (size_t)k];
                        if (c == '=' && last && k >= 2) {
                                v[k] = 0;
                                pad++;
                                continue;
                        }
                        if (pad > 0 || (v[k] = b64_value(c)) < 0)
                                return -1;
                }
                uint32_t n = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
                             (uint32_t)v[3];
                /* Go's strict decoding is not asked for; the bits under the
                 * padding are still refused: two encodings of one body */
                if ((pad == 1 && (n & 0xff)) || (pad == 2 && (n & 0xffff)))
                        return -1;
                out[o++] = (unsigned char)(n >> 16);
                if (pad < 2)
                        out[o++] = (unsigned char)(n >> 8);
                if (pad < 1)
                        out[o++] = (unsigned char)n;
        }
        return (long)o;
}

/* ---- the URI ---- */

static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Go's url unescape, once: "%XX", and '+' as a space in a query.  Returns
 * the length written to out (size bytes, terminated), or -1. */
static long unescape(const char *s, size_t len, bool query, char *out, size_t size)
{
        size_t o = 0;

        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (c == '%') {
                        int hi, lo;
                        if (i + 2 >= len)
                                return -1;
                        hi = hex_value(s[i + 1]);
                        lo = hex_value(s[i + 2]);
                        if (hi < 0 || lo < 0)
                                return -1;
                        c = (char)(hi << 4 | lo);
                        i += 2;
                } else if (c == '+' && query) {
                        c = ' ';
                }
                if (c == '\0' || o + 1 >= size)
                        return -1; /* NUL ends a C string early: judge nothing cut */
                out[o++] = c;
        }
        out[o] = '\0';
        return (long)o;
}

/* Removes "." and ".." segments and repeated slashes, as mux's cleanPath
 * does before it redirects: the stricter reading of a path dockerd would
 * not route as given. */
static void clean_path(char *path)
{
        char *w = path;
        const char *r = path;

        while (*r) {
                const char *seg;
                size_t n;
                while (*r == '/')
                        r++;
                seg = r;
                while (*r && *r != '/')
                        r++;
                n = (size_t)(r - seg);
                if (n == 0 || (n == 1 && seg[0] == '.'))
                        continue;
                if (n == 2 && seg[0] == '.' && seg[1] == '.') {
                        while (w > path && *--w != '/')
                                ;
                        continue;
                }
                *w++ = '/';
                memmove(w, seg, n);
                w += n;
        }
        if (w == path)
                *w++ = '/';
        *w = '\0';
}

static void strip_version(struct authz_uri *u)
{
        size_t n = 2;

        if (strncmp(u->path, "/v", 2) != 0)
                return;
        while (u->path[n] && strchr("0123456789.", u->path[n]))
                n++;
        if (n == 2 || (u->path[n] != '/' && u->path[n] != '\0') || n - 2 >= sizeof(u->version))
                return;
        memcpy(u->version, u->path + 2, n - 2);
        u->version[n - 2] = '\0';
        memmove(u->path, u->path + n, strlen(u->path + n) + 1);
        if (u->path[0] == '\0')
                str_copy(u->path, sizeof(u->path), "/");
}

static int query_pair(struct authz_uri *u, const char *s, size_t len, struct eg_error *err)
{
        const char *eq = memchr(s, '=', len);
        size_t klen = eq ? (size_t)(eq - s) : len;
        char key[32];
        char *dst;
        bool *has;

        if (memchr(s, ';', len))
                return eg_error_set(err, 0, "a ';' in the query (Go refuses it)");
        if (unescape(s, klen, true, key, sizeof(key)) < 0)
                return klen >= sizeof(key) ? 0
                                           : eg_error_set(err, 0, "a bad %%-escape in a query key");
        if (strcmp(key, "name") == 0)
                dst = u->name, has = &u->has_name;
        else if (strcmp(key, "platform") == 0)
                dst = u->platform, has = &u->has_platform;
        else
                return 0;
        if (*has)
                return 0; /* r.Form.Get: the first value */
        if (unescape(eq ? eq + 1 : s + len, eq ? len - klen - 1 : 0, true, dst,
                     AUTHZ_QUERY_VAL_MAX) < 0)
                return eg_error_set(err, 0,
                                    "the query's %s: a bad %%-escape, a NUL or over %d bytes", key,
                                    AUTHZ_QUERY_VAL_MAX - 1);
        *has = true;
        /* dockerd takes "/debug-x" and "debug-x" as one name (its names
         * match ^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$ and are stored with the
         * slash): the policy's patterns see it without */
        if (dst == u->name && dst[0] == '/')
                memmove(dst, dst + 1, strlen(dst));
        return 0;
}

int authz_uri_parse(const char *uri, struct authz_uri *out, struct eg_error *err)
{
        const char *q = strchr(uri, '?');
        size_t plen = q ? (size_t)(q - uri) : strlen(uri);

        memset(out, 0, sizeof(*out));
        if (uri[0] != '/')
                return eg_error_set(err, 0, "RequestUri does not start with '/'");
        if (unescape(uri, plen, false, out->path, sizeof(out->path)) < 0)
                return eg_error_set(err, 0,
                                    "RequestUri's path: a bad %%-escape, a NUL or over %d bytes",
                                    AUTHZ_URI_MAX - 1);
        clean_path(out->path);
        strip_version(out);
        while (q != NULL) {
                const char *start = q + 1, *amp = strchr(start, '&');
                size_t n = amp ? (size_t)(amp - start) : strlen(start);
                if (n > 0 && query_pair(out, start, n, err) < 0)
                        return eg_error_prefix(err, "RequestUri");
                q = amp;
        }
        return 0;
}

/* "1.23" and the like below 1.24; "" (dockerd's current version) is not. */
static bool version_below_1_24(const char *v)
{
        char *end;
        unsigned long major, minor;

        if (v[0] == '\0')
                return false;
        major = strtoul(v, &end, 10);
        if (*end != '.')
                return major < 1;
        minor = strtoul(end + 1, &end, 10);
        return major < 1 || (major == 1 && minor < 24);
}

enum authz_endpoint authz_endpoint_of(const char *method, const struct authz_uri *u)
{
        static const char prefix[] = "/containers/";
        const char *id, *slash;

        if (method == NULL || strcasecmp(method, "POST") != 0)
                return AUTHZ_OTHER;
        if (strcmp(u->path, "/containers/create") == 0)
                return AUTHZ_CREATE;
        if (strncmp(u->path, prefix, sizeof(prefix) - 1) != 0)
                return AUTHZ_OTHER;
        id = u->path + sizeof(prefix) - 1;
        slash = strchr(id, '/');
        if (slash != NULL && slash > id && strcmp(slash, "/exec") == 0)
                return AUTHZ_EXEC;
        if (slash != NULL && slash > id && strcmp(slash, "/start") == 0 &&
            version_below_1_24(u->version))
                return AUTHZ_START_LEGACY;
        return AUTHZ_OTHER;
}
