#include "facts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "busybox.h"
#include "cleanup.h"
#include "path.h"
#include "rootfs.h"
#include "str.h"
#include "wrapper.h"

static void declared_platform(struct bundle_facts *f)
{
        const char *os = spec_annotation(&f->spec, FACTS_ANNOTATION_OS);
        const char *arch = spec_annotation(&f->spec, FACTS_ANNOTATION_ARCH);
        const char *variant = spec_annotation(&f->spec, FACTS_ANNOTATION_VARIANT);
        const char *version = spec_annotation(&f->spec, FACTS_ANNOTATION_OS_VERSION);
        struct eg_error err;

        if (os == NULL && arch == NULL && variant == NULL && version == NULL)
                return;
        if (platform_set_declared(&f->declared, os, arch, variant, &err) < 0 ||
            platform_set_os_version(&f->declared, version, &err) < 0) {
                snprintf(f->declared_problem, sizeof(f->declared_problem),
                         "image annotations: %.130s", err.msg);
                return;
        }
        f->has_declared = true;
        str_copy(f->declared_source, sizeof(f->declared_source), "annotations");
}

void facts_declare(struct bundle_facts *f, const struct platform *p, const char *source,
                   const char *problem)
{
        if (f->has_declared || f->declared_problem[0])
                return;
        if (problem != NULL && problem[0]) {
                str_copy(f->declared_problem, sizeof(f->declared_problem), problem);
                return;
        }
        if (p == NULL)
                return;
        f->declared = *p;
        f->has_declared = true;
        str_copy(f->declared_source, sizeof(f->declared_source), source);
}

/* The spec mount a file the view found came from, for the record: the
 * view judged the file in it, from its source. */
static const struct spec_mount *mount_of(const struct bundle_facts *f, const struct view *v,
                                         size_t layer)
{
        size_t m;

        if (v == NULL || layer == 0 || layer > v->n_layers)
                return NULL;
        m = v->layers[layer - 1].mount;
        return m < f->spec.n_mounts ? &f->spec.mounts[m] : NULL;
}

/* The argv the last #! interpreter of prev gets from the kernel:
 * [interpreter, optional argument, script, args[1..]].  Only one level is
 * kept in the facts, so a script run by a script is not looked through. */
static int kernel_argv(const struct exe_facts *prev, const struct wrapper_argv *argv,
                       struct wrapper_argv *out)
{
        const char *script = prev->scripts[prev->n_scripts - 1];

        out->argc = out->store_used = 0;
        if (prev->n_scripts != 1 || wrapper_push(out, prev->file, strlen(prev->file)) < 0 ||
            (prev->has_script_arg &&
             wrapper_push(out, prev->script_arg, strlen(prev->script_arg)) < 0) ||
            wrapper_push(out, script, strlen(script)) < 0)
                return -1;
        for (size_t i = 1; i < argv->argc; i++)
                if (wrapper_push(out, argv->argv[i], strlen(argv->argv[i])) < 0)
                        break;
        return 0;
}

/* A #! line's `env PROG` that finds no PROG fails the script as surely as
 * a missing interpreter: it is the interpreter. */
static void shebang_env_missing(struct exe_facts *e, const char *prog, const char *script)
{
        size_t n = strlen(prog);

        e->interp = EXE_INTERP_MISSING;
        str_copy(e->interp_path, sizeof(e->interp_path), prog);
        str_copy(e->scripts[0], sizeof(e->scripts[0]), script);
        e->n_scripts = 1;
        if (n > 0 && prog[n - 1] == '\r')
                snprintf(e->interp_problem, sizeof(e->interp_problem),
                         "is not in the image's $PATH: the script has Windows (CRLF) line "
                         "endings, so env looks for the interpreter's name with a carriage "
                         "return at the end (convert it to Unix line endings, e.g. with "
                         "dos2unix)");
        else
                snprintf(e->interp_problem, sizeof(e->interp_problem),
                         "is not in the image's $PATH, where env in the #! line looks for it");
}

/* Whether the shell `sh` (a static ELF) runs `name` as its own applet:
 * Debian's busybox-static (oci/busybox.h).  Reads the whole binary, so
 * only for `sh -c NAME` through a static program. */
