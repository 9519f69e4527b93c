/* image_fs over tar layers (docker save, OCI layouts): each layer indexed
 * once (oci/layer_index.h); a file's bytes are read only when it is
 * opened, by streaming its layer again up to the entry (one open stream
 * per layer goes on forward; going backwards starts it again) into a
 * sealed memfd, unless the index pass kept them already (the files the
 * caller named and the loaders: image_fs_from_tars_keeping).  Nothing is
 * unpacked to disk. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cleanup.h"
#include "image_fs_impl.h"
#include "layer_index.h"

/* Bytes the index pass kept: the entry at header `ordinal`'s, in a sealed
 * memfd. */
struct kept_file {
        uint64_t ordinal;
        int fd;
};

struct tar_layer {
        struct layer_index ix;
        struct kept_file *kept;
        size_t n_kept;
        unsigned long long hits; /* opens served from kept */
        char *path, *member;     /* the blob, owned */
        long long member_ordinal;
        struct layer_stream *cursor; /* NULL until a file is read */
        unsigned long long used;     /* when the cursor last read, for closing the oldest */
};

/* Open cursors at once: each holds a decompressor's state and two 64 KiB
 * buffers (~0.3 MiB with gzip, more with xz or zstd), and an image's
 * program, loader and scripts sit in a few layers; past this the least
 * recently used one is closed (it starts again from its layer's top if
 * it is needed again). */
#define TAR_CURSORS_MAX 4

static void close_cursor(struct tar_layer *l)
{
        if (l->cursor) {
                layer_stream_close(l->cursor);
                free(l->cursor);
                l->cursor = NULL;
        }
}

/* Makes room for one more open cursor. */
static void spare_cursor(struct image_fs *fs)
{
        struct tar_layer *layers = fs->impl, *oldest = NULL;
        size_t open = 0;

        for (size_t i = 0; i < fs->n_layers; i++) {
                if (layers[i].cursor == NULL)
                        continue;
                open++;
                if (oldest == NULL || layers[i].used < oldest->used)
                        oldest = &layers[i];
        }
        if (open >= TAR_CURSORS_MAX && oldest != NULL)
                close_cursor(oldest);
}

static struct tar_layer *layer_of(struct image_fs *fs, unsigned layer)
{
        return &((struct tar_layer *)fs->impl)[layer];
}

static int tar_probe(struct image_fs *fs, unsigned layer, const char *dir, const char *name,
                     const char *path, struct stat *st, enum image_fs_probe *out,
                     struct eg_error *err)
{
        const struct layer_index *ix = &layer_of(fs, layer)->ix;
        const struct layer_entry *e = layer_index_find(ix, path);

        (void)dir, (void)name, (void)err;
        if (e == NULL)
                *out = IMAGE_FS_ABSENT;
        else if (e->flags & LAYER_ENTRY_WHITEOUT)
                *out = IMAGE_FS_WHITEOUT;
        else {
                layer_index_stat(ix, e, st);
                /* unique in the image, for the identifier's inode checks */
                st->st_dev = layer + 1;
                *out = IMAGE_FS_FOUND;
        }
        return 0;
}

static int tar_opaque(struct image_fs *fs, unsigned layer, const char *path, bool *out,
                      struct eg_error *err)
{
        const struct layer_entry *e = layer_index_find(&layer_of(fs, layer)->ix, path);

        (void)err;
        *out = e != NULL && (e->flags & LAYER_ENTRY_OPAQUE);
        return 0;
}

static ssize_t tar_readlink(struct image_fs *fs, unsigned layer, const char *path, char *buf,
                            size_t size, struct eg_error *err)
{
        const struct layer_index *ix = &layer_of(fs, layer)->ix;
        const struct layer_entry *e = layer_index_find(ix, path);
        const char *target;
        size_t n;

        if (e == NULL || e->link == LAYER_INDEX_NONE)
                return eg_error_set(err, EINVAL, "%s: /%s is not a symlink", fs->names[layer],
                                    path);
        target = layer_index_str(ix, e->link);
        n = strlen(target);
        memcpy(buf, target, n < size ? n : size);
        return (ssize_t)n;
}

