/* config.User to ids, as runc's libcontainer/user GetExecUser does it for
 * dockerd (moby daemon/oci_linux.go getUser reads the image's /etc/passwd
 * and /etc/group through the container's root).  The files are the
 * image's: every line is hostile, so fields are bounded and numbers
 * range-checked (runc: 0 .. 2^31-1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_config.h"

#define ID_MAX     2147483647L /* runc's maxID: math.MaxInt32 */
#define FIELDS_MAX 8

/* A non-negative decimal id in runc's range; -1 when s is not one. */
static long parse_id(const char *s, size_t n)
{
        long v = 0;

        if (n == 0 || n > 10)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v <= ID_MAX ? v : -1;
}

struct field {
        const char *s;
        size_t n;
};

/* Splits one line (without its newline) at ':' into at most FIELDS_MAX
 * fields; returns their count. */
static size_t split(const char *line, size_t len, struct field f[FIELDS_MAX])
{
        size_t n = 0, start = 0;

        for (size_t i = 0; i <= len && n < FIELDS_MAX; i++)
                if (i == len || line[i] == ':') {
                        f[n++] = (struct field){line + start, i - start};
                        start = i + 1;
                }
        return n;
}

static bool field_is(const struct field *f, const char *s)
{
        return strlen(s) == f->n && memcmp(f->s, s, f->n) == 0;
}

/* Calls fn on each line's fields until it returns nonzero (that value). */
static int each_line(const char *text, size_t len, int (*fn)(struct field *, size_t, void *),
                     void *ctx)
{
        size_t pos = 0;

        while (text != NULL && pos < len) {
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t end = nl ? (size_t)(nl - text) : len;
                struct field f[FIELDS_MAX];
                size_t n;
                int r;
                while (pos < end && (text[pos] == ' ' || text[pos] == '\t'))
                        pos++;
                if (pos < end && text[pos] != '#') {
                        n = split(text + pos, end - pos, f);
                        if ((r = fn(f, n, ctx)) != 0)
                                return r;
                }
                pos = end + 1;
        }
        return 0;
}

struct user_match {
        const char *arg;
        long id;                /* arg as a number, -1 when a name */
        char name[256];         /* the matched entry's name */
        long uid, gid;          /* of the matched entry */
        struct image_user *out; /* for group matching */
        const char *group_arg;  /* NULL: supplementary groups by membership */
        long group_id;          /* group_arg as a number, -1 when a name */
        long found_gid;         /* explicit group: its gid, -1 until found */
        struct eg_error *err;
};

static int passwd_line(struct field *f, size_t n, void *ctx)
{
        struct user_match *m = ctx;
        long uid, gid;

        if (n < 4)
                return 0; /* runc skips short lines too */
        uid = parse_id(f[2].s, f[2].n);
        gid = parse_id(f[3].s, f[3].n);
        if (!(field_is(&f[0], m->arg) || (m->id >= 0 && uid == m->id)))
                return 0;
        if (uid < 0 || gid < 0)
                return eg_error_set(m->err, 0,
                                    "/etc/passwd: the entry of \"%.64s\" has ids out of range",
                                    m->arg);
        snprintf(m->name, sizeof(m->name), "%.*s", (int)(f[0].n < 255 ? f[0].n : 255), f[0].s);
        m->uid = uid;
        m->gid = gid;
        return 1;
}

static int group_line(struct field *f, size_t n, void *ctx)
{
        struct user_match *m = ctx;
        long gid;

        if (n < 3 || (gid = parse_id(f[2].s, f[2].n)) < 0)
                return 0;
        if (m->group_arg != NULL) {
                if (field_is(&f[0], m->group_arg) || (m->group_id >= 0 && gid == m->group_id)) {
                        m->found_gid = gid;
                        return 1;
                }
                return 0;
        }
        if (n < 4 || m->name[0] == '\0')
                return 0;
        for (const char *p = f[3].s, *end = f[3].s + f[3].n; p < end;) {
                const char *comma = memchr(p, ',', (size_t)(end - p));
                size_t len = comma ? (size_t)(comma - p) : (size_t)(end - p);
                if (len == strlen(m->name) && memcmp(p, m->name, len) == 0) {
                        if (m->out->n_groups == sizeof(m->out->groups) / sizeof(gid_t))
                                return eg_error_set(m->err, 0,
                                                    "/etc/group: \"%s\" is in more than %zu "
                                                    "groups",
                                                    m->name, m->out->n_groups);
                        m->out->groups[m->out->n_groups++] = (gid_t)gid;
                        break;
                }
                p += len + 1;
        }
        return 0;
}

int image_user_resolve(const char *user, const char *passwd, size_t passwd_len, const char *group,
                       size_t group_len, struct image_user *out, struct eg_error *err)
{
        char user_arg[256];
        const char *colon;
        struct user_match m = {.arg = user_arg, .out = out, .err = err, .found_gid = -1};
        int r;

        memset(out, 0, sizeof(*out));
        if (user == NULL || user[0] == '\0')
                return 0; /* root, as dockerd leaves it */
        colon = strchr(user, ':');
        snprintf(user_arg, sizeof(user_arg), "%.*s",
                 (int)(colon ? (size_t)(colon - user) : strlen(user)), user);
        m.group_arg = colon && colon[1] ? colon + 1 : NULL;
        m.id = parse_id(user_arg, strlen(user_arg));
        m.group_id = m.group_arg ? parse_id(m.group_arg, strlen(m.group_arg)) : -1;

        if ((r = each_line(passwd, passwd_len, passwd_line, &m)) < 0)
                return -1;
        if (r == 0) {
                if (m.id < 0)
                        return eg_error_set(err, ENOENT,
                                            "unable to find user %.64s: no matching entries in "
                                            "the image's /etc/passwd",
                                            user_arg);
                m.uid = m.id;
                m.gid = 0;
        }
        out->uid = (uid_t)m.uid;
        out->gid = (gid_t)m.gid;
        if (m.group_arg == NULL && m.name[0] == '\0')
                return 0;
        if (each_line(group, group_len, group_line, &m) < 0)
                return -1;
        if (m.group_arg != NULL) {
                if (m.found_gid < 0 && m.group_id < 0)
                        return eg_error_set(err, ENOENT,
                                            "unable to find group %.64s: no matching entries in "
                                            "the image's /etc/group",
                                            m.group_arg);
                out->gid = (gid_t)(m.found_gid >= 0 ? m.found_gid : m.group_id);
        }
        return 0;
}
