#include "image_fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_fs_impl.h"

int image_fs_init(struct image_fs *fs, const struct image_fs_ops *ops, size_t n,
                  const char *const *names, struct eg_error *err)
{
        fs->ops = ops;
        fs->n_layers = 0;
        fs->impl = NULL;
        fs->names = calloc(n ? n : 1, sizeof(*fs->names));
        if (fs->names == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                char label[64];
                const char *name = names && names[i] ? names[i] : NULL;

                if (name == NULL)
                        snprintf(label, sizeof(label), "layer %zu", i + 1);
                fs->names[i] = strdup(name ? name : label);
                if (fs->names[i] == NULL) {
                        for (size_t j = 0; j < i; j++)
                                free(fs->names[j]);
                        free(fs->names);
                        fs->names = NULL;
                        return eg_error_set(err, ENOMEM, "out of memory");
                }
        }
        fs->n_layers = n;
        return 0;
}

int image_fs_root(struct image_fs *fs, struct image_fs_node *out, struct eg_error *err)
{
        return fs->ops->root(fs, out, err);
}

int image_fs_lookup(struct image_fs *fs, const struct image_fs_node *dir, const char *name,
                    struct image_fs_node *out, struct eg_error *err)
{
        if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
            strchr(name, '/'))
                return eg_error_set(err, EINVAL, "\"%s\" is not one path component", name);
        if (!S_ISDIR(dir->st.st_mode))
                return eg_error_set(err, ENOTDIR, "not a directory");
        /* whiteout markers are instructions to the merge, never files */
        if (strncmp(name, IMAGE_FS_WH_PREFIX, IMAGE_FS_WH_PREFIX_N) == 0)
                return eg_error_set(err, ENOENT, "%s: a whiteout name", name);
        return fs->ops->lookup(fs, dir, name, out, err);
}

ssize_t image_fs_readlink(struct image_fs *fs, const struct image_fs_node *n, char *buf,
                          size_t size, struct eg_error *err)
{
        if (!S_ISLNK(n->st.st_mode))
                return eg_error_set(err, EINVAL, "not a symlink");
        return fs->ops->readlink(fs, n, buf, size, err);
}

int image_fs_open(struct image_fs *fs, const struct image_fs_node *n, struct eg_error *err)
{
        return fs->ops->open(fs, n, err);
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
        for (size_t i = 0; i < fs->n_layers; i++)
                free(fs->names[i]);
        free(fs->names);
        free(fs);
}
