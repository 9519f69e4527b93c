/* image_fs over layer directories: dockerd's overlay2 `diff` directories,
 * containerd's and podman's overlay snapshots.
 *
 * A path is looked up in a layer with fstatat(AT_SYMLINK_NOFOLLOW) from
 * the layer's root: the merge (image_fs.c) asks a layer about a path only
 * when its parent was found a real directory there, so no symlink of the
 * layer is followed on the way.  The layer directories are the engine's
 * read-only store; a writer racing the walk is outside the model (open
 * re-checks that it opens the inode that was judged). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "image_fs_impl.h"

static int layer_fd(const struct image_fs *fs, unsigned layer)
{
        return ((const int *)fs->impl)[layer];
}

/* overlayfs' ovl_is_opaquedir() (trusted.overlay.opaque, or
 * user.overlay.opaque for an unprivileged "userxattr" mount), plus a
 * `.wh..wh..opq` marker (AUFS-style layers).  Reading trusted.* needs
 * CAP_SYS_ADMIN: without it the xattr reads as absent, so the check of a
 * store runs as root. */
static int dir_opaque(struct image_fs *fs, unsigned layer, const char *path, bool *opaque,
                      struct eg_error *err)
{
        static const char *const xattrs[] = {"trusted.overlay.opaque", "user.overlay.opaque"};
        static const char *const redirects[] = {"trusted.overlay.redirect",
                                                "user.overlay.redirect"};
        cleanup_close int fd = -1;
        struct stat st;

        fd = openat(layer_fd(fs, layer), path[0] ? path : ".",
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "/%s", path);
        *opaque = false;
        for (size_t i = 0; i < sizeof(xattrs) / sizeof(xattrs[0]); i++) {
                char v[2];
                ssize_t n = fgetxattr(fd, xattrs[i], v, sizeof(v));
                if (n == 1 && v[0] == 'y')
                        *opaque = true;
                else if (n < 0 && errno != ENODATA && errno != ENOTSUP && errno != ERANGE)
                        return eg_error_set_errno(err, errno, "/%s: reading %s", path, xattrs[i]);
        }
        /* a renamed directory of an overlay upper layer takes a lower
         * path's content (redirect_dir): not modelled */
        for (size_t i = 0; i < sizeof(redirects) / sizeof(redirects[0]); i++)
                if (fgetxattr(fd, redirects[i], NULL, 0) >= 0)
                        return eg_error_set(err, EREMOTEIO,
                                            "/%s has %s, an overlayfs redirect edgeguard does "
                                            "not model",
                                            path, redirects[i]);
        if (fstatat(fd, IMAGE_FS_WH_OPAQUE, &st, AT_SYMLINK_NOFOLLOW) == 0)
                *opaque = true;
        return 0;
}

static int dir_probe(struct image_fs *fs, unsigned layer, const char *dir, const char *name,
                     const char *path, struct stat *st, enum image_fs_probe *out,
                     struct eg_error *err)
{
        int fd = layer_fd(fs, layer);
        char wh[PATH_MAX];

        if (path[0] == '\0') {
                if (fstat(fd, st) < 0)
                        return eg_error_set_errno(err, errno, "its root");
                *out = IMAGE_FS_FOUND;
                return 0;
        }
        if (fstatat(fd, path, st, AT_SYMLINK_NOFOLLOW) == 0) {
                /* overlayfs' whiteout: a character device 0/0 */
                *out = S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0) ? IMAGE_FS_WHITEOUT
                                                                            : IMAGE_FS_FOUND;
                return 0;
        }
        if (errno != ENOENT)
                return eg_error_set_errno(err, errno, "/%s", path);
        if (snprintf(wh, sizeof(wh), "%s%s" IMAGE_FS_WH_PREFIX "%s", dir, dir[0] ? "/" : "",
                     name) >= (int)sizeof(wh))
                return eg_error_set(err, ENAMETOOLONG, "/%s: path too long", path);
        if (fstatat(fd, wh, st, AT_SYMLINK_NOFOLLOW) == 0) {
                *out = IMAGE_FS_WHITEOUT;
                return 0;
        }
        if (errno != ENOENT)
                return eg_error_set_errno(err, errno, "/%s", wh);
        *out = IMAGE_FS_ABSENT;
        return 0;
}

static ssize_t dir_readlink(struct image_fs *fs, unsigned layer, const char *path, char *buf,
                            size_t size, struct eg_error *err)
{
        ssize_t len = readlinkat(layer_fd(fs, layer), path, buf, size);

        if (len < 0)
                return eg_error_set_errno(err, errno, "%s: /%s", fs->names[layer], path);
        return len;
}

static int dir_open(struct image_fs *fs, unsigned layer, const char *path,
                    const struct stat *judged, struct eg_error *err)
{
        cleanup_close int fd = -1;
        struct stat st;

        fd = openat(layer_fd(fs, layer), path[0] ? path : ".", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "%s: /%s", fs->names[layer], path);
        if (st.st_dev != judged->st_dev || st.st_ino != judged->st_ino)
                return eg_error_set(err, EAGAIN, "%s: /%s changed while being looked at",
                                    fs->names[layer], path);
        return steal_fd(&fd);
}

static void dir_free(struct image_fs *fs)
{
        int *fds = fs->impl;

        for (size_t i = 0; fds && i < fs->n_layers; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        free(fds);
        fs->impl = NULL;
}

static const struct image_fs_ops dir_ops = {
        .probe = dir_probe,
        .opaque = dir_opaque,
        .readlink = dir_readlink,
        .open = dir_open,
        .free = dir_free,
};

struct image_fs *image_fs_from_dirs(const int *dir_fds, const char *const *names, size_t n,
                                    struct eg_error *err)
{
        struct image_fs *fs = image_fs_new(&dir_ops, n, names, err);
        int *fds;

        if (fs == NULL)
                return NULL;
        if ((fds = fs->impl = malloc(n * sizeof(*fds))) == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                image_fs_free(fs);
                return NULL;
        }
        for (size_t i = 0; i < n; i++)
                fds[i] = -1;
        for (size_t i = 0; i < n; i++) {
                fds[i] = openat(dir_fds[i], ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fds[i] < 0) {
                        eg_error_set_errno(err, errno, "%s", fs->names[i]);
                        image_fs_free(fs);
                        return NULL;
                }
        }
        return fs;
}