/* The layer's stream at the header of entry ordinal `at`. */
static struct layer_stream *seek(struct image_fs *fs, unsigned layer, uint64_t at,
                                 struct eg_error *err)
{
        struct tar_layer *l = layer_of(fs, layer);
        struct layer_blob blob = {
                .path = l->path, .member = l->member, .member_ordinal = l->member_ordinal};
        struct archive_entry *ae;

        /* at the entry itself its bytes are already read: again from the start */
        if (l->cursor && l->cursor->ordinal >= (long long)at)
                close_cursor(l);
        if (l->cursor == NULL) {
                spare_cursor(fs);
                if ((l->cursor = malloc(sizeof(*l->cursor))) == NULL) {
                        eg_error_set(err, ENOMEM, "out of memory");
                        return NULL;
                }
                if (layer_stream_open(l->cursor, &blob, err) < 0) {
                        free(l->cursor);
                        l->cursor = NULL;
                        return NULL;
                }
        }
        while (l->cursor->ordinal < (long long)at) {
                int r = layer_stream_next(l->cursor, &ae, err);
                if (r <= 0) {
                        if (r == 0)
                                eg_error_set(err, EIO, "the layer ended before entry %llu",
                                             (unsigned long long)at);
                        close_cursor(l);
                        return NULL;
                }
        }
        l->used = 0;
        for (size_t i = 0; i < fs->n_layers; i++) /* no global clock: the latest + 1 */
                if (layer_of(fs, (unsigned)i)->used >= l->used)
                        l->used = layer_of(fs, (unsigned)i)->used + 1;
        return l->cursor;
}

