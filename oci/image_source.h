/* The outer container of an image, for the manifests above the layers:
 * a tar file (`docker save`, buildx `--output type=docker` or
 * `type=oci`, plain or compressed with gzip, zstd, xz or bzip2) or an
 * OCI image layout directory (`oci-layout`, `index.json`, `blobs/`).
 *
 * A tar file's member names are indexed once, in one streaming pass over
 * its headers (members are read again only when asked for); names are
 * cleaned as moby's archive package does (relative to the archive's root,
 * "./" and ".." folded, never above it); a later duplicate member wins, as
 * tar extraction does.  Only regular files are members.
 *
 * Errors follow oci/error.h. */
#ifndef EDGEGUARD_IMAGE_SOURCE_H
#define EDGEGUARD_IMAGE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "image_fs.h"

/* Members of one outer tar file indexed: `docker save` of a 100-layer
 * image has ~300; a bound on a hostile archive. */
#define IMAGE_SOURCE_MEMBERS_MAX 65536

struct image_source;

/* Opens path: a directory is an OCI layout (its `oci-layout` file is not
 * required here: the caller checks what it reads), anything else a tar
 * file, indexed at once.  NULL with err on an unreadable path, a file
 * that is not a tar the reader accepts, or a broken bound. */
struct image_source *image_source_open(const char *path, struct eg_error *err);

/* True for a directory source (an OCI layout). */
bool image_source_is_dir(const struct image_source *src);

/* Whether member (a clean relative name: "manifest.json",
 * "blobs/sha256/<hex>") is a regular file of the source. */
bool image_source_has(struct image_source *src, const char *member);

/* Reads the whole of member into *buf (malloc'ed, NUL-terminated after
 * *len bytes; the caller frees it).  EFBIG when it is larger than
 * max_bytes, ENOENT when absent. */
int image_source_read(struct image_source *src, const char *member, size_t max_bytes, char **buf,
                      size_t *len, struct eg_error *err);

/* Where member's bytes are, as a layer for image_fs_from_tars: out's
 * strings are owned by src (valid until image_source_free).  ENOENT when
 * absent. */
int image_source_layer(struct image_source *src, const char *member, struct layer_blob *out,
                       struct eg_error *err);

void image_source_free(struct image_source *src);

#endif
