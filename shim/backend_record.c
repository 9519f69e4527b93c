#include "backend_record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "../oci/cleanup.h"
#include "../oci/json_tree.h"
#include "../oci/str.h"
#include "../oci/whole_file.h"
#include "../oci/yajl_cleanup.h"
#include "backend.h"
#include "state_key.h"

#define SUFFIX ".runtime"

int backend_record_read(const char *root, const char *id, char *out, size_t size,
                        struct eg_error *err)
{
        cleanup_free char *text = NULL;
        struct json_value tree = {0};
        const struct json_value *v;
        char path[PATH_MAX];
        struct stat st;
        size_t len;
        int rc = -1;

        if (state_key_path(root, id, SUFFIX, path, sizeof(path), err) < 0 ||
            whole_file_read_at(AT_FDCWD, path, path, BACKEND_RECORD_SIZE_MAX, &text, &len, &st,
                               err) < 0)
                return -1;
        if (json_parse(text, len, BACKEND_RECORD_SIZE_MAX, 2, &tree, err) < 0) {
                eg_error_prefix(err, "%s", path);
        } else if ((v = json_get(&tree, "runtime")) == NULL || v->type != JSON_STRING ||
                   v->text[0] != '/' || strlen(v->text) >= size) {
                eg_error_set(err, EINVAL, "%s: \"runtime\" is not an absolute path", path);
        } else {
                str_copy(out, size, v->text);
                rc = 0;
        }
        json_free(&tree);
        return rc;
}

static int write_new(const char *path, const unsigned char *buf, size_t len, struct eg_error *err)
{
        cleanup_close int fd =
                open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

        if (fd < 0)
                return eg_error_set_errno(err, errno, "creating %s", path);
        if (write(fd, buf, len) != (ssize_t)len) {
                int e = errno;
                (void)unlink(path);
                return eg_error_set_errno(err, e, "writing %s", path);
        }
        return 0;
}

int backend_record_write(const char *root, const char *id, const char *runtime,
                         struct eg_error *err)
{
        cleanup_yajl_gen yajl_gen g = yajl_gen_alloc(NULL);
        const unsigned char *buf;
        char path[PATH_MAX];
        size_t len;

        if (g == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
            yajl_gen_string(g, (const unsigned char *)"runtime", 7) != yajl_gen_status_ok ||
            yajl_gen_string(g, (const unsigned char *)runtime, strlen(runtime)) !=
                    yajl_gen_status_ok ||
            yajl_gen_map_close(g) != yajl_gen_status_ok ||
            yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                return eg_error_set(err, EINVAL, "the runtime's path %s is not valid UTF-8",
                                    runtime);
        if (state_dir_make(err) < 0 ||
            state_key_path(root, id, SUFFIX, path, sizeof(path), err) < 0)
                return eg_error_prefix(err, "recording the runtime");
        /* An earlier container's record, never deleted through edgeguard
         * (the caller found it stale), or a concurrent create of the same id,
         * which the runtime will refuse: either way this one is the truth. */
        if (write_new(path, buf, len, err) == 0)
                return 0;
        if (err->errnum != EEXIST)
                return eg_error_prefix(err, "recording the runtime");
        (void)unlink(path);
        if (write_new(path, buf, len, err) < 0 && err->errnum != EEXIST)
                return eg_error_prefix(err, "recording the runtime");
        return 0;
}

bool backend_record_live(const char *root, const char *id, const char *runtime)
{
        char path[PATH_MAX];
        struct stat st;
        int n;

        if (root == NULL || root[0] == '\0')
                root = backend_default_root(backend_grammar_of(runtime));
        n = snprintf(path, sizeof(path), "%s/%s", root, id);
        /* a name too long to check is taken as live: the record stays */
        return n < 0 || (size_t)n >= sizeof(path) || lstat(path, &st) == 0;
}

void backend_record_remove(const char *root, const char *id)
{
        char path[PATH_MAX];
        struct eg_error err;

        if (state_key_path(root, id, SUFFIX, path, sizeof(path), &err) == 0)
                (void)unlink(path);
}
