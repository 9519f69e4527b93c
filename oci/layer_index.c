#include "layer_index.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "image_fs_impl.h"

static uint64_t hash(const char *s, size_t n)
{
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */

        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
        return h;
}

/* The slot of path: the one holding it, or the empty one where it goes. */
static size_t slot_of(const struct layer_index *ix, const char *path, size_t n)
{
        size_t mask = ix->n_slots - 1, i = (size_t)hash(path, n) & mask;

        for (;; i = (i + 1) & mask) {
                uint32_t v = ix->slots[i];
                if (v == 0)
                        return i;
                const char *name = ix->pool + ix->entries[v - 1].name;
                if (strncmp(name, path, n) == 0 && name[n] == '\0')
                        return i;
        }
}

static int grow_slots(struct layer_index *ix, struct eg_error *err)
{
        size_t n = ix->n_slots ? 2 * ix->n_slots : 1024;
        uint32_t *old = ix->slots;
        size_t n_old = ix->n_slots;

        if ((ix->slots = calloc(n, sizeof(*ix->slots))) == NULL) {
                ix->slots = old;
                return eg_error_set(err, ENOMEM, "out of memory");
        }
        ix->n_slots = n;
        for (size_t i = 0; i < n_old; i++)
                if (old[i]) {
                        const char *name = ix->pool + ix->entries[old[i] - 1].name;
                        ix->slots[slot_of(ix, name, strlen(name))] = old[i];
                }
        free(old);
        return 0;
}

static int pool_add(struct layer_index *ix, const char *s, size_t n, uint32_t *off,
                    struct eg_error *err)
{
        if (ix->pool_len + n + 1 > LAYER_INDEX_NAMES_MAX)
                return eg_error_set(err, E2BIG, "more than %u bytes of names",
                                    LAYER_INDEX_NAMES_MAX);
        if (ix->pool_len + n + 1 > ix->pool_cap) {
                size_t cap = ix->pool_cap ? ix->pool_cap : 4096;
                while (cap < ix->pool_len + n + 1)
                        cap *= 2;
                char *p = realloc(ix->pool, cap);
                if (p == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
                ix->pool = p;
                ix->pool_cap = cap;
        }
        memcpy(ix->pool + ix->pool_len, s, n);
        ix->pool[ix->pool_len + n] = '\0';
        *off = (uint32_t)ix->pool_len;
        ix->pool_len += n + 1;
        return 0;
}

static bool live(const struct layer_index *ix, uint32_t i)
{
        for (; i != 0; i = ix->entries[i].parent)
                if (ix->entries[i].flags & LAYER_ENTRY_DEAD)
                        return false;
        return true;
}

static struct layer_entry *find(const struct layer_index *ix, const char *path, size_t n)
{
        uint32_t v = ix->slots[slot_of(ix, path, n)];

        if (v == 0 || !live(ix, v - 1))
                return NULL;
        return &ix->entries[v - 1];
}

const struct layer_entry *layer_index_find(const struct layer_index *ix, const char *path)
{
        if (ix->n_slots == 0)
                return NULL;
        return find(ix, path, strlen(path));
}

/* Adds e at path (replacing what the slot held); its index, or -1. */
static long long add(struct layer_index *ix, const char *path, size_t n, struct layer_entry *e,
                     struct eg_error *err)
{
        size_t slot;