static bool sh_runs_applet(const struct exe_query *q0, const struct exe_facts *sh, const char *name)
{
        struct view image, *v = q0->view;
        struct eg_error err;
        cleanup_close int path_fd = -1, fd = -1;
        cleanup_free unsigned char *data = NULL;
        size_t len = 0;
        ssize_t n;

        if (sh->kind != EXE_ELF || sh->elf.interp[0] != '\0' || strchr(name, '/') != NULL)
                return false;
        if (v == NULL) {
                view_init_image(&image, q0->root_fd);
                v = &image;
        }
        if ((path_fd = view_open(v, sh->resolved[0] ? sh->resolved : sh->file, &err)) < 0 ||
            (fd = rootfs_reopen_regular(path_fd, &err)) < 0 ||
            (data = malloc(BUSYBOX_SIZE_MAX)) == NULL)
                return false;
        while (len < BUSYBOX_SIZE_MAX &&
               (n = pread(fd, data + len, BUSYBOX_SIZE_MAX - len, (off_t)len)) > 0)
                len += (size_t)n;
        return busybox_sh_runs_applet(data, len, name);
}

/* Walks from args[0] through the wrappers it is (oci/wrapper.h) to what
 * each executes, identifying each program with the PATH and directory the
 * wrapper leaves.  Bounded by FACTS_BEHIND_MAX. */
static void look_behind(struct bundle_facts *f, const struct exe_query *q0)
{
        struct wrapper_step steps[2];
        struct wrapper_argv first, from_kernel;
        const struct wrapper_argv *cur = &first;
        const struct exe_facts *prev = &f->exe;
        char path[4096], cwd[PATH_MAX];
        struct exe_query q = *q0;

        /* nothing runs behind a program that does not run: args[0] missing
         * from the image and from every mount is runc's own failure */
        if (f->exe.kind == EXE_UNIDENTIFIED && f->exe_mount == NULL)
                return;
        wrapper_argv_from(&first, (const char *const *)f->spec.args.items, f->spec.args.len);
        str_copy(path, sizeof(path), q0->path_env ? q0->path_env : "");
        str_copy(cwd, sizeof(cwd), q0->cwd && q0->cwd[0] ? q0->cwd : "/");
        for (size_t n = 0;; n++) {
                struct wrapper_step *st = &steps[n % 2];
                bool scripted = prev->n_scripts > 0;
                if (scripted && kernel_argv(prev, cur, &from_kernel) == 0)
                        cur = &from_kernel;
                else if (scripted)
                        return;
                wrapper_step(cur, st);
                if (st->outcome == WRAPPER_NONE)
                        return;
                if (st->outcome == WRAPPER_STOP) {
                        if (!(scripted && strcmp(st->wrapper, "sh") == 0))
                                str_copy(f->behind_note, sizeof(f->behind_note), st->note);
                        f->behind_unclear = st->unclear;
                        return;
                }
                if (strcmp(st->wrapper, "sh") == 0 && !scripted &&
                    sh_runs_applet(q0, prev, st->next.argv[0])) {
                        snprintf(f->behind_note, sizeof(f->behind_note),
                                 "%.60s (Debian's busybox-static) runs its applet %.40s "
                                 "itself, not a PATH file",
                                 prev->file, st->next.argv[0]);
                        return;
                }
                if (n == FACTS_BEHIND_MAX) {
                        snprintf(f->behind_note, sizeof(f->behind_note),
                                 "wrappers nested deeper than %d: not looked through further",
                                 FACTS_BEHIND_MAX);
                        f->behind_unclear = true;
                        return;
                }
                if (f->behind == NULL &&
                    (f->behind = malloc(FACTS_BEHIND_MAX * sizeof(*f->behind))) == NULL) {
                        snprintf(f->behind_note, sizeof(f->behind_note), "out of memory");
                        return;
                }
                if (st->path_set)
                        str_copy(path, sizeof(path), st->path ? st->path : "/bin:/usr/bin");
                if (st->chdir && st->chdir[0] == '/')
                        str_copy(cwd, sizeof(cwd), st->chdir);
                else if (st->chdir)
                        snprintf(cwd + strlen(cwd), sizeof(cwd) - strlen(cwd), "/%s", st->chdir);

                struct exe_behind *b = &f->behind[f->n_behind++];
                memset(b, 0, offsetof(struct exe_behind, exe));
                snprintf(b->via, sizeof(b->via), "%s (%s)", st->wrapper, prev->file);
                q.arg0 = st->next.argv[0];
                q.path_env = path[0] || st->path_set ? path : NULL;
                q.cwd = cwd;
                exe_identify(&q, &b->exe);
                if (scripted && strcmp(st->wrapper, "env") == 0 && b->exe.not_found)
                        shebang_env_missing(&b->exe, st->next.argv[0],
                                            prev->scripts[prev->n_scripts - 1]);
                b->mount = mount_of(f, q0->view, b->exe.layer);
                if (b->exe.kind == EXE_UNIDENTIFIED)
                        return; /* nothing runs further */
                prev = &b->exe;
                cur = &st->next;
        }
}

