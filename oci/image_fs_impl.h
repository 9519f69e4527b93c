/* The backends behind oci/image_fs.h, private to image_fs*.c. */
#ifndef EDGEGUARD_IMAGE_FS_IMPL_H
#define EDGEGUARD_IMAGE_FS_IMPL_H

#include "image_fs.h"

struct image_fs_ops {
        int (*root)(struct image_fs *fs, struct image_fs_node *out, struct eg_error *err);
        int (*lookup)(struct image_fs *fs, const struct image_fs_node *dir, const char *name,
                      struct image_fs_node *out, struct eg_error *err);
        ssize_t (*readlink)(struct image_fs *fs, const struct image_fs_node *n, char *buf,
                            size_t size, struct eg_error *err);
        int (*open)(struct image_fs *fs, const struct image_fs_node *n, struct eg_error *err);
        void (*free)(struct image_fs *fs);
};

struct image_fs {
        const struct image_fs_ops *ops;
        size_t n_layers;
        char **names; /* n_layers labels for messages */
        void *impl;
};

/* Fills fs's common part; names may be NULL (then "layer N"). */
int image_fs_init(struct image_fs *fs, const struct image_fs_ops *ops, size_t n,
                  const char *const *names, struct eg_error *err);

/* AUFS-style whiteout names (moby pkg/archive/whiteouts.go): ".wh.NAME"
 * hides NAME below, ".wh..wh..opq" makes its directory opaque.  A name
 * with the prefix is never an entry of the merged tree. */
#define IMAGE_FS_WH_PREFIX   ".wh."
#define IMAGE_FS_WH_PREFIX_N 4
#define IMAGE_FS_WH_OPAQUE   ".wh..wh..opq"

#endif
