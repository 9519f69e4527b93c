#include "exe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "path.h"
#include "shebang.h"
#include "str.h"

#define reason(out, ...) str_printf_first((out)->reason, sizeof((out)->reason), __VA_ARGS__)

static const char *file_type_name(mode_t mode)
{
        switch (mode & S_IFMT) {
        case S_IFIFO:
                return "a FIFO";
        case S_IFCHR:
                return "a character device";
        case S_IFBLK:
                return "a block device";
        case S_IFSOCK:
                return "a socket";
        case S_IFDIR:
                return "a directory";
        }
        return "not a regular file";
}

/* Looks path up in the container's view from process.cwd (runc's init has
 * made it and changed into it): an O_PATH fd, or -1 with err.  A directory
 * without an fd (an empty tmpfs) is EISDIR. */
static int lookup(const struct exe_query *q, const char *path, char *resolved, size_t size,
                  struct exe_facts *out, struct eg_error *err)
{
        struct view_node *n = malloc(sizeof(*n));
        int fd;

        if (n == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        if (view_lookup(q->view, q->cwd, path, n, err) < 0) {
                free(n);
                return -1;
        }
        fd = n->fd;
        if (fd < 0 && n->kind == VIEW_NULL) /* a masked file: /dev/null is there */
                fd = open("/dev/null", O_PATH | O_CLOEXEC);
        if (fd < 0) {
                eg_error_set(err, EISDIR, "%s: a directory", n->path);
        } else {
                if (resolved)
                        snprintf(resolved, size, "%s", n->path);
                if (out)
                        out->layer = n->layer;
        }
        free(n);
        return fd;
}

/* Go 1.19's findExecutable: stat (following symlinks, as the container's
 * user: search permission on every directory), not a directory, some
 * execute bit.  runc 1.1.5 then checks Eaccess(X_OK) on what LookPath
 * chose and fails the create: the search does not go on past a file that
 * only lacks permission.  Returns an O_PATH fd, or -1 with err. */
static int find_executable(const struct exe_query *q, const char *path, struct exe_facts *out,
                           struct eg_error *err)
{
        cleanup_close int fd = -1;
        struct stat st;