/* A Windows path as a path in the rootfs: "C:\\app\\x.exe" -> "/app/x.exe".
 * The lookup is case-sensitive here, unlike Windows'. */
static void windows_to_rootfs(const char *in, char *out, size_t size, bool add_exe)
{
        size_t o = 0;
        const char *base;

        if (((in[0] | 0x20) >= 'a' && (in[0] | 0x20) <= 'z') && in[1] == ':')
                in += 2;
        for (; *in && o + 5 < size; in++)
                out[o++] = *in == '\\' ? '/' : *in;
        out[o] = '\0';
        base = strrchr(out, '/');
        base = base ? base + 1 : out;
        if (add_exe && base[0] && strchr(base, '.') == NULL)
                memcpy(out + o, ".exe", 5); /* what CreateProcess appends */
}

/* PATH's ';'-separated Windows directories as ':'-separated rootfs ones. */
static void windows_path_list(const char *in, char *out, size_t size)
{
        size_t o = 0;

        out[0] = '\0';
        while (in && *in && o + 2 < size) {
                size_t n = strcspn(in, ";");
                char one[PATH_MAX], dir[PATH_MAX];
                if (n < sizeof(one)) {
                        memcpy(one, in, n);
                        one[n] = '\0';
                        windows_to_rootfs(one, dir, sizeof(dir), false);
                        o += (size_t)snprintf(out + o, size - o, "%s%s", o ? ":" : "", dir);
                }
                in += n + (in[n] == ';');
        }
}

/* view: the image's view (a layered image), or NULL: root_fd alone. */
static void look_at_windows_executable(struct bundle_facts *f, int root_fd,
                                       enum rootfs_resolver resolver, struct view *view)
{
        char arg0[PATH_MAX], cwd[PATH_MAX], path[8192];
        const char *env_path = spec_env(&f->spec, "PATH");
        struct exe_query q = {
                .root_fd = root_fd, .resolver = resolver, .windows = true, .view = view};

        if (f->spec.args.len == 0) {
                snprintf(f->exe.reason, sizeof(f->exe.reason), "process.args is empty");
                return;
        }
        windows_to_rootfs(f->spec.args.items[0], arg0, sizeof(arg0), true);
        windows_to_rootfs(f->spec.cwd ? f->spec.cwd : "C:\\", cwd, sizeof(cwd), false);
        windows_path_list(env_path ? env_path : "C:\\Windows\\System32;C:\\Windows", path,
                          sizeof(path));
        q.arg0 = arg0;
        q.cwd = cwd[0] ? cwd : "/";
        q.path_env = path;
        exe_identify(&q, &f->exe);
}

/* root.path as runc takes it: relative ones joined to the bundle with
 * filepath.Join, which cleans them lexically ("lnk/../rootfs" is "rootfs",
 * whatever lnk is); absolute ones mounted as written, which runc's
 * validator accepts only when their cleaned form names the same
 * symlink-free directory: here both must be the same directory. */
static int open_root(struct bundle_facts *f, int bundle_fd)
{
        const char *root = f->spec.root_path;
        char clean[PATH_MAX];
        struct eg_error err;
        cleanup_close int raw_fd = -1;
        struct stat a, b;
        int fd;

        if (path_clean(root, clean, sizeof(clean), &err) < 0) {
                str_printf_first(f->exe.reason, sizeof(f->exe.reason), "root.path: %s", err.msg);
                return -1;
        }
        if (root[0] != '/' && strncmp(clean, "..", 2) == 0 && (clean[2] == '/' || !clean[2])) {
                f->exe.view_unknown = true;
                str_printf_first(f->exe.reason, sizeof(f->exe.reason),
                                 "root.path %.200s climbs out of the bundle: the directory runc "
                                 "takes depends on its $PWD",
                                 root);
                return -1;
        }
        fd = openat(bundle_fd, clean, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                str_printf_first(f->exe.reason, sizeof(f->exe.reason), "root.path %s: %s", root,
                                 strerror(errno));
                return -1;
        }
        if (root[0] != '/')
                return fd;
        raw_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (raw_fd < 0 || fstat(raw_fd, &a) < 0 || fstat(fd, &b) < 0 || a.st_dev != b.st_dev ||
            a.st_ino != b.st_ino) {
                close(fd);
                f->exe.view_unknown = true;
                str_printf_first(f->exe.reason, sizeof(f->exe.reason),
                                 "root.path %.200s and its cleaned form %.200s are not the same "
                                 "directory",
                                 root, clean);
                return -1;
        }
        return fd;
}

static void identify_in_view(struct bundle_facts *f, const struct exe_query *q);

