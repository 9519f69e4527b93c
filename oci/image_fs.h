/* An image's root filesystem made of LAYERS, read-only, merged the way the
 * engine's overlay mounts merge them: the container view (oci/view.h) walks
 * it component by component through view_init_layers, so the one
 * identifier (oci/exe.c) judges images unchanged.
 *
 * Merge rules (the OCI image-spec layer.md "Whiteouts", moby's
 * pkg/archive (whiteouts.go, changes_linux.go) and the kernel's
 * Documentation/filesystems/overlayfs.rst), the top layer first:
 *   - a name present in a layer as a non-directory is the answer; layers
 *     below are not consulted;
 *   - a directory merges with the directories of the same path below it,
 *     until one is opaque (xattr trusted.overlay.opaque="y", or
 *     user.overlay.opaque="y" for rootless overlay; `.wh..wh..opq` in a tar
 *     layer or an AUFS-style directory), or a layer has a non-directory or
 *     a whiteout there;
 *   - a whiteout hides the name in the layers below: a 0/0 character
 *     device (overlay2 `diff` directories, containerd and podman overlay
 *     snapshots) or a `.wh.NAME` entry (tar layers, AUFS); the `.wh.*`
 *     names themselves are never visible.
 *
 * Errors follow oci/error.h.  Every fd returned is O_CLOEXEC. */
#ifndef EDGEGUARD_IMAGE_FS_H
#define EDGEGUARD_IMAGE_FS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "error.h"

/* Layers one image may have: Docker refuses to build or load more than
 * 127 (layer/layer_store.go maxLayerDepth = 125 + a few); 256 is a bound
 * on a hostile manifest, not a limit an image meets. */
#define IMAGE_FS_LAYERS_MAX 256

/* A tar layer file's content is read into memory (a sealed memfd) when it
 * is opened: a bound on a hostile declared size.  Executables larger than
 * this are not judged (the error says so); statically linked Go programs
 * are well under 256 MiB. */
#define IMAGE_FS_FILE_MAX (256ULL << 20)

/* Nodes handed out by one image_fs (the directory backend keeps each
 * looked-up path): a bound on the lookups of a hostile $PATH and symlink
 * farm, far above what the view's VIEW_LINKS_BUDGET lets it ask. */
#define IMAGE_FS_NODES_MAX (1U << 16)

struct image_fs; /* a read-only merged tree: N layers, bottom first */

/* One file of the merged tree.  id is the backend's, meaningful only to
 * the image_fs that made it.  st: for a layer directory the real lstat of
 * the top layer's entry; for a tar entry synthesized from its header
 * (mode, uid, gid, size, mtime; st_ino = an id unique in the image;
 * st_dev = 0; st_nlink = 1). */
struct image_fs_node {
        uint64_t id;
        struct stat st;
        unsigned layer; /* where the entry comes from: 0 the bottom layer */
};

/* The merged root directory (or the one image_fs_set_root chose). */
int image_fs_root(struct image_fs *fs, struct image_fs_node *out, struct eg_error *err);

/* Makes the directory `subdir` (relative, '/'-separated, no symlink on
 * the way) the root image_fs_root answers: a Windows image's layers hold
 * the container's C:\ under "Files" (and the registry under "Hives";
 * hcsshim's wclayer format), so its view is rooted at "Files".  Fails
 * with ENOENT / ENOTDIR when it is not a directory of the merged tree. */
int image_fs_set_root(struct image_fs *fs, const char *subdir, struct eg_error *err);

/* The entry `name` (one component: not "", ".", "..", no '/') of directory
 * dir.  Fails with err->errnum ENOENT when absent or whited out, ENOTDIR
 * when dir is not a directory, E2BIG past IMAGE_FS_NODES_MAX, or the
 * backend's I/O error. */
int image_fs_lookup(struct image_fs *fs, const struct image_fs_node *dir, const char *name,
                    struct image_fs_node *out, struct eg_error *err);

/* A symlink's target (not terminated), as readlink(2): its length, or -1
 * (EINVAL: not a symlink).  A target of `size` bytes or more is cut. */
