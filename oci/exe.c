#include "exe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
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

/* A container path as the process will name it: relative ones are taken
 * from cwd, by concatenation (the kernel resolves ".." physically). */
static int in_cwd(const struct exe_query *q, const char *path, char *out, size_t size)
{
        const char *cwd = q->cwd && q->cwd[0] ? q->cwd : "/";
        int n = path[0] == '/' ? snprintf(out, size, "%s", path)
                               : snprintf(out, size, "%s%s%s", cwd,
                                          cwd[strlen(cwd) - 1] == '/' ? "" : "/", path);
        return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Go's findExecutable: stat (following symlinks), not a directory, some
 * execute bit.  Returns an O_PATH fd, or -1 with errno. */
static int find_executable(const struct exe_query *q, const char *path, struct stat *st)
{
        char full[PATH_MAX];
        struct eg_error err;
        cleanup_close int fd = -1;

        if (in_cwd(q, path, full, sizeof(full)) < 0)
                return errno = ENAMETOOLONG, -1;
        fd = rootfs_open(q->root_fd, full, q->resolver, &err);
        if (fd < 0)
                return errno = err.errnum, -1;
        if (fstat(fd, st) < 0)
                return -1;
        if (S_ISDIR(st->st_mode))
                return errno = EISDIR, -1;
        if (!(st->st_mode & 0111) && !q->windows)
                return errno = EACCES, -1;
        return steal_fd(&fd);
}

/* exec.LookPath(args[0]) as runc's init calls it, inside the rootfs. */
static int look_path(const struct exe_query *q, struct exe_facts *out)
{
        const char *arg0 = q->arg0, *dirs = q->path_env;
        struct stat st;
        int fd, searched = 0;

        if (strchr(arg0, '/')) {
                snprintf(out->file, sizeof(out->file), "%s", arg0);
                fd = find_executable(q, arg0, &st);
                out->not_found = fd < 0;
                if (fd < 0)
                        reason(out, "\"%s\": %s in the image", arg0,
                               errno == EACCES ? "not executable" : strerror(errno));
                return fd;
        }
        if (dirs == NULL || dirs[0] == '\0') {
                reason(out, "\"%s\" is not a path and process.env sets no PATH to search", arg0);
                return -1;
        }
        for (const char *d = dirs;; d++) {
                size_t len = strcspn(d, ":");
                char cand[PATH_MAX];

                if (searched++ == EXE_PATH_DIRS_MAX) {
                        reason(out,
                               "\"%s\" is not in the first %d directories of the image's $PATH, "
                               "and edgeguard searches no more",
                               arg0, EXE_PATH_DIRS_MAX);
                        return -1;
                }
                int n = len == 0 ? snprintf(cand, sizeof(cand), "%s", arg0)
                                 : snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, d, arg0);

                if (n > 0 && (size_t)n < sizeof(cand)) {
                        fd = find_executable(q, cand, &st);
                        if (fd >= 0) {
                                snprintf(out->file, sizeof(out->file), "%s", cand);
                                out->relative_path_hit = cand[0] != '/';
                                return fd;
                        }
                }
                d += len;
                if (*d == '\0')
                        break;
        }
        reason(out, "\"%s\" is not in the image's $PATH (%s)", arg0, dirs);
        out->not_found = true;
        return -1;
}

/* The rootfs-relative path an fd ended up at, through /proc/self/fd. */
static void resolved_path(int root_fd, int fd, char *out, size_t size)
{
        char link[64], root[PATH_MAX], file[PATH_MAX];
        ssize_t rn, fn;
        size_t rlen;

        out[0] = '\0';
        snprintf(link, sizeof(link), "/proc/self/fd/%d", root_fd);
        rn = readlink(link, root, sizeof(root) - 1);
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        fn = readlink(link, file, sizeof(file) - 1);
        if (rn <= 0 || fn <= 0)
                return;
        root[rn] = file[fn] = '\0';
        rlen = strcmp(root, "/") == 0 ? 0 : (size_t)rn;
        if (strncmp(file, root, rlen) == 0 && file[rlen] == '/')
                snprintf(out, size, "%s", file + rlen);
}

/* load_elf_binary() on PT_INTERP: open_exec() (a missing file is ENOENT,
 * one without execute permission EACCES), then the interpreter must be ELF
 * for the machine the executable is for, else ELIBBAD. */
static void check_elf_interpreter(const struct exe_query *q, struct exe_facts *out)
{
        char full[PATH_MAX];
        unsigned char head[EXE_HEAD_MAX];
        struct eg_error err;
        struct stat st;
        cleanup_close int pfd = -1, fd = -1;
        const struct elf_info *e = &out->elf, *i = &out->interp_elf;
        ssize_t n;

        str_copy(out->interp_path, sizeof(out->interp_path), e->interp);
        if (in_cwd(q, e->interp, full, sizeof(full)) < 0 ||
            (pfd = rootfs_open(q->root_fd, full, q->resolver, &err)) < 0 || fstat(pfd, &st) < 0) {
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
        resolved_path(q->root_fd, path_fd, out->resolved, sizeof(out->resolved));
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
        char full[PATH_MAX];
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
        if (in_cwd(q, sb.interp, full, sizeof(full)) < 0) {
                reason(out, "%s: #! interpreter path too long", out->file);
                return -1;
        }
        memset(out->head, 0, sizeof(out->head));
        out->head_len = 0;
        out->resolved[0] = '\0';
        /* "#!\0": the kernel takes the empty name, and open_exec("") fails */
        fd = sb.interp[0] ? rootfs_open(q->root_fd, full, q->resolver, &err) : -1;
        if (sb.interp[0] == '\0')
                err.errnum = ENOENT;
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

void exe_identify(const struct exe_query *q, struct exe_facts *out)
{
        int fd;

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
