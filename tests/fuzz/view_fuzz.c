/* The container's view from a hostile config.json: mounts, masks and the
 * user over a rootfs of symlink tricks (absolute, relative, loops, through
 * /proc/self/root), then the program looked up as a create does.  Every
 * failure must say why; every answer must be a clean absolute path. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../oci/exe.h"
#include "../../oci/spec.h"
#include "../../oci/view.h"
#include "fuzz.h"

static int root_fd = -1, bundle_fd = -1;

static void make(const char *rel, const char *kind, const char *arg, mode_t mode)
{
        char path[256];

        snprintf(path, sizeof(path), "%s/%s", fuzz_scratch_dir(), rel);
        if (strcmp(kind, "dir") == 0) {
                if (mkdir(path, mode) < 0 && errno != EEXIST)
                        abort();
                if (chmod(path, mode) < 0)
                        abort();
        } else if (strcmp(kind, "link") == 0) {
                if (symlink(arg, path) < 0 && errno != EEXIST)
                        abort();
        } else {
                int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
                if (fd < 0 || write(fd, arg, strlen(arg)) < 0)
                        abort();
                close(fd);
        }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        char path[256];

        (void)argc;
        (void)argv;
        make("rootfs", "dir", NULL, 0755);
        make("rootfs/bin", "dir", NULL, 0755);
        make("rootfs/bin/sh", "file", "#!/bin/sh\n", 0755);
        make("rootfs/secret", "dir", NULL, 0700);
        make("rootfs/secret/sh", "file",
             "\x7f"
             "ELF",
             0755);
        make("rootfs/opt", "dir", NULL, 0755);
        make("rootfs/opt/app", "dir", NULL, 0750);
        make("rootfs/app", "link", "opt/app", 0);
        make("rootfs/abs", "link", "/bin", 0);
        make("rootfs/up", "link", "../../../../bin", 0);
        make("rootfs/loop", "link", "loop", 0);
        make("rootfs/proc-root", "link", "/proc/self/root/bin", 0);
        make("rootfs/fifo-dir", "dir", NULL, 0755);
        snprintf(path, sizeof(path), "%s/rootfs/fifo-dir/sh", fuzz_scratch_dir());
        if (mkfifo(path, 0755) < 0 && errno != EEXIST)
                abort();
        make("vol", "dir", NULL, 0755);
        make("vol/sh", "file", "#!/abs/sh\n", 0755);
        make("vol/in", "link", "/secret", 0);
        snprintf(path, sizeof(path), "%s/rootfs", fuzz_scratch_dir());
        root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        bundle_fd = open(fuzz_scratch_dir(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0 || bundle_fd < 0)
                abort();
        return 0;
}

static void lookup(struct view *v, const char *cwd, const char *path)
{
        static struct view_node n;
        struct eg_error err = {0};

        if (view_lookup(v, cwd, path, &n, &err) < 0) {
                if (err.msg[0] == '\0' || err.errnum == 0)
                        abort(); /* a failure says why */
                return;
        }
        if (n.path[0] != '/' || strstr(n.path, "//") || strstr(n.path, "/./") ||
            strstr(n.path, "/../"))
                abort(); /* the container path reached is clean */
        if (n.fd >= 0)
                close(n.fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct exe_facts out; /* 30 KB */
        struct spec s;
        struct view v;
        struct eg_error err = {0};
        const char *paths[] = {"/bin/sh",       "/app/sh",    "/abs/sh", "/up/sh",
                               "/proc-root/sh", "/secret/sh", "sh",      "../vol/sh",
                               "/fifo-dir/sh",  "/loop"};

        if (spec_parse((const char *)data, size, &s, &err) == 0) {
                if (view_build(&v, root_fd, bundle_fd, &s, &err) == 0) {
                        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
                                lookup(&v, s.cwd, paths[i]);
                        struct exe_query q = {
                                .root_fd = root_fd,
                                .arg0 = s.args.len ? s.args.items[0] : NULL,
                                .path_env = spec_env(&s, "PATH"),
                                .cwd = s.cwd,
                                .view = &v,
                        };
                        exe_identify(&q, &out);
                        if (out.kind == EXE_UNIDENTIFIED && out.reason[0] == '\0')
                                abort();
                } else if (err.msg[0] == '\0') {
                        abort();
                }
                view_free(&v);
        }
        spec_free(&s);
        return 0;
}