ssize_t image_fs_readlink(struct image_fs *fs, const struct image_fs_node *n, char *buf,
                          size_t size, struct eg_error *err);

/* An fd on the file's bytes, for fstat + rootfs_reopen_regular + pread:
 * the layer directory's own file (O_PATH | O_NOFOLLOW, any type), or for a
 * tar layer's regular file a sealed memfd (O_RDWR on a write-sealed file,
 * its mode set to the entry's permission bits) filled on demand, at most
 * IMAGE_FS_FILE_MAX bytes (EFBIG above).  A tar layer's device, FIFO or
 * socket entry has no bytes: EACCES, as execve(2) answers for one. */
int image_fs_open(struct image_fs *fs, const struct image_fs_node *n, struct eg_error *err);

/* Human name of layer i for messages ("layer 3 (sha256:…/layer.tar)"). */
const char *image_fs_layer_name(const struct image_fs *fs, unsigned layer);

size_t image_fs_n_layers(const struct image_fs *fs);

/* --- builders ------------------------------------------------------------ */

/* Over layer directories, bottom first: dockerd's overlay2
 * `overlay2/<cache-id>/diff`, containerd's and podman's overlay snapshots
 * `…/snapshots/<n>/fs`.  dir_fds are duplicated (the caller keeps its
 * own).  names (may be NULL) label the layers in messages. */
struct image_fs *image_fs_from_dirs(const int *dir_fds, const char *const *names, size_t n,
                                    struct eg_error *err);

/* Where one tar layer's bytes are: a file (an OCI blob, compressed with
 * gzip, zstd, xz, bzip2 or not at all), or a member of an outer tar file
 * (`docker save`'s `<id>/layer.tar`, an OCI-layout tar's
 * `blobs/sha256/<hex>`), itself plain or compressed. */
struct layer_blob {
        const char *path;   /* the file (borrowed) */
        const char *member; /* NULL, or the member of the tar file at path (borrowed) */
        /* member's header position in the outer tar (0: the first), as
         * image_source_layer knows it; -1: the last member of that name,
         * found with one more pass over the outer tar */
        long long member_ordinal;
};

/* Indexes each layer (one streaming pass over its headers; nothing is
 * unpacked), bottom first.  Fails on a layer that is not a tar the reader
 * accepts or breaks a bound (oci/layer_index.h), naming the layer and
 * the entry. */
struct image_fs *image_fs_from_tars(const struct layer_blob *blobs, size_t n, struct eg_error *err);

/* Bounds on the bytes image_fs_from_tars_keeping keeps: in sealed memfds
 * (page cache, not the process's heap), each file also under
 * IMAGE_FS_FILE_MAX.  A program and its loader are a few MiB. */
#define IMAGE_FS_KEEP_BYTES_MAX (64ULL << 20)
#define IMAGE_FS_KEEP_FILES_MAX 64

/* image_fs_from_tars that, while its index pass goes by them, keeps the
 * bytes of the regular files at the clean paths keep[] (no leading '/',
 * e.g. "usr/bin/app": where the config's command may be) and at the
 * dynamic loaders' usual paths (ld-* in lib*, usr/lib* and their
 * subdirectories, as glibc's and musl's PT_INTERP name them), up to the
 * bounds above; opening one of them later needs no second
 * decompression of its layer.  Kept bytes belong to one entry of one
 * layer (its header's position): an entry replaced later in its layer,
 * or hidden by a higher one, is never what the merged tree serves, so
 * what is opened is what image_fs_from_tars opens. */
struct image_fs *image_fs_from_tars_keeping(const struct layer_blob *blobs, size_t n,
                                            const char *const *keep, size_t n_keep,
                                            struct eg_error *err);

/* How many opens of fs (an image_fs_from_tars one; 0 otherwise) were
 * served from kept bytes: for tests and benchmarks. */
unsigned long long image_fs_kept_hits(const struct image_fs *fs);

void image_fs_free(struct image_fs *fs);

#endif
