/* binfmt_misc: which foreign formats the kernel hands to an emulator, and
 * whether that emulator is reachable from inside a container (the F flag:
 * the interpreter is opened when registered, not looked up at exec time in
 * the container's mount namespace, where it usually does not exist). */
#ifndef EDGEGUARD_BINFMT_H
#define EDGEGUARD_BINFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define BINFMT_ENTRIES_MAX 64
#define BINFMT_MAGIC_MAX   128 /* the kernel's limit */
#define BINFMT_BUF_SIZE    256 /* BINPRM_BUF_SIZE: magic must lie within it */

struct binfmt_entry {
        char name[64];
        bool enabled;
        char interpreter[256];
        char flags[8]; /* as the kernel lists them: some of P O C F */
        bool fix_binary;
        bool by_extension;
        char extension[64]; /* without the dot */
        unsigned offset;
        size_t magic_len;
        unsigned char magic[BINFMT_MAGIC_MAX], mask[BINFMT_MAGIC_MAX];
};

/* entries[0..n) are set; the rest is left uninitialised, because zeroing
 * 45 KB on every container start costs more than reading binfmt_misc. */
struct binfmt_table {
        bool mounted; /* binfmt_misc is mounted where we looked */
        bool enabled; /* its status file says enabled */
        size_t n;
        char note[160]; /* why the table is empty or partial */
        struct binfmt_entry entries[BINFMT_ENTRIES_MAX];
};

/* An empty table: not mounted, no note. */
void binfmt_table_reset(struct binfmt_table *t);

/* Parses one entry file's text as /proc/sys/fs/binfmt_misc/NAME shows it. */
int binfmt_parse_entry(const char *name, const char *text, struct binfmt_entry *out,
                       struct eg_error *err);

/* Reads the binfmt_misc directory `dir`.  An automount point that is not
 * mounted yet is reported, never triggered (systemd may be slow or gone).
 * With must_be_binfmt_fs, a directory that is not binfmt_misc itself (not
 * mounted) reads as empty; fake trees for tests pass false. */
int binfmt_read(const char *dir, bool must_be_binfmt_fs, struct binfmt_table *out,
                struct eg_error *err);

/* The enabled entry the kernel would use for a file whose first bytes are
 * head (BINFMT_BUF_SIZE, zero-padded past the file's end) and which is
 * executed under the name `path`; NULL when none.  The kernel tries the
 * newest registration first; a directory does not show that order, so
 * with several matches the first by name is returned. */
const struct binfmt_entry *binfmt_match(const struct binfmt_table *t,
                                        const unsigned char head[BINFMT_BUF_SIZE],
                                        const char *path);

#endif