        if (ix->n == LAYER_INDEX_ENTRIES_MAX)
                return eg_error_set(err, E2BIG, "more than %u entries", LAYER_INDEX_ENTRIES_MAX);
        if (2 * (ix->n + 1) > ix->n_slots && grow_slots(ix, err) < 0)
                return -1;
        if (ix->n == ix->cap) {
                uint32_t cap = ix->cap ? 2 * ix->cap : 256;
                struct layer_entry *p = realloc(ix->entries, cap * sizeof(*p));
                if (p == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
                ix->entries = p;
                ix->cap = cap;
        }
        if (pool_add(ix, path, n, &e->name, err) < 0)
                return -1;
        slot = slot_of(ix, path, n);
        if (ix->slots[slot] && live(ix, ix->slots[slot] - 1))
                ix->entries[ix->slots[slot] - 1].flags |= LAYER_ENTRY_DEAD;
        e->content = ix->n;
        ix->entries[ix->n] = *e;
        ix->slots[slot] = ix->n + 1;
        return ix->n++;
}

static size_t parent_len(const char *path, size_t n)
{
        const char *slash = memrchr(path, '/', n);

        return slash ? (size_t)(slash - path) : 0;
}

/* The live directory at path[0..n), made (with its parents) when missing. */
static long long ensure_dir(struct layer_index *ix, const char *path, size_t n,
                            struct eg_error *err)
{
        struct layer_entry *e, d = {.link = LAYER_INDEX_NONE,
                                    .flags = LAYER_ENTRY_IMPLICIT,
                                    .mode = S_IFDIR | 0755};
        long long parent;

        if (n == 0)
                return 0;
        e = find(ix, path, n);
        if (e != NULL && S_ISDIR(e->mode))
                return e - ix->entries;
        if (e != NULL && !(e->flags & LAYER_ENTRY_WHITEOUT))
                return eg_error_set(err, ENOTDIR, "/%.*s is not a directory", (int)n, path);
        if (e != NULL) /* a directory made where one was deleted */
                d.flags |= LAYER_ENTRY_OPAQUE;
        if ((parent = ensure_dir(ix, path, parent_len(path, n), err)) < 0)
                return -1;
        d.parent = (uint32_t)parent;
        return add(ix, path, n, &d, err);
}

/* The overlayfs xattrs an entry carries: moby's unpack sets every pax
 * SCHILY.xattr as root, so on overlay2 trusted.overlay.opaque="y" makes
 * the directory opaque, and trusted.overlay.redirect (followed even with
 * redirect_dir=off where the kernel has REDIRECT_ALWAYS_FOLLOW, Debian's
 * default) or metacopy would make the merge take another path's content:
 * not modelled, so refused.  user.overlay.* are the same for an
 * unprivileged ("userxattr") mount. */
static int overlay_xattrs(struct archive_entry *ae, bool *opaque, struct eg_error *err)
{
        const char *name;
        const void *value;
        size_t size;

        *opaque = false;
        archive_entry_xattr_reset(ae);
        while (archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK) {
                const char *key = strncmp(name, "trusted.overlay.", 16) == 0 ? name + 16
                                  : strncmp(name, "user.overlay.", 13) == 0  ? name + 13
                                                                             : NULL;
                if (key == NULL)
                        continue;
                if (strcmp(key, "opaque") == 0) {
                        *opaque = *opaque || (size == 1 && *(const char *)value == 'y');
                        continue;
                }
                return eg_error_set(err, EPERM,
                                    "the overlayfs xattr %.64s, which would change what the "
                                    "engine's overlay mount shows there",
                                    name);
        }
        return 0;
}

/* A hard link's entry from its target's: the same bytes and type. */
static int hard_link(struct layer_index *ix, const char *path, const char *target,
                     struct layer_entry *e, struct eg_error *err)
{
        char clean[PATH_MAX];
        const struct layer_entry *t;

