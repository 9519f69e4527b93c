/* The merge of image_fs (oci/image_fs.h), the same for every backend.
 *
 * A node is a clean relative path and the layers that make it, top first:
 * one for a non-directory, every merged one for a directory (overlayfs'
 * ovl_lookup: the layers below are consulted while the entry is a
 * directory that is not opaque; a whiteout or a non-directory below a
 * directory ends the merge).  Nodes live until image_fs_free. */
#include "image_fs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "image_fs_impl.h"

struct merged_node {
        char *path;             /* "" for the root */
        unsigned short *layers; /* top first */
        unsigned short n;
};

struct image_fs_merged {
        struct merged_node *nodes;
        size_t n, cap;
};

struct image_fs *image_fs_new(const struct image_fs_ops *ops, size_t n, const char *const *names,
                              struct eg_error *err)
{
        struct image_fs *fs;

        if (n == 0 || n > IMAGE_FS_LAYERS_MAX) {
                eg_error_set(err, E2BIG, "%zu layers: an image has 1 to %d", n,
                             IMAGE_FS_LAYERS_MAX);
                return NULL;
        }
        fs = calloc(1, sizeof(*fs));
        if (fs == NULL || (fs->merged = calloc(1, sizeof(*fs->merged))) == NULL ||
            (fs->names = calloc(n, sizeof(*fs->names))) == NULL) {
                image_fs_free(fs);
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        fs->ops = ops;
        for (size_t i = 0; i < n; i++) {
                const char *name = names && names[i] ? names[i] : NULL;
                if (name)
                        fs->names[i] = strdup(name);
                else if (asprintf(&fs->names[i], "layer %zu", i + 1) < 0)
                        fs->names[i] = NULL;
                if (fs->names[i] == NULL) {
                        fs->n_layers = i;
                        image_fs_free(fs);
                        eg_error_set(err, ENOMEM, "out of memory");
                        return NULL;
                }
        }
        fs->n_layers = n;
        return fs;
}

static int add_node(struct image_fs_merged *m, char **path, unsigned short **layers,
                    unsigned short n, uint64_t *id, struct eg_error *err)
{
        if (m->n == IMAGE_FS_NODES_MAX)
                return eg_error_set(err, E2BIG, "more than %u lookups in one image",
                                    IMAGE_FS_NODES_MAX);
        if (m->n == m->cap) {
                size_t cap = m->cap ? 2 * m->cap : 64;
                struct merged_node *nodes = realloc(m->nodes, cap * sizeof(*nodes));
                if (nodes == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
                m->nodes = nodes;
                m->cap = cap;
        }
        m->nodes[m->n] = (struct merged_node){
                .path = steal_pointer(path), .layers = steal_pointer(layers), .n = n};
        *id = m->n++;
        return 0;
}

static const struct merged_node *get(const struct image_fs *fs, const struct image_fs_node *n,
                                     struct eg_error *err)
{
        if (n->id >= fs->merged->n) {
                eg_error_set(err, EINVAL, "no such node");
                return NULL;
        }
        return &fs->merged->nodes[n->id];
}

/* Fills out (st, layer) and the layers merged at path from those of its
 * parent (all of them for the root). */
static int merge(struct image_fs *fs, const unsigned short *from, size_t n_from, const char *dir,
                 const char *name, const char *path, struct image_fs_node *out,
                 struct eg_error *err)
{
        cleanup_free unsigned short *layers = calloc(n_from ? n_from : 1, sizeof(*layers));
        cleanup_free char *copy = strdup(path);
        unsigned short n = 0;

        if (layers == NULL || copy == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n_from; i++) {
                unsigned l = from[i];
                enum image_fs_probe p;
                struct stat st;
                bool opaque;

                if (fs->ops->probe(fs, l, dir, name, path, &st, &p, err) < 0)
                        return eg_error_prefix(err, "%s", fs->names[l]);
                if (p == IMAGE_FS_ABSENT)
                        continue;
                if (p == IMAGE_FS_WHITEOUT || (n > 0 && !S_ISDIR(st.st_mode)))
                        break; /* hides the rest, or ends a directory's merge */
                if (n == 0) {
                        out->st = st;
                        out->layer = l;
                }
                layers[n++] = (unsigned short)l;
                if (!S_ISDIR(st.st_mode))
                        break;
                if (fs->ops->opaque(fs, l, path, &opaque, err) < 0)
                        return eg_error_prefix(err, "%s", fs->names[l]);
                if (opaque)
                        break;
        }
        if (n == 0)
                return eg_error_set(err, ENOENT, "/%s: not in the image", path);
        return add_node(fs->merged, &copy, &layers, n, &out->id, err);
}

static int top_root(struct image_fs *fs, struct image_fs_node *out, struct eg_error *err)
{
        unsigned short all[IMAGE_FS_LAYERS_MAX];

        for (size_t i = 0; i < fs->n_layers; i++)
                all[i] = (unsigned short)(fs->n_layers - 1 - i);
        if (merge(fs, all, fs->n_layers, "", "", "", out, err) < 0)
                return -1;
        if (!S_ISDIR(out->st.st_mode))
                return eg_error_set(err, ENOTDIR, "the image's root is not a directory");
        return 0;
}

/* The directory at the relative path sub, no symlink followed. */
static int subdir_node(struct image_fs *fs, const char *sub, struct image_fs_node *out,
                       struct eg_error *err)
{
        if (top_root(fs, out, err) < 0)
                return -1;
        for (const char *p = sub; *p;) {
                char name[NAME_MAX + 1];
                size_t n = strcspn(p, "/");
                struct image_fs_node next;

                if (n > NAME_MAX)
                        return eg_error_set(err, ENAMETOOLONG, "%s: a name too long", sub);
                if (n > 0) {
                        memcpy(name, p, n);
                        name[n] = '\0';
                        if (image_fs_lookup(fs, out, name, &next, err) < 0)
                                return eg_error_prefix(err, "the image's root %s", sub);
                        if (!S_ISDIR(next.st.st_mode))
                                return eg_error_set(err, ENOTDIR,
                                                    "the image's root %s is not a directory", sub);
                        *out = next;
                }
                p += n + (p[n] == '/');
        }
        return 0;
}

int image_fs_root(struct image_fs *fs, struct image_fs_node *out, struct eg_error *err)
{
        if (!fs->has_root) {
                if (top_root(fs, &fs->root, err) < 0)
                        return -1;
                fs->has_root = true;
        }
        *out = fs->root;
        return 0;
}

int image_fs_set_root(struct image_fs *fs, const char *subdir, struct eg_error *err)
{
        struct image_fs_node n;

        if (subdir_node(fs, subdir, &n, err) < 0)
                return -1;
        fs->root = n;
        fs->has_root = true;
        return 0;
}

int image_fs_lookup(struct image_fs *fs, const struct image_fs_node *dir, const char *name,
                    struct image_fs_node *out, struct eg_error *err)
{
        const struct merged_node *parent;
        cleanup_free char *path = NULL;

        if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
            strchr(name, '/'))
                return eg_error_set(err, EINVAL, "\"%s\" is not one path component", name);
        if (!S_ISDIR(dir->st.st_mode))
                return eg_error_set(err, ENOTDIR, "not a directory");
        /* whiteout markers are instructions to the merge, never files */
        if (strncmp(name, IMAGE_FS_WH_PREFIX, IMAGE_FS_WH_PREFIX_N) == 0)
                return eg_error_set(err, ENOENT, "%s: a whiteout name", name);
        if ((parent = get(fs, dir, err)) == NULL)
                return -1;
        if (asprintf(&path, "%s%s%s", parent->path, parent->path[0] ? "/" : "", name) < 0) {
                path = NULL;
                return eg_error_set(err, ENOMEM, "out of memory");
        }
        if (strlen(path) >= PATH_MAX)
                return eg_error_set(err, ENAMETOOLONG, "/%.64s...: path too long", path);
        return merge(fs, parent->layers, parent->n, parent->path, name, path, out, err);
}

ssize_t image_fs_readlink(struct image_fs *fs, const struct image_fs_node *n, char *buf,
                          size_t size, struct eg_error *err)
{
        const struct merged_node *m = get(fs, n, err);

        if (m == NULL)
                return -1;
        if (!S_ISLNK(n->st.st_mode))
                return eg_error_set(err, EINVAL, "/%s: not a symlink", m->path);
        return fs->ops->readlink(fs, m->layers[0], m->path, buf, size, err);
}

int image_fs_open(struct image_fs *fs, const struct image_fs_node *n, struct eg_error *err)
{
        const struct merged_node *m = get(fs, n, err);

        if (m == NULL)
                return -1;
        return fs->ops->open(fs, m->layers[0], m->path, &n->st, err);
}

const char *image_fs_layer_name(const struct image_fs *fs, unsigned layer)
{
        return layer < fs->n_layers ? fs->names[layer] : "?";
}

size_t image_fs_n_layers(const struct image_fs *fs)
{
        return fs->n_layers;
}

void image_fs_free(struct image_fs *fs)
{
        if (fs == NULL)
                return;
        if (fs->ops && fs->ops->free)
                fs->ops->free(fs);
        if (fs->merged) {
                for (size_t i = 0; i < fs->merged->n; i++) {
                        free(fs->merged->nodes[i].path);
                        free(fs->merged->nodes[i].layers);
                }
                free(fs->merged->nodes);
                free(fs->merged);
        }
        for (size_t i = 0; fs->names && i < fs->n_layers; i++)
                free(fs->names[i]);
        free(fs->names);
        free(fs);
}
