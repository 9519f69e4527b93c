/* image_fs over layer directories (overlay2 `diff`, overlay snapshots).
 *
 * A node is a clean relative path and the layers that make it, top
 * first: one for a non-directory, every merged one for a directory.  The
 * path is looked up in each layer with fstatat(AT_SYMLINK_NOFOLLOW) from
 * the layer's root: its parent was found a real directory in each of
 * those layers on the way down (a symlink there stops the merge, as in
 * overlayfs), so no symlink of the layer is followed.  The layer
 * directories are the engine's read-only store; a writer racing this
 * walk is outside the model (open re-checks the inode it judged). */
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

struct dir_node {
        char *path;             /* relative to each layer's root, "" for the root */
        unsigned short *layers; /* top first */
        unsigned short n;
};

struct dir_fs {
        int *fds; /* O_PATH directory fds, bottom first */
        struct dir_node *nodes;
        size_t n_nodes, cap_nodes;
};

enum probe { PROBE_ABSENT, PROBE_WHITEOUT, PROBE_FOUND };

static struct dir_fs *impl(struct image_fs *fs)
{
        return fs->impl;
}

static void node_free(struct dir_node *n)
{
        free(n->path);
        free(n->layers);
}

static int add_node(struct dir_fs *d, char *path, unsigned short *layers, unsigned short n,
                    uint64_t *id, struct eg_error *err)
{
        if (d->n_nodes == IMAGE_FS_NODES_MAX) {
                free(path);
                free(layers);
                return eg_error_set(err, E2BIG, "more than %u lookups in one image",
                                    IMAGE_FS_NODES_MAX);
        }
        if (d->n_nodes == d->cap_nodes) {
                size_t cap = d->cap_nodes ? 2 * d->cap_nodes : 64;
                struct dir_node *nodes = realloc(d->nodes, cap * sizeof(*nodes));
                if (nodes == NULL) {
                        free(path);
                        free(layers);
                        return eg_error_set(err, ENOMEM, "out of memory");
                }
                d->nodes = nodes;
                d->cap_nodes = cap;
        }
        d->nodes[d->n_nodes] = (struct dir_node){.path = path, .layers = layers, .n = n};
        *id = d->n_nodes++;
        return 0;
}

static const struct dir_node *get(struct image_fs *fs, const struct image_fs_node *n,
                                  struct eg_error *err)
{
        struct dir_fs *d = impl(fs);

        if (n->id >= d->n_nodes) {
                eg_error_set(err, EINVAL, "no such node");
                return NULL;
        }
        return &d->nodes[n->id];
}

/* overlayfs' ovl_is_opaquedir(), plus a `.wh..wh..opq` marker (AUFS-style
 * layers as moby's archive package writes them). */
static int is_opaque(int layer_fd, const char *path, bool *opaque, struct eg_error *err)
{
        static const char *const xattrs[] = {"trusted.overlay.opaque", "user.overlay.opaque"};
        cleanup_close int fd = -1;
        struct stat st;

        fd = openat(layer_fd, path[0] ? path : ".",
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
        if (fstatat(fd, IMAGE_FS_WH_OPAQUE, &st, AT_SYMLINK_NOFOLLOW) == 0)
                *opaque = true;
        return 0;
}

/* What layer fd holds at dir/name: nothing, a whiteout, or an entry. */
static int probe(int layer_fd, const char *dir, const char *name, const char *path, struct stat *st,
                 enum probe *out, struct eg_error *err)
{
        char wh[PATH_MAX];

        if (fstatat(layer_fd, path, st, AT_SYMLINK_NOFOLLOW) == 0) {
                /* overlayfs' whiteout: a character device 0/0 */
                *out = S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0) ? PROBE_WHITEOUT
                                                                            : PROBE_FOUND;
                return 0;
        }
        if (errno != ENOENT)
                return eg_error_set_errno(err, errno, "/%s", path);
        if (snprintf(wh, sizeof(wh), "%s%s" IMAGE_FS_WH_PREFIX "%s", dir, dir[0] ? "/" : "",
                     name) >= (int)sizeof(wh))
                return eg_error_set(err, ENAMETOOLONG, "/%s: path too long", path);
        if (fstatat(layer_fd, wh, st, AT_SYMLINK_NOFOLLOW) == 0) {
                *out = PROBE_WHITEOUT;
                return 0;
        }
        if (errno != ENOENT && errno != ENOTDIR)
                return eg_error_set_errno(err, errno, "/%s", wh);
        *out = PROBE_ABSENT;
        return 0;
}

