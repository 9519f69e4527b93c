/* What will actually execute: process.args[0] found in the rootfs the way
 * runc's init finds it (Go's exec.LookPath with the spec's PATH and cwd),
 * followed through #! interpreters as the kernel does, and identified from
 * its header.  This is the ground truth; image metadata can lie. */
#ifndef EDGEGUARD_EXE_H
#define EDGEGUARD_EXE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "elf.h"
#include "error.h"
#include "pe.h"
#include "platform.h"
#include "rootfs.h"
#include "view.h"

#define EXE_HEAD_MAX         256 /* BINPRM_BUF_SIZE: all the kernel and binfmt_misc look at */
#define EXE_INTERPRETERS_MAX 5   /* exec_binprm() fails with ELOOP past this many rewrites */
#define EXE_PATH_DIRS_MAX    256 /* $PATH directories searched: a bound on a hostile PATH */

/* The program loader or script interpreter the kernel opens on the way,
 * when it would make the exec fail although the file itself is fine. */
enum exe_interp {
        EXE_INTERP_NONE,    /* static ELF, PE, or nothing to load on the way */
        EXE_INTERP_OK,      /* PT_INTERP: a regular ELF file for the same machine */
        EXE_INTERP_MISSING, /* PT_INTERP or a #! interpreter absent: execve fails ENOENT */
        EXE_INTERP_BAD,     /* PT_INTERP not ELF, or for another machine: ELIBBAD
                             * ("accessing a corrupted shared library"), or
                             * not executable: EACCES (load_elf_binary) */
};

enum exe_kind {
        EXE_UNIDENTIFIED, /* not found, not a regular file, unknown format: see reason */
        EXE_ELF,
        EXE_PE,
};

struct exe_query {
        int root_fd;          /* the rootfs directory */
        const char *arg0;     /* process.args[0] */
        const char *path_env; /* PATH from process.env; NULL when unset */
        const char *cwd;      /* process.cwd; NULL means "/" */
        enum rootfs_resolver resolver;
        bool windows; /* Windows paths mapped into the rootfs: no execute bits there */
        /* The container's view (mounts, masks, user) every path is looked
         * up in; NULL: the image at root_fd alone, as root.  resolver is
         * then unused: the view walks component by component on any kernel. */
        struct view *view;
};

struct exe_facts {
        enum exe_kind kind;
        struct platform platform; /* arch empty when not known */
        char reason[320];         /* why unidentified, or what would stop it from running */
        size_t n_scripts;         /* #! scripts on the way to file, args[0]'s first */
        bool relative_path_hit;   /* found through a relative $PATH entry (Go's ErrDot) */
        bool view_unknown;        /* the search met a place the view does not model */
        size_t layer;             /* where file came from: 0 the image, i + 1 view layers[i] */
        struct elf_info elf;
        struct pe_info pe;
        bool interp_found; /* ELF: PT_INTERP names a regular file in the rootfs */
        bool not_found;    /* the program itself is not in the image (or not executable) */
        bool crlf;         /* a #! line on the way ends in "\r\n" (Windows line endings) */
        enum exe_interp interp;
        char interp_path[ELF_INTERP_MAX]; /* the loader or #! interpreter interp is about */
        char interp_problem[256];         /* what is wrong with it, when MISSING or BAD */
        struct elf_info interp_elf;       /* PT_INTERP's own header, when it is ELF */
        /* a #! line's words after the interpreter: [arg,] script; the
         * interpreter gets them first (fs/binfmt_script.c) */
        char script_arg[EXE_HEAD_MAX];
        bool has_script_arg;
        unsigned char head[EXE_HEAD_MAX]; /* the first bytes of file, for binfmt_misc */
        size_t head_len;
        /* The path buffers come last and are reset as empty strings, not
         * zeroed (28 KB on every container start); scripts[0..n_scripts). */
        char file[PATH_MAX];     /* container path of the binary the kernel loads */
        char resolved[PATH_MAX]; /* the same after symlinks, "" when unknown */
        char scripts[EXE_INTERPRETERS_MAX][PATH_MAX];
};

/* No file, nothing identified. */
void exe_facts_reset(struct exe_facts *out);

/* Fills out.  Cannot fail: everything the rootfs can do wrong (a missing
 * file, a FIFO, a loop, a bogus header) is a fact, told in out->reason. */
void exe_identify(const struct exe_query *q, struct exe_facts *out);

const char *exe_kind_name(enum exe_kind kind);

#endif
