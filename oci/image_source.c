#include "image_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "layer_stream.h"
#include "rootfs.h"

struct source_member {
        char *name;
        long long ordinal;
        int fd;           /* a directory source's member, opened by image_source_layer */
        char fd_path[32]; /* "/proc/self/fd/N": the layer's path for libarchive */
};

struct image_source {
        char *path;
        int dir_fd; /* an OCI layout directory, or -1 for a tar file */
        struct source_member *members;
        size_t n, cap;
};

static int add_member(struct image_source *src, const char *name, long long ordinal, int fd,
                      struct eg_error *err)
{
        for (size_t i = 0; i < src->n; i++)
                if (strcmp(src->members[i].name, name) == 0) {
                        src->members[i].ordinal = ordinal; /* the later one wins */
                        return 0;
                }
        if (src->n == IMAGE_SOURCE_MEMBERS_MAX)
                return eg_error_set(err, E2BIG, "more than %d members", IMAGE_SOURCE_MEMBERS_MAX);
        if (src->n == src->cap) {
                size_t cap = src->cap ? 2 * src->cap : 32;
                struct source_member *m = realloc(src->members, cap * sizeof(*m));
                if (m == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
                src->members = m;
                src->cap = cap;
        }
        struct source_member *m = &src->members[src->n];
        if ((m->name = strdup(name)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        m->ordinal = ordinal;
        m->fd = fd;
        m->fd_path[0] = '\0';
        src->n++;
        return 0;
}

static struct source_member *find(struct image_source *src, const char *name)
{
        for (size_t i = 0; i < src->n; i++)
                if (strcmp(src->members[i].name, name) == 0)
                        return &src->members[i];
        return NULL;
}

/* One pass over the tar's headers: its regular files' clean names. */
static int index_tar(struct image_source *src, struct eg_error *err)
{
        struct archive *a = layer_archive_new(err);
        struct archive_entry *e;
        char clean[PATH_MAX];
        int r = -1;

        if (a == NULL)
                return -1;
        if (archive_read_open_filename(a, src->path, 64 * 1024) != ARCHIVE_OK) {
                int e_ = archive_errno(a);
                eg_error_set(err, e_ > 0 ? e_ : EIO, "%s", layer_archive_error(a));
                goto out;
        }
        for (long long i = 0;; i++) {
                int h = archive_read_next_header(a, &e);
                const char *name;
                if (h == ARCHIVE_EOF)
                        break;
                if (h != ARCHIVE_OK && h != ARCHIVE_WARN) {
                        eg_error_set(err, EIO, "after member %lld: %s", i, layer_archive_error(a));
                        goto out;
                }
                name = archive_entry_pathname(e);
                if (name == NULL || layer_name_clean(name, clean, sizeof(clean), err) < 0) {
                        if (name == NULL)
                                eg_error_set(err, EILSEQ, "an unreadable name");
                        eg_error_prefix(err, "member %lld \"%.200s\"", i, name ? name : "?");
                        goto out;
                }
                if (archive_entry_filetype(e) == AE_IFREG && add_member(src, clean, i, -1, err) < 0)
                        goto out;
        }
        r = 0;
out:
        archive_read_free(a);
        return r;
}

struct image_source *image_source_open(const char *path, struct eg_error *err)
{
        struct image_source *src = calloc(1, sizeof(*src));
        struct stat st;

        if (src == NULL || (src->path = strdup(path)) == NULL) {
                free(src);
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        src->dir_fd = -1;
        if (stat(path, &st) < 0) {
                eg_error_set_errno(err, errno, "%s", path);
                image_source_free(src);
                return NULL;
        }
        if (S_ISDIR(st.st_mode)) {
                src->dir_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (src->dir_fd < 0) {
                        eg_error_set_errno(err, errno, "%s", path);
                        image_source_free(src);
                        return NULL;
                }
                return src;
        }
        if (!S_ISREG(st.st_mode)) {
                eg_error_set(err, EINVAL, "%s: neither a directory nor a file", path);
                image_source_free(src);
                return NULL;
        }
        if (index_tar(src, err) < 0) {
                eg_error_prefix(err, "%s", path);
                image_source_free(src);
                return NULL;
        }
        return src;
}

bool image_source_is_dir(const struct image_source *src)
{
        return src->dir_fd >= 0;
}

/* A directory source's member, confined to the directory (symlinks in
 * the layout resolve inside it): a readable fd, or -1 with err. */
static int open_in_dir(struct image_source *src, const char *member, struct eg_error *err)
{
        cleanup_close int pfd = -1;
        char clean[PATH_MAX];

        if (layer_name_clean(member, clean, sizeof(clean), err) < 0)
                return eg_error_prefix(err, "%s: %s", src->path, member);
        pfd = rootfs_open(src->dir_fd, clean, ROOTFS_AUTO, err);
        if (pfd < 0)
                return eg_error_prefix(err, "%s: %s", src->path, member);
        int fd = rootfs_reopen_regular(pfd, err);
        if (fd < 0)
                return eg_error_prefix(err, "%s: %s", src->path, member);
        return fd;
}

bool image_source_has(struct image_source *src, const char *member)
{
        struct eg_error err;

        if (src->dir_fd >= 0) {
                int fd = open_in_dir(src, member, &err);
                if (fd >= 0)
                        close(fd);
                return fd >= 0;
        }
        return find(src, member) != NULL;
}

static int read_all_fd(int fd, size_t max, char **buf, size_t *len, struct eg_error *err)
{
        struct stat st;
        cleanup_free char *b = NULL;
        size_t n = 0;

        if (fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "fstat");
        if ((uint64_t)st.st_size > max)
                return eg_error_set(err, EFBIG, "%lld bytes, more than %zu", (long long)st.st_size,
                                    max);
        if ((b = malloc((size_t)st.st_size + 1)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        while (n < (size_t)st.st_size) {
                ssize_t r = pread(fd, b + n, (size_t)st.st_size - n, (off_t)n);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return eg_error_set_errno(err, errno, "reading");
                if (r == 0)
                        break;
                n += (size_t)r;
        }
        b[n] = '\0';
        *len = n;
        *buf = steal_pointer(&b);
        return 0;
}

int image_source_read(struct image_source *src, const char *member, size_t max_bytes, char **buf,
                      size_t *len, struct eg_error *err)
{
        struct layer_blob blob = {.path = src->path, .member = member};
        struct source_member *m;
        struct archive *a = NULL;
        cleanup_free char *b = NULL;
        size_t n = 0;

        if (src->dir_fd >= 0) {
                cleanup_close int fd = open_in_dir(src, member, err);
                if (fd < 0)
                        return -1;
                if (read_all_fd(fd, max_bytes, buf, len, err) < 0)
                        return eg_error_prefix(err, "%s: %s", src->path, member);
                return 0;
        }
        if ((m = find(src, member)) == NULL)
                return eg_error_set(err, ENOENT, "%s: no member %s", src->path, member);
        blob.member_ordinal = m->ordinal;
        if (layer_member_open(&a, &blob, err) < 0)
                goto fail;
        {
                /* max_bytes + 1 at most, whatever the header declares */
                b = malloc(max_bytes + 1);
                if (b == NULL) {
                        eg_error_set(err, ENOMEM, "out of memory");
                        goto fail;
                }
                for (;;) {
                        la_ssize_t r = archive_read_data(a, b + n, max_bytes + 1 - n);
                        if (r < 0) {
                                eg_error_set(err, EIO, "%s: %s: %s", src->path, member,
                                             layer_archive_error(a));
                                goto fail;
                        }
                        if (r == 0)
                                break;
                        n += (size_t)r;
                        if (n > max_bytes) {
                                eg_error_set(err, EFBIG, "%s: %s: more than %zu bytes", src->path,
                                             member, max_bytes);
                                goto fail;
                        }
                }
        }
        archive_read_free(a);
        b[n] = '\0';
        *len = n;
        *buf = steal_pointer(&b);
        return 0;
fail:
        if (a)
                archive_read_free(a);
        return -1;
}

int image_source_layer(struct image_source *src, const char *member, struct layer_blob *out,
                       struct eg_error *err)
{
        struct source_member *m = find(src, member);

        if (src->dir_fd >= 0 && m == NULL) {
                int fd = open_in_dir(src, member, err);
                if (fd < 0)
                        return -1;
                if (add_member(src, member, -1, fd, err) < 0) {
                        close(fd);
                        return -1;
                }
                m = &src->members[src->n - 1];
                snprintf(m->fd_path, sizeof(m->fd_path), "/proc/self/fd/%d", fd);
        }
        if (m == NULL)
                return eg_error_set(err, ENOENT, "%s: no member %s", src->path, member);
        if (src->dir_fd >= 0)
                *out = (struct layer_blob){.path = m->fd_path, .member_ordinal = -1};
        else
                *out = (struct layer_blob){
                        .path = src->path, .member = m->name, .member_ordinal = m->ordinal};
        return 0;
}

void image_source_free(struct image_source *src)
{
        if (src == NULL)
                return;
        for (size_t i = 0; i < src->n; i++) {
                free(src->members[i].name);
                if (src->members[i].fd >= 0)
                        close(src->members[i].fd);
        }
        free(src->members);
        if (src->dir_fd >= 0)
                close(src->dir_fd);
        free(src->path);
        free(src);
}