static int dir_root(struct image_fs *fs, struct image_fs_node *out, struct eg_error *err)
{
        struct dir_fs *d = impl(fs);
        cleanup_free unsigned short *layers = calloc(fs->n_layers, sizeof(*layers));
        unsigned short n = 0;
        char *path;

        if (layers == NULL || fs->n_layers == 0)
                return eg_error_set(err, fs->n_layers ? ENOMEM : ENOENT,
                                    fs->n_layers ? "out of memory" : "an image without layers");
        for (size_t i = fs->n_layers; i-- > 0;) {
                bool opaque;
                if (n == 0 && fstat(d->fds[i], &out->st) < 0)
                        return eg_error_set_errno(err, errno, "%s", fs->names[i]);
                if (n == 0)
                        out->layer = (unsigned)i;
                layers[n++] = (unsigned short)i;
                if (is_opaque(d->fds[i], "", &opaque, err) < 0)
                        return eg_error_prefix(err, "%s", fs->names[i]);
                if (opaque)
                        break;
        }
        if ((path = strdup("")) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        return add_node(d, path, steal_pointer(&layers), n, &out->id, err);
}

static int dir_lookup(struct image_fs *fs, const struct image_fs_node *dir, const char *name,
                      struct image_fs_node *out, struct eg_error *err)
{
        struct dir_fs *d = impl(fs);
        const struct dir_node *parent = get(fs, dir, err);
        cleanup_free unsigned short *layers = NULL;
        cleanup_free char *path = NULL;
        unsigned short n = 0;

        if (parent == NULL)
                return -1;
        if (asprintf(&path, "%s%s%s", parent->path, parent->path[0] ? "/" : "", name) < 0) {
                path = NULL;
                return eg_error_set(err, ENOMEM, "out of memory");
        }
        if (strlen(path) >= PATH_MAX)
                return eg_error_set(err, ENAMETOOLONG, "/%.64s...: path too long", path);
        if ((layers = calloc(parent->n, sizeof(*layers))) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        for (unsigned short i = 0; i < parent->n; i++) {
                unsigned l = parent->layers[i];
                struct stat st;
                enum probe p;
                bool opaque;

                if (probe(d->fds[l], parent->path, name, path, &st, &p, err) < 0)
                        return eg_error_prefix(err, "%s", fs->names[l]);
                if (p == PROBE_ABSENT)
                        continue;
                if (p == PROBE_WHITEOUT || (n > 0 && !S_ISDIR(st.st_mode)))
                        break; /* hides the rest, or ends a directory's merge */
                if (n == 0) {
                        out->st = st;
                        out->layer = l;
                }
                layers[n++] = (unsigned short)l;
                if (!S_ISDIR(st.st_mode))
                        break;
                if (is_opaque(d->fds[l], path, &opaque, err) < 0)
                        return eg_error_prefix(err, "%s", fs->names[l]);
                if (opaque)
                        break;
        }
        if (n == 0)
                return eg_error_set(err, ENOENT, "/%s: not in the image", path);
        return add_node(d, steal_pointer(&path), steal_pointer(&layers), n, &out->id, err);
}

static ssize_t dir_readlink(struct image_fs *fs, const struct image_fs_node *n, char *buf,
                            size_t size, struct eg_error *err)
{
        const struct dir_node *dn = get(fs, n, err);
        ssize_t len;

        if (dn == NULL)
                return -1;
        len = readlinkat(impl(fs)->fds[dn->layers[0]], dn->path, buf, size);
        if (len < 0)
                return eg_error_set_errno(err, errno, "%s: /%s", fs->names[dn->layers[0]],
                                          dn->path);
        return len;
}

static int dir_open(struct image_fs *fs, const struct image_fs_node *n, struct eg_error *err)
{
        const struct dir_node *dn = get(fs, n, err);
        cleanup_close int fd = -1;
        struct stat st;

        if (dn == NULL)
                return -1;
        fd = openat(impl(fs)->fds[dn->layers[0]], dn->path[0] ? dn->path : ".",
                    O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "%s: /%s", fs->names[dn->layers[0]],
                                          dn->path);
        if (st.st_dev != n->st.st_dev || st.st_ino != n->st.st_ino)
                return eg_error_set(err, EAGAIN, "%s: /%s changed while being looked at",
                                    fs->names[dn->layers[0]], dn->path);
        return steal_fd(&fd);
}

static void dir_free(struct image_fs *fs)
{
        struct dir_fs *d = impl(fs);

        if (d == NULL)
                return;
        for (size_t i = 0; i < d->n_nodes; i++)
                node_free(&d->nodes[i]);
        free(d->nodes);
        for (size_t i = 0; d->fds && i < fs->n_layers; i++)
                if (d->fds[i] >= 0)
                        close(d->fds[i]);
        free(d->fds);
        free(d);
        fs->impl = NULL;
}

static const struct image_fs_ops dir_ops = {
        .root = dir_root,
        .lookup = dir_lookup,
        .readlink = dir_readlink,
        .open = dir_open,
        .free = dir_free,
};

struct image_fs *image_fs_from_dirs(const int *dir_fds, const char *const *names, size_t n,
                                    struct eg_error *err)
{
        struct image_fs *fs = calloc(1, sizeof(*fs));
        struct dir_fs *d;

        if (fs == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        if (n == 0 || n > IMAGE_FS_LAYERS_MAX) {
                eg_error_set(err, E2BIG, "%zu layers: an image has 1 to %d", n,
                             IMAGE_FS_LAYERS_MAX);
                free(fs);
                return NULL;
        }
        if (image_fs_init(fs, &dir_ops, n, names, err) < 0) {
                free(fs);
                return NULL;
        }
        if ((d = fs->impl = calloc(1, sizeof(*d))) == NULL ||
            (d->fds = malloc(n * sizeof(*d->fds))) == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                image_fs_free(fs);
                return NULL;
        }
        for (size_t i = 0; i < n; i++)
                d->fds[i] = -1;
        for (size_t i = 0; i < n; i++) {
                struct stat st;
                d->fds[i] = openat(dir_fds[i], ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (d->fds[i] < 0 || fstat(d->fds[i], &st) < 0) {
                        eg_error_set_errno(err, errno, "%s", fs->names[i]);
                        image_fs_free(fs);
                        return NULL;
                }
        }
        return fs;
}