        fd = lookup(q, path, out->resolved, sizeof(out->resolved), out, err);
        if (fd < 0)
                return -1;
        if (fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "%s", path);
        if (S_ISDIR(st.st_mode))
                return eg_error_set(err, EISDIR, "%s: a directory", path);
        if (!(st.st_mode & 0111) && !q->windows)
                return eg_error_set(err, EACCES, "%s: not executable", path);
        return steal_fd(&fd);
}

static int unknown_in_view(struct exe_facts *out, const char *arg0, const struct eg_error *err)
{
        out->view_unknown = true;
        out->resolved[0] = '\0';
        reason(out, "looking up \"%s\": %s", arg0, err->msg);
        return -1;
}

/* exec.LookPath(args[0]) as runc's init calls it (Go 1.19): a name with a
 * slash is taken as it is; otherwise each $PATH entry ("" is ".") is
 * filepath.Join-ed with it, which cleans it lexically before anything is
 * opened ("/nonexistent/../foreign" is "/foreign"), and every candidate
 * counts, also one that only a mount supplies. */
static int look_path(const struct exe_query *q, struct exe_facts *out)
{
        const char *arg0 = q->arg0, *dirs = q->path_env;
        struct eg_error err;
        int fd, searched = 0;

        if (strchr(arg0, '/')) {
                snprintf(out->file, sizeof(out->file), "%s", arg0);
                fd = find_executable(q, arg0, out, &err);
                if (fd < 0 && err.errnum == VIEW_UNKNOWN)
                        return unknown_in_view(out, arg0, &err);
                out->not_found = fd < 0;
                if (fd < 0)
                        reason(out, "\"%s\": %s in the container", arg0,
                               err.errnum == EACCES ? "not executable" : strerror(err.errnum));
                return fd;
        }
        if (dirs == NULL || dirs[0] == '\0') {
                reason(out, "\"%s\" is not a path and process.env sets no PATH to search", arg0);
                return -1;
        }
        for (const char *d = dirs;; d++) {
                size_t len = strcspn(d, ":");
                char joined[PATH_MAX], cand[PATH_MAX];

                if (searched++ == EXE_PATH_DIRS_MAX) {
                        reason(out,
                               "\"%s\" is not in the first %d directories of the image's $PATH, "
                               "and edgeguard searches no more",
                               arg0, EXE_PATH_DIRS_MAX);
                        return -1;
                }
                int n = len == 0 ? snprintf(joined, sizeof(joined), "./%s", arg0)
                                 : snprintf(joined, sizeof(joined), "%.*s/%s", (int)len, d, arg0);

                if (n > 0 && (size_t)n < sizeof(joined) &&
                    path_clean(joined, cand, sizeof(cand), &err) == 0) {
                        fd = find_executable(q, cand, out, &err);
                        if (fd >= 0) {
                                snprintf(out->file, sizeof(out->file), "%s", cand);
                                out->relative_path_hit = cand[0] != '/';
                                return fd;
                        }
                        if (err.errnum == VIEW_UNKNOWN)
                                return unknown_in_view(out, arg0, &err);
                }
                d += len;
                if (*d == '\0')
                        break;
        }
        out->resolved[0] = '\0';
        reason(out, "\"%s\" is not in the container's $PATH (%s)", arg0, dirs);
        out->not_found = true;
        return -1;
}

/* load_elf_binary() on PT_INTERP: open_exec() (a missing file is ENOENT,
 * one without execute permission EACCES), then the interpreter must be ELF
 * for the machine the executable is for, else ELIBBAD. */
static void check_elf_interpreter(const struct exe_query *q, struct exe_facts *out)
{
        unsigned char head[EXE_HEAD_MAX];
        struct eg_error err;
        struct stat st;
        cleanup_close int pfd = -1, fd = -1;
        const struct elf_info *e = &out->elf, *i = &out->interp_elf;
        ssize_t n;

        str_copy(out->interp_path, sizeof(out->interp_path), e->interp);
        /* the kernel opens it as the process: the same view, the same user */
        pfd = lookup(q, e->interp, NULL, 0, NULL, &err);
        if (pfd < 0 && err.errnum == VIEW_UNKNOWN) {
                out->view_unknown = true;
                snprintf(out->interp_problem, sizeof(out->interp_problem), "%.200s", err.msg);
                reason(out, "%s: its ELF interpreter %s: %s", out->file, e->interp, err.msg);
                return;
        }
        if (pfd < 0 || fstat(pfd, &st) < 0) {
                out->interp = EXE_INTERP_MISSING;
                snprintf(out->interp_problem, sizeof(out->interp_problem), "is not in the image");
                return;
        }
        out->interp_found = S_ISREG(st.st_mode);
        out->interp = EXE_INTERP_BAD;
        if (!out->interp_found) {
                snprintf(out->interp_problem, sizeof(out->interp_problem), "is %s",
                         file_type_name(st.st_mode));
                return;
        }
        if (!(st.st_mode & 0111)) {
                snprintf(out->interp_problem, sizeof(out->interp_problem),
                         "is not executable (mode %04o): the kernel fails with \"permission "
                         "denied\"",
                         (unsigned)st.st_mode & 07777);
                return;
        }
        if ((fd = rootfs_reopen_regular(pfd, &err)) < 0) {
                snprintf(out->interp_problem, sizeof(out->interp_problem), "%.180s", err.msg);
                return;
        }
        do
                n = pread(fd, head, sizeof(head), 0);
        while (n < 0 && errno == EINTR);
        if (n <= 0 || !elf_is(head, (size_t)n)) {
                snprintf(out->interp_problem, sizeof(out->interp_problem),
                         "is not an ELF file: the kernel fails with \"accessing a corrupted "
                         "shared library\"");
                return;
        }
        elf_identify(fd, st.st_size, head, (size_t)n, &out->interp_elf);
        if (i->machine != e->machine || i->bits != e->bits || i->big_endian != e->big_endian) {
                char p[3 * PLATFORM_NAME_MAX];
                platform_format(&i->platform, p, sizeof(p));
                snprintf(out->interp_problem, sizeof(out->interp_problem),
                         "is built for %.60s (ELF machine %u, %d-bit), not for the executable's "
                         "machine: the kernel fails with \"accessing a corrupted shared library\"",
                         i->platform.arch[0] ? p : "another machine", (unsigned)i->machine,
                         i->bits);
                return;
        }
        out->interp = EXE_INTERP_OK;
        elf_interp_level(fd, &out->elf); /* the loader's own x86-64 level counts too */
        out->platform = out->elf.platform;
}

static void identify_elf(const struct exe_query *q, int fd, off_t size, struct exe_facts *out)
{
        out->kind = EXE_ELF;
        elf_identify(fd, size, out->head, out->head_len, &out->elf);
        out->platform = out->elf.platform;
        if (out->elf.problem[0])
                reason(out, "%s: %s", out->file, out->elf.problem);
        if (out->elf.interp[0] == '\0')
                return;
        check_elf_interpreter(q, out);
        if (out->interp != EXE_INTERP_OK)
                reason(out, "%s: its ELF interpreter %s %s", out->file, out->elf.interp,
                       out->interp_problem);
}

/* Identifies the file behind path_fd; on a #! script, returns the O_PATH fd
 * of its interpreter to go on with (or -1: done). */
static int identify_one(const struct exe_query *q, int path_fd, struct exe_facts *out)
{
        struct eg_error err;
        struct stat st;
        cleanup_close int fd = -1;
        ssize_t n;

        if (fstat(path_fd, &st) < 0) {
                reason(out, "%s: %s", out->file, strerror(errno));
                return -1;
        }
        if (!S_ISREG(st.st_mode)) {
                reason(out, "%s is %s", out->file, file_type_name(st.st_mode));
                return -1;
        }
        fd = rootfs_reopen_regular(path_fd, &err);
        if (fd < 0) {
                reason(out, "%s: %s", out->file, err.msg);
                return -1;
        }
        do
                n = pread(fd, out->head, sizeof(out->head), 0);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
                reason(out, "%s: reading: %s", out->file, strerror(errno));
                return -1;
        }
        out->head_len = (size_t)n;
        if (n == 0) {
                reason(out, "%s is empty", out->file);
                return -1;
        }
        if (elf_is(out->head, out->head_len)) {
                identify_elf(q, fd, st.st_size, out);
                return -1;
        }
        if (pe_is(out->head, out->head_len)) {
                out->kind = EXE_PE;
                pe_identify(fd, st.st_size, out->head, out->head_len, &out->pe);
                out->platform = out->pe.platform;
                if (out->pe.problem[0])
                        reason(out, "%s: %s", out->file, out->pe.problem);
                return -1;
        }
        if (shebang_is(out->head, out->head_len))
                return -2;
        reason(out,
               "%s is not ELF, PE or a #! script (the kernel runs it only if binfmt_misc "
               "knows its format)",
               out->file);
        return -1;
}

