#include "start_record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "../oci/cleanup.h"
#include "../oci/runc_state.h"
#include "../oci/sha256.h"
#include "../oci/whole_file.h"
#include "../oci/yajl_cleanup.h"
#include "state_key.h"

void start_record_path(const char *root, const char *id, char *out, size_t size)
{
        struct eg_error err;

        if (state_key_path(root, id, ".json", out, size, &err) < 0)
                snprintf(out, size, "%s/-", state_dir());
}

static bool gen_string(yajl_gen g, const char *k, const char *v)
{
        return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) == yajl_gen_status_ok &&
               (v ? yajl_gen_string(g, (const unsigned char *)v, strlen(v)) : yajl_gen_null(g)) ==
                       yajl_gen_status_ok;
}

static bool gen_number(yajl_gen g, const char *k, unsigned long long v)
{
        char text[32];
        int n = snprintf(text, sizeof(text), "%llu", v);

        return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) == yajl_gen_status_ok &&
               yajl_gen_number(g, text, (size_t)n) == yajl_gen_status_ok;
}

/* True when runc's state directory for id exists: a live container. */
static bool runc_has(const char *root, const char *id)
{
        char path[PATH_MAX];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", root ? root : RUNC_ROOT_DEFAULT, id);
        return lstat(path, &st) == 0;
}

static bool gen_lookup(yajl_gen g, const struct start_lookup *l)
{
        return gen_string(g, "arg0", l->arg0) && gen_string(g, "path", l->path_env) &&
               gen_string(g, "cwd", l->cwd) && gen_string(g, "file", l->file) &&
               gen_string(g, "platform", l->platform) && gen_number(g, "dev", l->dev) &&
               gen_number(g, "ino", l->ino);
}

static bool gen_bool(yajl_gen g, const char *k, bool v)
{
        return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) == yajl_gen_status_ok &&
               yajl_gen_bool(g, v) == yajl_gen_status_ok;
}

static bool gen_user(yajl_gen g, const struct view_cred *c)
{
        bool ok = yajl_gen_string(g, (const unsigned char *)"user", 4) == yajl_gen_status_ok &&
                  yajl_gen_map_open(g) == yajl_gen_status_ok && gen_number(g, "uid", c->uid) &&
                  gen_number(g, "gid", c->gid) && gen_bool(g, "dac_override", c->dac_override) &&
                  gen_bool(g, "dac_read_search", c->dac_read_search) &&
                  gen_bool(g, "userns", c->userns) &&
                  yajl_gen_string(g, (const unsigned char *)"groups", 6) == yajl_gen_status_ok &&
                  yajl_gen_array_open(g) == yajl_gen_status_ok;

        for (size_t i = 0; ok && i < c->n_groups; i++) {
                char text[16];
                int n = snprintf(text, sizeof(text), "%u", (unsigned)c->groups[i]);
                ok = yajl_gen_number(g, text, (size_t)n) == yajl_gen_status_ok;
        }
        return ok && yajl_gen_array_close(g) == yajl_gen_status_ok &&
               yajl_gen_map_close(g) == yajl_gen_status_ok;
}

int start_record_write(const char *root, const char *id, const struct start_record *r,
                       struct eg_error *err)
{
        cleanup_yajl_gen yajl_gen g = yajl_gen_alloc(NULL);
        cleanup_close int fd = -1;
        char path[PATH_MAX];
        const unsigned char *buf;
        size_t len;
        bool ok;

        if (g == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        ok = yajl_gen_map_open(g) == yajl_gen_status_ok && gen_string(g, "bundle", r->bundle) &&
             gen_lookup(g, &r->process) && (!r->has_user || gen_user(g, &r->user)) &&
             yajl_gen_string(g, (const unsigned char *)"hooks", 5) == yajl_gen_status_ok &&
             yajl_gen_array_open(g) == yajl_gen_status_ok;
        for (size_t i = 0; ok && i < r->n_hooks; i++)
                ok = yajl_gen_map_open(g) == yajl_gen_status_ok && gen_lookup(g, &r->hooks[i]) &&
                     yajl_gen_map_close(g) == yajl_gen_status_ok;
        ok = ok && yajl_gen_array_close(g) == yajl_gen_status_ok &&
             yajl_gen_map_close(g) == yajl_gen_status_ok &&
             yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok;
        if (!ok) /* yajl_gen refuses invalid UTF-8: a name the record cannot hold */
                return eg_error_set(err, EINVAL, "a program's path is not valid UTF-8");
        if (state_dir_make(err) < 0)
                return -1;
        start_record_path(root, id, path, sizeof(path));
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST && !runc_has(root, id)) {
                (void)unlink(path); /* an earlier container's, never deleted through us */
                fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        }
        if (fd < 0 && errno == EEXIST)
                return 0; /* runc will refuse: "container with id exists" */
        if (fd < 0)
                return eg_error_set_errno(err, errno, "creating %s", path);
        if (write(fd, buf, len) != (ssize_t)len) {
                int e = errno;
                (void)unlink(path);
                return eg_error_set_errno(err, e, "writing %s", path);
        }
        return 0;
}

