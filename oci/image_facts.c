#include "image_facts.h"

#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "rootfs.h"
#include "view.h"
#include "whole_file.h"

/* A small file of the image, through the view; *text NULL when absent. */
static int read_account_file(struct image_fs *fs, const char *path, char **text, size_t *len,
                             struct eg_error *err)
{
        cleanup_close int path_fd = -1, fd = -1;
        struct view v;
        struct stat st;

        *text = NULL;
        *len = 0;
        view_init_layers(&v, fs);
        path_fd = view_open(&v, path, err);
        view_free(&v);
        if (path_fd < 0)
                return err->errnum == ENOENT ? 0 : eg_error_prefix(err, "%s", path);
        if ((fd = rootfs_reopen_regular(path_fd, err)) < 0 ||
            whole_file_read_fd(fd, path, IMAGE_ACCOUNTS_MAX, text, len, &st, err) < 0)
                return eg_error_prefix(err, "%s", path);
        return 0;
}

int image_facts_gather(const struct image_config *c, struct image_fs *fs, struct bundle_facts *out,
                       struct eg_error *err)
{
        cleanup_free char *passwd = NULL, *group = NULL;
        size_t passwd_len = 0, group_len = 0;
        struct image_user user = {0};
        struct spec s;

        memset(out, 0, sizeof(*out));
        if (c->user != NULL &&
            (read_account_file(fs, "/etc/passwd", &passwd, &passwd_len, err) < 0 ||
             read_account_file(fs, "/etc/group", &group, &group_len, err) < 0 ||
             image_user_resolve(c->user, passwd, passwd_len, group, group_len, &user, err) < 0))
                return eg_error_prefix(err, "config.User \"%.64s\"", c->user);
        if (image_config_spec(c, &user, &s, err) < 0)
                return -1;
        if (facts_gather_image(&s, fs, out, err) < 0) {
                spec_free(&s);
                return -1;
        }
        if (c->has_platform)
                facts_declare(out, &c->platform, "image config", NULL);
        return 0;
}
