#include "path.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* Appends the components of `p` to out[0..*len), resolving "." and "..". */
static bool append_clean(const char *p, char *out, size_t size, size_t *len)
{
        while (*p) {
                const char *end;
                size_t n;

                while (*p == '/')
                        p++;
                end = strchrnul(p, '/');
                n = (size_t)(end - p);
                if (n == 0 || (n == 1 && p[0] == '.')) {
                        /* nothing */
                } else if (n == 2 && p[0] == '.' && p[1] == '.') {
                        while (*len > 1 && out[*len - 1] != '/')
                                (*len)--;
                        if (*len > 1)
                                (*len)--; /* the slash, unless it is the root */
                } else {
                        if (*len + (*len > 1) + n + 1 > size)
                                return false;
                        if (*len > 1)
                                out[(*len)++] = '/';
                        memcpy(out + *len, p, n);
                        *len += n;
                }
                p = end;
        }
        return true;
}

int path_join_clean(const char *base, const char *path, char *out, size_t size,
                    struct eg_error *err)
{
        size_t len = 1;

        if (size < 2)
                return eg_error_set(err, ENAMETOOLONG, "path buffer too small");
        if (path[0] != '/' && base[0] != '/')
                return eg_error_set(err, EINVAL, "base directory is not absolute: %s", base);
        out[0] = '/';
        if ((path[0] != '/' && !append_clean(base, out, size, &len)) ||
            !append_clean(path, out, size, &len))
                return eg_error_set(err, ENAMETOOLONG, "path too long: %s", path);
        out[len] = '\0';
        return 0;
}

/* Go's filepath.Clean (path/filepath, "Lexical Processing"): rooted paths
 * drop ".." at the root, relative ones keep their leading ".."s, and an
 * empty result is ".". */
int path_clean(const char *in, char *out, size_t size, struct eg_error *err)
{
        bool rooted = in[0] == '/';
        size_t len = 0, dotdot = 0; /* out[0..dotdot) is ".."s a relative ".." cannot remove */
        const char *p = in;

        if (size < 2)
                return eg_error_set(err, ENAMETOOLONG, "path buffer too small");
        if (rooted)
                out[len++] = '/', dotdot = 1;
        while (*p) {
                const char *end;
                size_t n;

                while (*p == '/')
                        p++;
                end = strchrnul(p, '/');
                n = (size_t)(end - p);
                if (n == 0 || (n == 1 && p[0] == '.')) {
                        /* nothing */
                } else if (n == 2 && p[0] == '.' && p[1] == '.') {
                        if (len > dotdot) {
                                while (len > dotdot && out[len - 1] != '/')
                                        len--;
                                if (len > dotdot)
                                        len--; /* the slash before the removed name */
                                else if (rooted && len > 1)
                                        len--;
                        } else if (!rooted) {
                                if (len + 3 >= size)
                                        return eg_error_set(err, ENAMETOOLONG, "path too long");
                                if (len > 0)
                                        out[len++] = '/';
                                out[len++] = '.', out[len++] = '.';
                                dotdot = len;
                        }
                } else {
                        if (len + 1 + n + 1 > size)
                                return eg_error_set(err, ENAMETOOLONG, "path too long: %.200s", in);
                        if (len > 0 && !(rooted && len == 1))
                                out[len++] = '/';
                        memcpy(out + len, p, n);
                        len += n;
                }
                p = end;
        }
        if (len == 0)
                out[len++] = '.';
        out[len] = '\0';
        return 0;
}