static const char *text_of(const struct json_value *top, const char *k, bool nullable, bool *bad)
{
        const struct json_value *v = json_get(top, k);

        if (v != NULL && v->type == JSON_STRING)
                return v->text;
        if (nullable && v != NULL && v->type == JSON_NULL)
                return NULL;
        *bad = true;
        return "";
}

static unsigned long long number_of(const struct json_value *top, const char *k, bool *bad)
{
        const struct json_value *v = json_get(top, k);
        unsigned long long n;
        char *end;

        if (v == NULL || v->type != JSON_NUMBER || v->text[0] < '0' || v->text[0] > '9') {
                *bad = true;
                return 0;
        }
        errno = 0;
        n = strtoull(v->text, &end, 10);
        if (errno || *end)
                *bad = true;
        return n;
}

static void read_lookup(const struct json_value *o, struct start_lookup *l, bool *bad)
{
        l->arg0 = text_of(o, "arg0", false, bad);
        l->path_env = text_of(o, "path", true, bad);
        l->cwd = text_of(o, "cwd", false, bad);
        l->file = text_of(o, "file", false, bad);
        l->platform = text_of(o, "platform", false, bad);
        l->dev = number_of(o, "dev", bad);
        l->ino = number_of(o, "ino", bad);
}

static bool bool_of(const struct json_value *o, const char *k, bool *bad)
{
        const struct json_value *v = json_get(o, k);

        if (v == NULL || v->type != JSON_BOOL)
                *bad = true;
        return v != NULL && v->boolean;
}

static void read_user(const struct json_value *o, struct view_cred *c, bool *bad)
{
        const struct json_value *groups = json_get(o, "groups");
        unsigned long long uid = number_of(o, "uid", bad), gid = number_of(o, "gid", bad);

        if (uid >= UINT32_MAX || gid >= UINT32_MAX)
                *bad = true;
        c->uid = (uid_t)uid;
        c->gid = (gid_t)gid;
        c->dac_override = bool_of(o, "dac_override", bad);
        c->dac_read_search = bool_of(o, "dac_read_search", bad);
        c->userns = bool_of(o, "userns", bad);
        if (groups == NULL || groups->type != JSON_ARRAY || groups->len > VIEW_GROUPS_MAX) {
                *bad = true;
                return;
        }
        if (groups->len && (c->groups = calloc(groups->len, sizeof(gid_t))) == NULL) {
                *bad = true;
                return;
        }
        for (size_t i = 0; i < groups->len; i++) {
                const struct json_value *g = &groups->items[i];
                char *end;
                unsigned long long n = 0;
                if (g->type != JSON_NUMBER || g->text[0] < '0' || g->text[0] > '9' ||
                    (n = strtoull(g->text, &end, 10)) >= UINT32_MAX || *end)
                        *bad = true;
                c->groups[i] = (gid_t)n;
        }
        c->n_groups = groups->len;
}

int start_record_parse(const char *text, size_t len, struct start_record *r, struct eg_error *err)
{
        const struct json_value *user;
        const struct json_value *hooks;
        bool bad = false;

        memset(r, 0, sizeof(*r));
        if (json_parse(text, len, START_RECORD_SIZE_MAX, 4, &r->tree, err) < 0)
                return -1;
        if (r->tree.type != JSON_OBJECT)
                return eg_error_set(err, EINVAL, "not an object");
        r->bundle = text_of(&r->tree, "bundle", false, &bad);
        read_lookup(&r->tree, &r->process, &bad);
        if ((user = json_get(&r->tree, "user")) != NULL) {
                if (user->type != JSON_OBJECT)
                        bad = true;
                else
                        read_user(user, &r->user, &bad);
                r->has_user = true;
                r->process.cred = &r->user;
        }
        hooks = json_get(&r->tree, "hooks");
        if (hooks == NULL || hooks->type != JSON_ARRAY || hooks->len > START_RECORD_HOOKS_MAX)
                return eg_error_set(err, EINVAL, "\"hooks\" is not an array of at most %d",
                                    START_RECORD_HOOKS_MAX);
        r->n_hooks = hooks->len;
        for (size_t i = 0; i < hooks->len; i++) {
                if (hooks->items[i].type != JSON_OBJECT)
                        bad = true;
                else
                        read_lookup(&hooks->items[i], &r->hooks[i], &bad);
        }
        if (bad)
                return eg_error_set(err, EINVAL, "a field is missing or of the wrong type");
        return 0;
}

int start_record_read(const char *root, const char *id, struct start_record *r,
                      struct eg_error *err)
{
        cleanup_free char *text = NULL;
        char path[PATH_MAX];
        struct stat st;
        size_t len;

        memset(r, 0, sizeof(*r));
        start_record_path(root, id, path, sizeof(path));
        if (whole_file_read_at(AT_FDCWD, path, path, START_RECORD_SIZE_MAX, &text, &len, &st, err) <
            0)
                return -1;
        if (start_record_parse(text, len, r, err) < 0)
                return eg_error_prefix(err, "%s", path);
        return 0;
}

void start_record_free(struct start_record *r)
{
        json_free(&r->tree);
        free(r->user.groups);
        memset(r, 0, sizeof(*r));
}

void start_record_remove(const char *root, const char *id)
{
        char path[PATH_MAX];

        start_record_path(root, id, path, sizeof(path));
        (void)unlink(path);
}