static int follow_script(const struct exe_query *q, struct exe_facts *out)
{
        struct shebang sb;
        struct eg_error err;
        int fd;

        if (out->n_scripts == EXE_INTERPRETERS_MAX) {
                reason(out,
                       "#! scripts nested deeper than %d levels at %s (the kernel fails with "
                       "ELOOP)",
                       EXE_INTERPRETERS_MAX, out->file);
                return -1;
        }
        snprintf(out->scripts[out->n_scripts++], PATH_MAX, "%s", out->file);
        if (shebang_parse(out->head, out->head_len, &sb) < 0) {
                reason(out, "%s: a #! line without an interpreter the kernel accepts", out->file);
                return -1;
        }
        out->crlf = out->crlf || sb.crlf;
        out->has_script_arg = sb.has_arg;
        str_copy(out->script_arg, sizeof(out->script_arg), sb.arg);
        memset(out->head, 0, sizeof(out->head));
        out->head_len = 0;
        out->resolved[0] = '\0';
        /* "#!\0": the kernel takes the empty name, and open_exec("") fails;
         * otherwise it opens it as the process, from its cwd: the same view */
        fd = sb.interp[0] ? lookup(q, sb.interp, out->resolved, sizeof(out->resolved), out, &err)
                          : -1;
        if (sb.interp[0] == '\0')
                err.errnum = ENOENT;
        if (fd < 0 && err.errnum == VIEW_UNKNOWN) {
                out->view_unknown = true;
                reason(out, "%s is a #! script whose interpreter %s: %s", out->file, sb.interp,
                       err.msg);
                snprintf(out->file, sizeof(out->file), "%s", sb.interp);
                return -1;
        }
        if (fd < 0) {
                out->interp = EXE_INTERP_MISSING;
                str_copy(out->interp_path, sizeof(out->interp_path), sb.interp);
                if (sb.crlf && !sb.has_arg)
                        snprintf(out->interp_problem, sizeof(out->interp_problem),
                                 "is not in the image: the script has Windows (CRLF) line "
                                 "endings, so its #! line names the interpreter with a "
                                 "carriage return at the end (convert it to Unix line "
                                 "endings, e.g. with dos2unix)");
                else
                        snprintf(out->interp_problem, sizeof(out->interp_problem),
                                 "is not in the image (%s)", strerror(err.errnum));
                reason(out, "%s is a #! script whose interpreter %s %s", out->file, sb.interp,
                       out->interp_problem);
                snprintf(out->file, sizeof(out->file), "%s", sb.interp);
                return -1;
        }
        snprintf(out->file, sizeof(out->file), "%s", sb.interp);
        return fd;
}

void exe_facts_reset(struct exe_facts *out)
{
        _Static_assert(offsetof(struct exe_facts, scripts) + sizeof(out->scripts) ==
                               sizeof(struct exe_facts),
                       "the path buffers are exe_facts' last members");
        memset(out, 0, offsetof(struct exe_facts, file));
        out->file[0] = '\0';
        out->resolved[0] = '\0';
}

void exe_identify(const struct exe_query *query, struct exe_facts *out)
{
        struct exe_query with_view = *query;
        const struct exe_query *q = &with_view;
        struct view image;
        int fd;

        if (query->view == NULL) {
                view_init_image(&image, query->root_fd);
                with_view.view = &image;
        }
        exe_facts_reset(out);
        if (q->arg0 == NULL || q->arg0[0] == '\0') {
                reason(out, "process.args is empty: nothing to run");
                return;
        }
        fd = look_path(q, out);
        while (fd >= 0) {
                int next = identify_one(q, fd, out);
                close(fd);
                fd = next == -2 ? follow_script(q, out) : -1;
        }
}

const char *exe_kind_name(enum exe_kind kind)
{
        switch (kind) {
        case EXE_ELF:
                return "ELF";
        case EXE_PE:
                return "PE";
        case EXE_UNIDENTIFIED:
                break;
        }
        return "unidentified";
}