static void look_at_executable(struct bundle_facts *f, int bundle_fd, enum rootfs_resolver resolver)
{
        const char *root = f->spec.root_path;
        cleanup_close int root_fd = -1;
        struct view view;
        struct eg_error err;
        struct exe_query q = {
                .arg0 = f->spec.args.len ? f->spec.args.items[0] : NULL,
                .path_env = spec_env(&f->spec, "PATH"),
                .cwd = f->spec.cwd,
                .resolver = resolver,
        };

        f->exe_checked = true;
        if (root == NULL || root[0] == '\0') {
                snprintf(f->exe.reason, sizeof(f->exe.reason), "the spec names no root.path");
                return;
        }
        root_fd = open_root(f, bundle_fd);
        if (root_fd < 0)
                return;
        if (f->spec.has_windows) {
                look_at_windows_executable(f, root_fd, resolver, NULL);
                return;
        }
        if (view_build(&view, root_fd, bundle_fd, &f->spec, &err) < 0) {
                view_free(&view);
                f->exe.view_unknown = true;
                str_printf_first(f->exe.reason, sizeof(f->exe.reason), "the container's view: %s",
                                 err.msg);
                return;
        }
        q.root_fd = root_fd;
        q.view = &view;
        identify_in_view(f, &q);
        view_free(&view);
}

/* args[0] and what it executes, in the container's view: the one path a
 * bundle and an image share. */
static void identify_in_view(struct bundle_facts *f, const struct exe_query *q)
{
        exe_identify(q, &f->exe);
        f->exe_mount = mount_of(f, q->view, f->exe.layer);
        look_behind(f, q);
}

static void look_at_layers(struct bundle_facts *f, struct image_fs *fs)
{
        struct view view;
        struct eg_error err;
        struct exe_query q = {
                .root_fd = -1,
                .arg0 = f->spec.args.len ? f->spec.args.items[0] : NULL,
                .path_env = spec_env(&f->spec, "PATH"),
                .cwd = f->spec.cwd,
        };

        f->exe_checked = true;
        if (view_build_layers(&view, fs, &f->spec, &err) < 0) {
                view_free(&view);
                f->exe.view_unknown = true;
                str_printf_first(f->exe.reason, sizeof(f->exe.reason), "the container's view: %s",
                                 err.msg);
                return;
        }
        if (f->spec.has_windows)
                look_at_windows_executable(f, -1, ROOTFS_AUTO, &view);
        else {
                q.view = &view;
                identify_in_view(f, &q);
        }
        view_free(&view);
}

/* What the spec itself says: its OS sections and annotations. */
static void spec_os(struct bundle_facts *out)
{
        out->spec_os_conflict = out->spec.has_windows && out->spec.has_linux;
        str_copy(out->spec_os, sizeof(out->spec_os),
                 out->spec.has_windows ? "windows"
                 : out->spec.has_linux ? "linux"
                                       : "");
        declared_platform(out);
}

int facts_gather(const char *bundle_dir, enum rootfs_resolver resolver, struct bundle_facts *out,
                 struct eg_error *err)
{
        cleanup_close int bundle_fd = -1;

        _Static_assert(offsetof(struct bundle_facts, exe) + sizeof(struct exe_facts) ==
                               sizeof(struct bundle_facts),
                       "exe is bundle_facts' last member");
        memset(out, 0, offsetof(struct bundle_facts, exe));
        exe_facts_reset(&out->exe);
        bundle_fd = open(bundle_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0 || fstat(bundle_fd, &out->bundle_st) < 0)
                return eg_error_set_errno(err, errno, "bundle %s", bundle_dir);
        if (spec_read_at(bundle_fd, &out->spec, &out->config_st, err) < 0)
                return eg_error_prefix(err, "bundle %s", bundle_dir);

        spec_os(out);
        look_at_executable(out, bundle_fd, resolver);
        if (hooks_gather(&out->spec, bundle_fd, resolver, &out->hooks, err) < 0)
                return eg_error_prefix(err, "bundle %s", bundle_dir);
        return 0;
}

int facts_gather_image(struct spec *s, struct image_fs *fs, struct bundle_facts *out,
                       struct eg_error *err)
{
        memset(out, 0, offsetof(struct bundle_facts, exe));
        exe_facts_reset(&out->exe);
        out->spec = *s;
        memset(s, 0, sizeof(*s));
        if (fs == NULL)
                return eg_error_set(err, EINVAL, "no image file system");
        spec_os(out);
        look_at_layers(out, fs);
        return 0;
}

void facts_free(struct bundle_facts *f)
{
        free(f->behind);
        f->behind = NULL;
        f->n_behind = 0;
        spec_free(&f->spec);
        hooks_free(&f->hooks);
        f->exe_mount = f->interp_mount = NULL;
}
