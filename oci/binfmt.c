#include "binfmt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "small_file.h"
#include "str.h"

#define BINFMTFS_MAGIC 0x42494e4d
#define ENTRY_TEXT_MAX 4096

static void cleanup_closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}
#define cleanup_dir __attribute__((cleanup(cleanup_closedirp)))

static int hex_bytes(const char *hex, unsigned char *out, size_t max, size_t *len)
{
        size_t n = strlen(hex);

        if (n % 2 != 0 || n / 2 > max)
                return -1;
        for (size_t i = 0; i < n / 2; i++) {
                unsigned v;
                if (sscanf(hex + 2 * i, "%2x", &v) != 1)
                        return -1;
                out[i] = (unsigned char)v;
        }
        *len = n / 2;
        return 0;
}

int binfmt_parse_entry(const char *name, const char *text, struct binfmt_entry *out,
                       struct eg_error *err)
{
        char line[512];
        size_t mask_len = 0;
        bool has_mask = false;

        memset(out, 0, sizeof(*out));
        str_copy(out->name, sizeof(out->name), name);
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");
                snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1),
                         p);
                p += n + (p[n] == '\n');

                if (strcmp(line, "enabled") == 0)
                        out->enabled = true;
                else if (strncmp(line, "interpreter ", 12) == 0)
                        str_copy(out->interpreter, sizeof(out->interpreter), line + 12);
                else if (strncmp(line, "flags: ", 7) == 0 || strcmp(line, "flags:") == 0) {
                        str_copy(out->flags, sizeof(out->flags), line[6] ? line + 7 : "");
                        out->fix_binary = strchr(out->flags, 'F') != NULL;
                } else if (strncmp(line, "offset ", 7) == 0)
                        out->offset = (unsigned)strtoul(line + 7, NULL, 10);
                else if (strncmp(line, "magic ", 6) == 0) {
                        if (hex_bytes(line + 6, out->magic, sizeof(out->magic), &out->magic_len) <
                            0)
                                return eg_error_set(err, 0, "binfmt_misc entry %s: bad magic",
                                                    name);
                } else if (strncmp(line, "mask ", 5) == 0) {
                        if (hex_bytes(line + 5, out->mask, sizeof(out->mask), &mask_len) < 0)
                                return eg_error_set(err, 0, "binfmt_misc entry %s: bad mask", name);
                        has_mask = true;
                } else if (strncmp(line, "extension .", 11) == 0) {
                        out->by_extension = true;
                        str_copy(out->extension, sizeof(out->extension), line + 11);
                }
        }
        if (!out->by_extension && out->magic_len == 0)
                return eg_error_set(err, 0, "binfmt_misc entry %s: neither magic nor extension",
                                    name);
        if (has_mask && mask_len != out->magic_len)
                return eg_error_set(err, 0, "binfmt_misc entry %s: mask and magic differ in length",
                                    name);
        if (!has_mask)
                memset(out->mask, 0xff, out->magic_len);
        return 0;
}

static bool is_unmounted_automount(const char *dir)
{
        struct statx stx;

        return statx(AT_FDCWD, dir, AT_NO_AUTOMOUNT, STATX_TYPE, &stx) == 0 &&
               (stx.stx_attributes_mask & STATX_ATTR_AUTOMOUNT) &&
               (stx.stx_attributes & STATX_ATTR_AUTOMOUNT);
}

static int by_name(const void *a, const void *b)
{
        return strcmp(((const struct binfmt_entry *)a)->name,
                      ((const struct binfmt_entry *)b)->name);
}

void binfmt_table_reset(struct binfmt_table *t)
{
        memset(t, 0, offsetof(struct binfmt_table, entries));
}

int binfmt_read(const char *dir, bool must_be_binfmt_fs, struct binfmt_table *out,
                struct eg_error *err)
{
        cleanup_dir DIR *d = NULL;
        struct statfs sfs;
        struct dirent *de;
        char text[ENTRY_TEXT_MAX];
        int fd;

        binfmt_table_reset(out);
        if (is_unmounted_automount(dir)) {
                snprintf(out->note, sizeof(out->note), "%s is an automount point not yet mounted",
                         dir);
                return 0;
        }
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                snprintf(out->note, sizeof(out->note), "%s: %s", dir, strerror(errno));
                return 0;
        }
        if (must_be_binfmt_fs && (fstatfs(fd, &sfs) < 0 || sfs.f_type != BINFMTFS_MAGIC)) {
                close(fd);
                snprintf(out->note, sizeof(out->note), "binfmt_misc is not mounted on %s", dir);
                return 0;
        }
        d = fdopendir(fd);
        if (d == NULL) {
                close(fd);
                return eg_error_set_errno(err, errno, "%s", dir);
        }
        out->mounted = true;
        out->enabled = small_file_read(dirfd(d), "status", text, sizeof(text)) > 0 &&
                       strncmp(text, "enabled", 7) == 0;
        while ((de = readdir(d)) != NULL) {
                if (de->d_name[0] == '.' || strcmp(de->d_name, "status") == 0 ||
                    strcmp(de->d_name, "register") == 0)
                        continue;
                if (out->n == BINFMT_ENTRIES_MAX) {
                        snprintf(out->note, sizeof(out->note),
                                 "more than %d entries: the rest ignored", BINFMT_ENTRIES_MAX);
                        break;
                }
                if (small_file_read(dirfd(d), de->d_name, text, sizeof(text)) < 0 ||
                    binfmt_parse_entry(de->d_name, text, &out->entries[out->n], err) < 0)
                        continue; /* vanished or malformed: not one the kernel would use */
                out->n++;
        }
        /* readdir order is arbitrary: sort by name so reports are stable */
        qsort(out->entries, out->n, sizeof(out->entries[0]), by_name);
        return 0;
}

static bool magic_matches(const struct binfmt_entry *e, const unsigned char *head)
{
        if ((size_t)e->offset + e->magic_len > BINFMT_BUF_SIZE)
                return false;
        for (size_t j = 0; j < e->magic_len; j++)
                if ((head[e->offset + j] ^ e->magic[j]) & e->mask[j])
                        return false;
        return true;
}

const struct binfmt_entry *binfmt_match(const struct binfmt_table *t,
                                        const unsigned char head[BINFMT_BUF_SIZE], const char *path)
{
        const char *dot = path ? strrchr(path, '.') : NULL;

        if (!t->mounted || !t->enabled)
                return NULL;
        for (size_t i = 0; i < t->n; i++) {
                const struct binfmt_entry *e = &t->entries[i];
                if (!e->enabled)
                        continue;
                if (e->by_extension ? (dot && strcmp(dot + 1, e->extension) == 0)
                                    : magic_matches(e, head))
                        return e;
        }
        return NULL;
}
