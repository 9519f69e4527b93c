/* The index of one tar layer: every entry's name, type, mode, owner, size
 * and link target, from one streaming pass over the headers (no file
 * content is kept), with the layer's own whiteouts applied as the engine
 * applies them when it unpacks the layer.
 *
 * Rules (OCI image-spec layer.md "Whiteouts" and "Hard links"; moby
 * pkg/archive diff.go UnpackLayer and archive.go createTarFile):
 *   - names are cleaned (layer_name_clean); ".." above the root refuses
 *     the layer, as moby's breakoutError does;
 *   - ".wh.NAME" deletes NAME (in this layer so far and in the layers
 *     below); ".wh..wh..opq" makes its directory opaque;
 *   - a 0/0 character device, and a directory with the xattr
 *     trusted.overlay.opaque="y" (a pax SCHILY.xattr), are a whiteout and
 *     an opaque directory too: unpacked by dockerd's overlay2 driver (or
 *     containerd's overlay snapshotter) they become exactly that;
 *   - a later entry of the same name replaces the earlier (tar
 *     extraction), a directory's metadata only when both are directories;
 *     a non-directory replacing a directory takes its subtree away;
 *   - missing parent directories are made (0755, root), as MkdirAll does;
 *     a directory made where a whiteout was hides the layers below
 *     (overlayfs makes it opaque); an entry under a non-directory of the
 *     layer refuses it (the engine's unpack fails with ENOTDIR);
 *   - a hard link names an earlier entry of the same layer (the engine
 *     unpacks each layer into its own empty directory): to a missing or
 *     later entry, a directory, or itself, it refuses the layer.
 * Every refusal names the entry (its position and name). */
#ifndef EDGEGUARD_LAYER_INDEX_H
#define EDGEGUARD_LAYER_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "error.h"
#include "layer_stream.h"

/* Bounds on one hostile layer, each far above real images (a full Debian
 * with build tools is ~60 000 entries and a few MiB of names): */
/* entries kept: each is ~64 bytes of memory */
#define LAYER_INDEX_ENTRIES_MAX (1U << 20)
/* bytes of names and link targets kept */
#define LAYER_INDEX_NAMES_MAX (64U << 20)
/* the sum of the entries' declared sizes: the header pass decompresses
 * (or skips) every byte, so this bounds a decompression bomb's work */
#define LAYER_INDEX_DATA_MAX (64ULL << 30)

#define LAYER_INDEX_NONE UINT32_MAX

enum layer_entry_flags {
        LAYER_ENTRY_WHITEOUT = 1, /* deletes the name in the layers below */
        LAYER_ENTRY_OPAQUE = 2,   /* a directory hiding the layers below */
        LAYER_ENTRY_DEAD = 4,     /* replaced by a later entry */
        LAYER_ENTRY_IMPLICIT = 8, /* a directory no header named */
};

struct layer_entry {
        uint32_t name;    /* offset of the clean name in the pool */
        uint32_t parent;  /* index of the parent directory; 0 is the root */
        uint32_t link;    /* offset of a symlink's target, or LAYER_INDEX_NONE */
        uint32_t content; /* the entry whose bytes these are (a hard link's target) */
        uint32_t flags;
        uint32_t mode; /* type and permission bits, as st_mode */
        uint32_t uid, gid;
        uint64_t size;
        int64_t mtime;
        uint64_t ordinal; /* the header's position in the layer's stream */
        uint64_t rdev;
};

struct layer_index {
        struct layer_entry *entries; /* [0] is the root */
        uint32_t n, cap;
        char *pool;
        size_t pool_len, pool_cap;
        uint32_t *slots; /* open addressing: entry index + 1, 0 empty */
        size_t n_slots;
        uint64_t data; /* sum of declared sizes */
};

/* Indexes the layer s is open on, reading its headers to the end.
 * layer_index_free ix either way. */
int layer_index_build(struct layer_index *ix, struct layer_stream *s, struct eg_error *err);

/* layer_index_build, calling saw(arg, ix, s, at, err) after each header
 * that made a live entry at index `at` (s is still at that header, its
 * data unread: saw may read it); saw's -1 stops the pass with its err. */
typedef int layer_index_saw_fn(void *arg, const struct layer_index *ix, struct layer_stream *s,
                               uint32_t at, struct eg_error *err);
int layer_index_build_with(struct layer_index *ix, struct layer_stream *s, layer_index_saw_fn *saw,
                           void *arg, struct eg_error *err);

/* The live entry at a clean path ("" is the root), or NULL. */
const struct layer_entry *layer_index_find(const struct layer_index *ix, const char *path);

static inline const char *layer_index_str(const struct layer_index *ix, uint32_t off)
{
        return ix->pool + off;
}

/* The entry as a struct stat (st_ino: its index + 1, st_dev 0). */
void layer_index_stat(const struct layer_index *ix, const struct layer_entry *e, struct stat *st);

void layer_index_free(struct layer_index *ix);

#endif
