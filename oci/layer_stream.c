#include "layer_stream.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

struct archive *layer_archive_new(struct eg_error *err)
{
        struct archive *a = archive_read_new();

        if (a == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        /* each may be ARCHIVE_WARN (a filter done by an external program:
         * never used here, the bidder then fails) */
        if (archive_read_support_filter_gzip(a) == ARCHIVE_FATAL ||
            archive_read_support_filter_zstd(a) == ARCHIVE_FATAL ||
            archive_read_support_filter_xz(a) == ARCHIVE_FATAL ||
            archive_read_support_filter_bzip2(a) == ARCHIVE_FATAL ||
            archive_read_support_format_tar(a) != ARCHIVE_OK) {
                eg_error_set(err, ENOTSUP, "libarchive: %s", layer_archive_error(a));
                archive_read_free(a);
                return NULL;
        }
        return a;
}

const char *layer_archive_error(struct archive *a)
{
        const char *msg = a ? archive_error_string(a) : NULL;

        return msg ? msg : "unknown error";
}

int layer_name_clean(const char *in, char *out, size_t size, struct eg_error *err)
{
        size_t o = 0;

        if (strlen(in) >= PATH_MAX)
                return eg_error_set(err, ENAMETOOLONG, "a name of %zu bytes", strlen(in));
        out[0] = '\0';
        while (*in) {
                size_t n;
                while (*in == '/')
                        in++;
                n = strcspn(in, "/");
                if (n == 0 || (n == 1 && in[0] == '.')) {
                        in += n;
                        continue;
                }
                if (n == 2 && in[0] == '.' && in[1] == '.') {
                        char *slash;
                        if (o == 0)
                                return eg_error_set(err, EPERM, "\"..\" climbs above the root");
                        slash = memrchr(out, '/', o);
                        o = slash ? (size_t)(slash - out) : 0;
                        out[o] = '\0';
                        in += n;
                        continue;
                }
                if (o + (o > 0) + n + 1 > size)
                        return eg_error_set(err, ENAMETOOLONG, "a name too long");
                if (o > 0)
                        out[o++] = '/';
                memcpy(out + o, in, n);
                o += n;
                out[o] = '\0';
                in += n;
        }
        return 0;
}

static la_ssize_t read_member(struct archive *inner, void *data, const void **buf)
{
        struct layer_stream *s = data;
        la_ssize_t n = archive_read_data(s->outer, s->outer_buf, sizeof(s->outer_buf));

        if (n < 0) {
                archive_set_error(inner, EIO, "the outer archive: %s",
                                  layer_archive_error(s->outer));
                return -1;
        }
        *buf = s->outer_buf;
        return n;
}

int layer_member_open(struct archive **outer, const struct layer_blob *b, struct eg_error *err)
{
        long long at = b->member_ordinal, last = -1;
        struct archive_entry *e;
        char clean[PATH_MAX];

        for (int pass = at < 0 ? 0 : 1; pass < 2; pass++) {
                long long i = 0;
                if (pass == 1 && at < 0) {
                        if (last < 0)
                                return eg_error_set(err, ENOENT, "%s: no member %s", b->path,
                                                    b->member);
                        at = last;
                        archive_read_free(*outer);
                        *outer = NULL;
                }
                if (*outer == NULL && (*outer = layer_archive_new(err)) == NULL)
                        return -1;
                if (archive_read_open_filename(*outer, b->path, 64 * 1024) != ARCHIVE_OK)
                        return eg_error_set(err,
                                            archive_errno(*outer) > 0 ? archive_errno(*outer) : EIO,
                                            "%s: %s", b->path, layer_archive_error(*outer));
                for (;; i++) {
                        int r = archive_read_next_header(*outer, &e);
                        if (r == ARCHIVE_EOF)
                                break;
                        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
                                return eg_error_set(err, EIO, "%s: %s", b->path,
                                                    layer_archive_error(*outer));
                        const char *name = archive_entry_pathname(e);
                        bool match = name &&
                                     layer_name_clean(name, clean, sizeof(clean), err) == 0 &&
                                     strcmp(clean, b->member) == 0 &&
                                     archive_entry_filetype(e) == AE_IFREG;
                        if (pass == 0 && match)
                                last = i;
                        if (pass == 1 && i == at) {
                                if (!match)
                                        return eg_error_set(err, ENOENT,
                                                            "%s: member %lld is not %s", b->path,
                                                            at, b->member);
                                return 0;
                        }
                }
                if (pass == 1)
                        return eg_error_set(err, ENOENT, "%s: no member %s", b->path, b->member);
        }
        return eg_error_set(err, ENOENT, "%s: no member %s", b->path, b->member);
}

int layer_stream_open(struct layer_stream *s, const struct layer_blob *b, struct eg_error *err)
{
        s->outer = s->inner = NULL;
        s->entry = NULL;
        s->ordinal = -1;
        if (b->member != NULL && layer_member_open(&s->outer, b, err) < 0) {
                layer_stream_close(s);
                return -1;
        }
        if ((s->inner = layer_archive_new(err)) == NULL) {
                layer_stream_close(s);
                return -1;
        }
        int r = b->member ? archive_read_open(s->inner, s, NULL, read_member, NULL)
                          : archive_read_open_filename(s->inner, b->path, 64 * 1024);
        if (r != ARCHIVE_OK) {
                int e = archive_errno(s->inner);
                eg_error_set(err, e > 0 ? e : EIO, "%s%s%s: %s", b->path, b->member ? ": " : "",
                             b->member ? b->member : "", layer_archive_error(s->inner));
                layer_stream_close(s);
                return -1;
        }
        return 0;
}

int layer_stream_next(struct layer_stream *s, struct archive_entry **e, struct eg_error *err)
{
        int r = archive_read_next_header(s->inner, e);

        if (r == ARCHIVE_EOF)
                return 0;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) /* RETRY too: a damaged header */
                return eg_error_set(err, EIO, "after entry %lld: %s", s->ordinal + 1,
                                    layer_archive_error(s->inner));
        s->ordinal++;
        s->entry = *e;
        return 1;
}

void layer_stream_close(struct layer_stream *s)
{
        if (s->inner)
                archive_read_free(s->inner);
        if (s->outer)
                archive_read_free(s->outer);
        s->inner = s->outer = NULL;
        s->ordinal = -1;
}