/* Copies the current entry's bytes (size of them) into a sealed memfd. */
static int fill_memfd(struct layer_stream *s, uint64_t size, mode_t mode, struct eg_error *err)
{
        cleanup_close int fd =
                memfd_create("edgeguard-layer-file", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        uint64_t done = 0;

        if (fd < 0)
                return eg_error_set_errno(err, errno, "memfd_create");
        for (;;) {
                la_ssize_t n = archive_read_data(s->inner, s->buf, sizeof(s->buf));
                if (n < 0)
                        return eg_error_set(err, EIO, "reading it: %s",
                                            layer_archive_error(s->inner));
                if (n == 0)
                        break;
                if ((done += (uint64_t)n) > size)
                        return eg_error_set(err, EIO, "more bytes than its header declares");
                for (la_ssize_t off = 0; off < n;) {
                        ssize_t w = write(fd, s->buf + off, (size_t)(n - off));
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w < 0)
                                return eg_error_set_errno(err, errno, "writing a memfd");
                        off += w;
                }
        }
        if (done != size)
                return eg_error_set(err, EIO, "%llu bytes where its header declares %llu",
                                    (unsigned long long)done, (unsigned long long)size);
        /* the identifier reads execute bits through fstat */
        if (fchmod(fd, mode & 0777) < 0 ||
            fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
                return eg_error_set_errno(err, errno, "sealing a memfd");
        return steal_fd(&fd);
}

static int check_header(const struct layer_index *ix, const struct layer_entry *c,
                        struct archive_entry *ae, struct eg_error *err)
{
        const char *raw = archive_entry_pathname(ae);
        char clean[PATH_MAX];

        if (raw == NULL || layer_name_clean(raw, clean, sizeof(clean), err) < 0 ||
            strcmp(clean, layer_index_str(ix, c->name)) != 0 ||
            archive_entry_size(ae) != (int64_t)c->size)
                return eg_error_set(err, EIO,
                                    "the layer reads differently the second time (entry %llu)",
                                    (unsigned long long)c->ordinal);
        return 0;
}

static int tar_open(struct image_fs *fs, unsigned layer, const char *path,
                    const struct stat *judged, struct eg_error *err)
{
        struct tar_layer *l = layer_of(fs, layer);
        const struct layer_index *ix = &l->ix;
        const struct layer_entry *e = layer_index_find(ix, path), *c;
        struct layer_stream *s;
        int fd;

        if (e == NULL)
                return eg_error_set(err, ENOENT, "%s: no /%s", fs->names[layer], path);
        if (!S_ISREG(e->mode))
                return eg_error_set(err, EACCES, "%s: /%s is not a regular file", fs->names[layer],
                                    path);
        if (e->size > IMAGE_FS_FILE_MAX)
                return eg_error_set(err, EFBIG,
                                    "%s: /%s is %llu bytes, more than edgeguard reads of one "
                                    "file (%llu)",
                                    fs->names[layer], path, (unsigned long long)e->size,
                                    (unsigned long long)IMAGE_FS_FILE_MAX);
        c = &ix->entries[e->content];
        (void)judged;
        for (size_t i = 0; i < l->n_kept; i++)
                if (l->kept[i].ordinal == c->ordinal) {
                        /* a description of its own (a dup would share the
                         * offset with the next open of the same file) */
                        char proc[64];
                        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", l->kept[i].fd);
                        if ((fd = open(proc, O_RDONLY | O_CLOEXEC)) < 0)
                                return eg_error_set_errno(err, errno, "%s: /%s: reopening %s",
                                                          fs->names[layer], path, proc);
                        l->hits++;
                        return fd;
                }
        s = seek(fs, layer, c->ordinal, err);
        if (s == NULL)
                return eg_error_prefix(err, "%s: reading /%s", fs->names[layer], path);
        /* the header there must be the one indexed: a stream that reads
         * differently the second time is refused */
        if (check_header(ix, c, s->entry, err) < 0)
                return eg_error_prefix(err, "%s: reading /%s", fs->names[layer], path);
        fd = fill_memfd(s, c->size, e->mode, err);
        if (fd < 0)
                return eg_error_prefix(err, "%s: /%s", fs->names[layer], path);
        return fd;
}

static void tar_free(struct image_fs *fs)
{
        struct tar_layer *layers = fs->impl;

        for (size_t i = 0; layers && i < fs->n_layers; i++) {
                layer_index_free(&layers[i].ix);
                close_cursor(&layers[i]);
                for (size_t k = 0; k < layers[i].n_kept; k++)
                        close(layers[i].kept[k].fd);
                free(layers[i].kept);
                free(layers[i].path);
                free(layers[i].member);
        }
        free(layers);
        fs->impl = NULL;
}

static const struct image_fs_ops tar_ops = {
        .probe = tar_probe,
        .opaque = tar_opaque,
        .readlink = tar_readlink,
        .open = tar_open,
        .free = tar_free,
};

/* What the index passes keep, across the layers. */
struct keeping {
        const char *const *paths;
        size_t n_paths;
        uint64_t bytes;
        size_t files;
        struct tar_layer *layer; /* the one being indexed */
};

/* glibc's and musl's PT_INTERP: /lib/ld-linux-armhf.so.3,
 * /lib64/ld-linux-x86-64.so.2, /lib/ld-musl-aarch64.so.1, and the
 * files their symlinks name under multiarch directories. */
static const char *const loader_patterns[] = {
        "lib*/ld-*",
        "lib*/*/ld-*",
        "usr/lib*/ld-*",
        "usr/lib*/*/ld-*",
};

static bool wanted(const struct keeping *k, const char *name)
{
        for (size_t i = 0; i < k->n_paths; i++)
                if (strcmp(k->paths[i], name) == 0)
                        return true;
        for (size_t i = 0; i < sizeof(loader_patterns) / sizeof(loader_patterns[0]); i++)
                if (fnmatch(loader_patterns[i], name, FNM_PATHNAME | FNM_PERIOD) == 0)
                        return true;
        return false;
}

/* layer_index_saw_fn: keeps entry `at`'s bytes when it is wanted and
 * within the bounds, while the pass is at its header anyway. */
static int keep_entry(void *arg, const struct layer_index *ix, struct layer_stream *s, uint32_t at,
                      struct eg_error *err)
{
        struct keeping *k = arg;
        const struct layer_entry *e = &ix->entries[at];
        struct kept_file *grown;
        int fd;

        /* a hard link's bytes are its target's entry's (kept, if at all,
         * when the pass went by it) */
        if (!S_ISREG(e->mode) || e->content != at || e->size > IMAGE_FS_FILE_MAX ||
            e->size > IMAGE_FS_KEEP_BYTES_MAX - k->bytes || k->files >= IMAGE_FS_KEEP_FILES_MAX ||
            !wanted(k, layer_index_str(ix, e->name)))
                return 0;
        if ((grown = realloc(k->layer->kept, (k->layer->n_kept + 1) * sizeof(*grown))) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        k->layer->kept = grown;
        if ((fd = fill_memfd(s, e->size, e->mode, err)) < 0)
                return -1;
        grown[k->layer->n_kept++] = (struct kept_file){.ordinal = e->ordinal, .fd = fd};
        k->bytes += e->size;
        k->files++;
        return 0;
}

static int index_layer(struct image_fs *fs, unsigned i, const struct layer_blob *b,
                       struct keeping *k, struct eg_error *err)
{
        struct tar_layer *l = layer_of(fs, i);
        struct layer_stream *s = malloc(sizeof(*s));
        int r;

        l->path = strdup(b->path);
        l->member = b->member ? strdup(b->member) : NULL;
        l->member_ordinal = b->member_ordinal;
        if (s == NULL || l->path == NULL || (b->member && l->member == NULL)) {
                free(s);
                return eg_error_set(err, ENOMEM, "out of memory");
        }
        if (layer_stream_open(s, b, err) < 0) {
                free(s);
                return -1;
        }
        k->layer = l;
        r = layer_index_build_with(&l->ix, s, keep_entry, k, err);
        layer_stream_close(s);
        free(s);
        return r;
}

struct image_fs *image_fs_from_tars(const struct layer_blob *blobs, size_t n, struct eg_error *err)
{
        /* the loaders only */
        return image_fs_from_tars_keeping(blobs, n, NULL, 0, err);
}

unsigned long long image_fs_kept_hits(const struct image_fs *fs)
{
        unsigned long long hits = 0;

        if (fs == NULL || fs->ops != &tar_ops)
                return 0;
        for (size_t i = 0; i < fs->n_layers; i++)
                hits += ((const struct tar_layer *)fs->impl)[i].hits;
        return hits;
}

struct image_fs *image_fs_from_tars_keeping(const struct layer_blob *blobs, size_t n,
                                            const char *const *keep, size_t n_keep,
                                            struct eg_error *err)
{
        struct keeping k = {.paths = keep, .n_paths = n_keep};
        const char *names[IMAGE_FS_LAYERS_MAX];
        char *labels[IMAGE_FS_LAYERS_MAX];
        struct image_fs *fs;

        if (n == 0 || n > IMAGE_FS_LAYERS_MAX) {
                eg_error_set(err, E2BIG, "%zu layers: an image has 1 to %d", n,
                             IMAGE_FS_LAYERS_MAX);
                return NULL;
        }
        for (size_t i = 0; i < n; i++) {
                if (asprintf(&labels[i], "layer %zu (%s%s%s)", i + 1, blobs[i].path,
                             blobs[i].member ? ": " : "",
                             blobs[i].member ? blobs[i].member : "") < 0)
                        labels[i] = NULL;
                names[i] = labels[i];
        }
        fs = image_fs_new(&tar_ops, n, names, err);
        for (size_t i = 0; i < n; i++)
                free(labels[i]);
        if (fs == NULL)
                return NULL;
        if ((fs->impl = calloc(n, sizeof(struct tar_layer))) == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                image_fs_free(fs);
                return NULL;
        }
        for (size_t i = 0; i < n; i++)
                if (index_layer(fs, (unsigned)i, &blobs[i], &k, err) < 0) {
                        eg_error_prefix(err, "%s", fs->names[i]);
                        image_fs_free(fs);
                        return NULL;
                }
        return fs;
}
