/* The backends behind oci/image_fs.h, private to image_fs*.c.  The merge
 * (image_fs.c) is the same for every backend; a backend answers for one
 * layer at a time what it holds at a clean relative path. */
#ifndef EDGEGUARD_IMAGE_FS_IMPL_H
#define EDGEGUARD_IMAGE_FS_IMPL_H

#include <stdbool.h>

#include "image_fs.h"

/* AUFS-style whiteout names (moby pkg/archive/whiteouts.go): ".wh.NAME"
 * hides NAME below, ".wh..wh..opq" makes its directory opaque.  A name
 * with the prefix is never an entry of the merged tree. */
#define IMAGE_FS_WH_PREFIX   ".wh."
#define IMAGE_FS_WH_PREFIX_N 4
#define IMAGE_FS_WH_OPAQUE   ".wh..wh..opq"

enum image_fs_probe {
        IMAGE_FS_ABSENT,   /* the layer says nothing about the path */
        IMAGE_FS_WHITEOUT, /* the layer deletes it */
        IMAGE_FS_FOUND,    /* the layer has it: st filled */
};

/* Paths are clean and relative to the layer's root: "" is the root,
 * "usr/bin/x"; dir is path's parent and name its last component (path
 * is dir "/" name).  A path is only asked of a layer where its parent was
 * found a directory. */
struct image_fs_ops {
        int (*probe)(struct image_fs *fs, unsigned layer, const char *dir, const char *name,
                     const char *path, struct stat *st, enum image_fs_probe *out,
                     struct eg_error *err);
        int (*opaque)(struct image_fs *fs, unsigned layer, const char *path, bool *out,
                      struct eg_error *err);
        ssize_t (*readlink)(struct image_fs *fs, unsigned layer, const char *path, char *buf,
                            size_t size, struct eg_error *err);
        /* see image_fs_open; st is what probe said of it */
        int (*open)(struct image_fs *fs, unsigned layer, const char *path, const struct stat *st,
                    struct eg_error *err);
        void (*free)(struct image_fs *fs);
};

struct image_fs_merged; /* the node table, image_fs.c's */

struct image_fs {
        const struct image_fs_ops *ops;
        size_t n_layers;
        char **names; /* n_layers labels for messages */
        struct image_fs_merged *merged;
        /* the root image_fs_root answers, made once: the merged top, or
         * image_fs_set_root's subdirectory */
        struct image_fs_node root;
        bool has_root;
        void *impl;
};

/* A new image_fs of n layers (1 to IMAGE_FS_LAYERS_MAX) with ops; names
 * may be NULL (then "layer N").  NULL with err. */
struct image_fs *image_fs_new(const struct image_fs_ops *ops, size_t n, const char *const *names,
                              struct eg_error *err);

#endif
