#include "facts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "str.h"

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

/* True when path lies at or below dir, both absolute and lexically clean
 * enough for a component-wise prefix test. */
static bool path_under(const char *path, const char *dir)
{
        size_t n = strlen(dir);

        while (n > 1 && dir[n - 1] == '/')
                n--;
        if (n == 1 && dir[0] == '/')
                return true;
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* runc mounts these over the rootfs before it executes anything: a file
 * found in the image below one of them is not the one that will run. */
static void find_mount_over_exe(struct bundle_facts *f)
{
        const char *path = f->exe.resolved[0] ? f->exe.resolved : f->exe.file;

        if (path[0] != '/')
                return;
        for (size_t i = f->spec.n_mounts; i-- > 0;) { /* the last mount wins */
                const char *dest = f->spec.mounts[i].destination;
                if (dest && dest[0] == '/' && strcmp(dest, "/") != 0 && path_under(path, dest)) {
                        f->exe_mount = &f->spec.mounts[i];
                        return;
                }
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

static void look_at_windows_executable(struct bundle_facts *f, int root_fd,
                                       enum rootfs_resolver resolver)
{
        char arg0[PATH_MAX], cwd[PATH_MAX], path[8192];
        const char *env_path = spec_env(&f->spec, "PATH");
        struct exe_query q = {.root_fd = root_fd, .resolver = resolver, .windows = true};

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

static void look_at_executable(struct bundle_facts *f, int bundle_fd, enum rootfs_resolver resolver)
{
        const char *root = f->spec.root_path;
        cleanup_close int root_fd = -1;
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
        root_fd = openat(bundle_fd, root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0) {
                snprintf(f->exe.reason, sizeof(f->exe.reason), "root.path %s: %s", root,
                         strerror(errno));
                return;
        }
        if (f->spec.has_windows) {
                look_at_windows_executable(f, root_fd, resolver);
                return;
        }
        q.root_fd = root_fd;
        exe_identify(&q, &f->exe);
        find_mount_over_exe(f);
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

        out->spec_os_conflict = out->spec.has_windows && out->spec.has_linux;
        str_copy(out->spec_os, sizeof(out->spec_os),
                 out->spec.has_windows ? "windows"
                 : out->spec.has_linux ? "linux"
                                       : "");
        declared_platform(out);
        look_at_executable(out, bundle_fd, resolver);
        if (hooks_gather(&out->spec, bundle_fd, resolver, &out->hooks, err) < 0)
                return eg_error_prefix(err, "bundle %s", bundle_dir);
        return 0;
}

void facts_free(struct bundle_facts *f)
{
        spec_free(&f->spec);
        hooks_free(&f->hooks);
        f->exe_mount = NULL;
}