        if (layer_name_clean(target, clean, sizeof(clean), err) < 0)
                return eg_error_prefix(err, "its hard link target");
        if (strcmp(clean, path) == 0)
                return eg_error_set(err, ELOOP, "a hard link to itself");
        t = clean[0] ? layer_index_find(ix, clean) : NULL;
        if (t == NULL || (t->flags & LAYER_ENTRY_WHITEOUT))
                return eg_error_set(err, ENOENT,
                                    "a hard link to /%s, which is not an earlier entry of the "
                                    "layer",
                                    clean);
        if (S_ISDIR(t->mode))
                return eg_error_set(err, EPERM, "a hard link to the directory /%s", clean);
        e->mode = (t->mode & S_IFMT) | (e->mode & 07777);
        e->size = t->size;
        e->link = t->link;
        e->rdev = t->rdev;
        return (int)t->content; /* set by the caller after add() */
}

/* Adds ae's entry; *made is the index of a live entry it made (not a
 * whiteout, opaque marker, the root or a directory's metadata again), or
 * LAYER_INDEX_NONE. */
static int add_header(struct layer_index *ix, struct archive_entry *ae, uint64_t ordinal,
                      uint32_t *made, struct eg_error *err)
{
        const char *raw = archive_entry_pathname(ae), *base, *hl = archive_entry_hardlink(ae);
        char path[PATH_MAX], wh[PATH_MAX];
        struct layer_entry e = {.link = LAYER_INDEX_NONE, .ordinal = ordinal};
        struct layer_entry *old;
        long long parent, at, content = -1;
        size_t n, dir_n;
        bool opaque;
        int64_t size = archive_entry_size(ae);

        *made = LAYER_INDEX_NONE;
        if (raw == NULL)
                return eg_error_set(err, EILSEQ, "a name libarchive cannot read");
        if (layer_name_clean(raw, path, sizeof(path), err) < 0)
                return -1;
        if (size < 0 || (uint64_t)size > LAYER_INDEX_DATA_MAX - ix->data)
                return eg_error_set(err, EFBIG,
                                    "its declared size makes the layer's data more than %llu "
                                    "bytes",
                                    (unsigned long long)LAYER_INDEX_DATA_MAX);
        ix->data += (uint64_t)size;
        e.mode = archive_entry_mode(ae);
        e.uid = (uint32_t)archive_entry_uid(ae);
        e.gid = (uint32_t)archive_entry_gid(ae);
        e.mtime = archive_entry_mtime(ae);
        e.size = (uint64_t)size;
        e.rdev = archive_entry_rdev(ae);
        n = strlen(path);
        if (n == 0) { /* "./": the root's own metadata */
                if (hl || !S_ISDIR(e.mode))
                        return eg_error_set(err, ENOTDIR, "the layer's root is not a directory");
                ix->entries[0].mode = e.mode;
                ix->entries[0].uid = e.uid;
                ix->entries[0].gid = e.gid;
                ix->entries[0].mtime = e.mtime;
                return 0;
        }
        dir_n = parent_len(path, n);
        base = path + dir_n + (dir_n > 0);
        if (strncmp(base, IMAGE_FS_WH_PREFIX, IMAGE_FS_WH_PREFIX_N) == 0) {
                const char *name = base + IMAGE_FS_WH_PREFIX_N;
                if ((parent = ensure_dir(ix, path, dir_n, err)) < 0)
                        return -1;
                if (strcmp(base, IMAGE_FS_WH_OPAQUE) == 0) {
                        ix->entries[parent].flags |= LAYER_ENTRY_OPAQUE;
                        return 0;
                }
                if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                        return eg_error_set(err, EINVAL, "a whiteout of no name");
                snprintf(wh, sizeof(wh), "%.*s%s%s", (int)dir_n, path, dir_n ? "/" : "", name);
                e = (struct layer_entry){.link = LAYER_INDEX_NONE,
                                         .ordinal = ordinal,
                                         .parent = (uint32_t)parent,
                                         .flags = LAYER_ENTRY_WHITEOUT,
                                         .mode = S_IFCHR};
                return add(ix, wh, strlen(wh), &e, err) < 0 ? -1 : 0;
        }
        if ((parent = ensure_dir(ix, path, dir_n, err)) < 0)
                return -1;
        e.parent = (uint32_t)parent;
        if (hl != NULL) {
                if ((content = hard_link(ix, path, hl, &e, err)) < 0)
                        return -1;
        } else {
                switch (e.mode & S_IFMT) {
                case S_IFLNK: {
                        const char *target = archive_entry_symlink(ae);
                        if (target == NULL || strlen(target) >= PATH_MAX)
                                return eg_error_set(err, ENAMETOOLONG,
                                                    "a symlink target missing or of more than %d "
                                                    "bytes",
                                                    PATH_MAX - 1);
                        if (pool_add(ix, target, strlen(target), &e.link, err) < 0)
                                return -1;
                        e.size = strlen(target);
                        break;
                }
                case S_IFCHR:
                        /* unpacked on overlay, a 0/0 device is a whiteout */
                        if (e.rdev == makedev(0, 0))
                                e.flags |= LAYER_ENTRY_WHITEOUT;
                        break;
                case S_IFREG:
                case S_IFDIR:
                case S_IFBLK:
                case S_IFIFO:
                        break;
                default:
                        return eg_error_set(err, EINVAL, "an entry of unknown type 0%o",
                                            (unsigned)(e.mode & S_IFMT));
                }
        }
        if (overlay_xattrs(ae, &opaque, err) < 0)
                return -1;
        if (S_ISDIR(e.mode) && opaque)
                e.flags |= LAYER_ENTRY_OPAQUE;
        old = find(ix, path, n);
        if (old && S_ISDIR(old->mode) && S_ISDIR(e.mode) && !(old->flags & LAYER_ENTRY_WHITEOUT)) {
                /* a directory again: its metadata, its children kept */
                old->mode = e.mode;
                old->uid = e.uid;
                old->gid = e.gid;
                old->mtime = e.mtime;
                old->flags = (old->flags & ~(uint32_t)LAYER_ENTRY_IMPLICIT) | e.flags;
                return 0;
        }
        if (old && (old->flags & LAYER_ENTRY_WHITEOUT) && S_ISDIR(e.mode))
                e.flags |= LAYER_ENTRY_OPAQUE; /* made where one was deleted */
        if ((at = add(ix, path, n, &e, err)) < 0)
                return -1;
        if (content >= 0)
                ix->entries[at].content = (uint32_t)content;
        *made = (uint32_t)at;
        return 0;
}

int layer_index_build(struct layer_index *ix, struct layer_stream *s, struct eg_error *err)
{
        return layer_index_build_with(ix, s, NULL, NULL, err);
}

int layer_index_build_with(struct layer_index *ix, struct layer_stream *s, layer_index_saw_fn *saw,
                           void *arg, struct eg_error *err)
{
        struct layer_entry root = {.link = LAYER_INDEX_NONE, .mode = S_IFDIR | 0755};
        struct archive_entry *ae;
        int r;

        memset(ix, 0, sizeof(*ix));
        if (add(ix, "", 0, &root, err) < 0)
                return -1;
        ix->entries[0].flags = LAYER_ENTRY_IMPLICIT;
        while ((r = layer_stream_next(s, &ae, err)) == 1) {
                uint32_t made;
                if (add_header(ix, ae, (uint64_t)s->ordinal, &made, err) < 0 ||
                    (saw && made != LAYER_INDEX_NONE && saw(arg, ix, s, made, err) < 0)) {
                        const char *name = archive_entry_pathname(ae);
                        return eg_error_prefix(err, "entry %lld \"%.200s\"", s->ordinal,
                                               name ? name : "?");
                }
        }
        return r;
}

void layer_index_stat(const struct layer_index *ix, const struct layer_entry *e, struct stat *st)
{
        memset(st, 0, sizeof(*st));
        st->st_mode = e->mode;
        st->st_uid = e->uid;
        st->st_gid = e->gid;
        st->st_size = (off_t)e->size;
        st->st_mtime = e->mtime;
        st->st_ino = (ino_t)(e - ix->entries) + 1;
        st->st_nlink = S_ISDIR(e->mode) ? 2 : 1;
        st->st_rdev = (dev_t)e->rdev;
}

void layer_index_free(struct layer_index *ix)
{
        free(ix->entries);
        free(ix->pool);
        free(ix->slots);
        memset(ix, 0, sizeof(*ix));
}
