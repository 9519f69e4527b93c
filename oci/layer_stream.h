/* Reading tar layers with libarchive, streamed: a layer is a file (an OCI
 * blob) or a member of an outer tar file (`docker save`), each plain or
 * compressed; the member is decompressed from the outer stream as it is
 * read (archive_read_open over archive_read_data of the outer entry),
 * never written to disk.
 *
 * Only what image layers are made of is read: the tar formats (ustar,
 * pax, GNU, v7) compressed with gzip, zstd, xz or bzip2, or not at all
 * (OCI image-spec media types: tar, tar+gzip, tar+zstd; Docker reads xz
 * and bzip2 too, pkg/archive DecompressStream).  No other format or
 * filter (no cpio, zip, external programs) is tried on hostile input. */
#ifndef EDGEGUARD_LAYER_STREAM_H
#define EDGEGUARD_LAYER_STREAM_H

#include <stdint.h>

#include "error.h"
#include "image_fs.h"

struct archive;
struct archive_entry;

/* A libarchive reader of the formats and filters above; NULL with err. */
struct archive *layer_archive_new(struct eg_error *err);

/* libarchive's last error of a, for messages ("truncated", "damaged"). */
const char *layer_archive_error(struct archive *a);

struct layer_stream {
        struct archive *outer;       /* the outer tar, when the layer is a member */
        struct archive *inner;       /* the layer's tar */
        long long ordinal;           /* inner's current header: 0 the first, -1 none yet */
        struct archive_entry *entry; /* that header, owned by inner */
        unsigned char buf[64 * 1024];
        /* the outer member's bytes, fed to inner: not buf, which the
         * caller reads inner's data into while inner still reads from
         * what it was fed (one buffer for both read a member's files as
         * garbage) */
        unsigned char outer_buf[64 * 1024];
};

/* Opens blob for reading its headers from the first.  -1 with err
 * (ENOENT: no such member). */
int layer_stream_open(struct layer_stream *s, const struct layer_blob *blob, struct eg_error *err);

/* The next header: 1 with *e (valid until the next call), 0 at the end,
 * -1 with err on a damaged or truncated stream. */
int layer_stream_next(struct layer_stream *s, struct archive_entry **e, struct eg_error *err);

void layer_stream_close(struct layer_stream *s);

/* Opens the outer tar b->path into *outer (archive_read_free it, also on
 * failure when not NULL) positioned at b->member's header, to read its
 * bytes with archive_read_data.  ENOENT when there is no such member. */
int layer_member_open(struct archive **outer, const struct layer_blob *b, struct eg_error *err);

/* Cleans a member or entry name as moby's archive package does before
 * using it (filepath.Clean, relative to the archive's root: leading '/'
 * and "./" dropped, "a//b" and "a/./b" folded, "a/../b" is "b"): out is
 * "" for the root itself.  A ".." above the root is EPERM, as moby's
 * breakoutError refuses it (pkg/archive/diff.go UnpackLayer). */
int layer_name_clean(const char *in, char *out, size_t size, struct eg_error *err);

#endif
