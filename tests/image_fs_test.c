/* The layered image: overlay2-style layer directories (0/0 character
 * device whiteouts, opaque xattrs, AUFS .wh. markers) and tar layers
 * (whiteouts, opaque markers, links across layers, hostile archives),
 * looked at through the container view and the one identifier. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../oci/exe.h"
#include "../oci/facts.h"
#include "../oci/image_fs.h"
#include "../oci/spec.h"
#include "../oci/view.h"
#include "harness.h"

static char top[160];

/* What path is in the merged tree: "ENOENT"-style errno name, "dir",
 * "link:TARGET", or the first line of the file's bytes. */
static const char *at(struct image_fs *fs, const char *path)
{
        static char out[512];
        struct image_fs_node n, next;
        struct eg_error err;
        char buf[256];
        const char *p = path;

        if (image_fs_root(fs, &n, &err) < 0)
                return snprintf(out, sizeof(out), "root: %.400s", err.msg), out;
        while (*p) {
                char name[256];
                size_t len;
                while (*p == '/')
                        p++;
                len = strcspn(p, "/");
                if (len == 0)
                        break;
                snprintf(name, sizeof(name), "%.*s", (int)len, p);
                p += len;
                if (image_fs_lookup(fs, &n, name, &next, &err) < 0)
                        return snprintf(out, sizeof(out), "%s", strerrorname_np(err.errnum)), out;
                n = next;
        }
        if (S_ISDIR(n.st.st_mode))
                return "dir";
        if (S_ISLNK(n.st.st_mode)) {
                ssize_t len = image_fs_readlink(fs, &n, buf, sizeof(buf), &err);
                snprintf(out, sizeof(out), "link:%.*s", len < 0 ? 0 : (int)len, buf);
                return out;
        }
        int fd = image_fs_open(fs, &n, &err);
        if (fd < 0)
                return snprintf(out, sizeof(out), "%s", strerrorname_np(err.errnum)), out;
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        int rd = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        ssize_t got = rd < 0 ? -1 : read(rd, buf, sizeof(buf) - 1);
        if (rd >= 0)
                close(rd);
        close(fd);
        if (got < 0)
                return "unreadable";
        buf[got] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        snprintf(out, sizeof(out), "%s", buf);
        return out;
}

/* What the identifier makes of arg0 with PATH through fs. */
static void identify(struct image_fs *fs, const char *arg0, const char *path, struct exe_facts *out)
{
        struct view v;
        struct exe_query q = {.root_fd = -1, .arg0 = arg0, .path_env = path, .cwd = "/"};

        view_init_layers(&v, fs);
        q.view = &v;
        exe_identify(&q, out);
        view_free(&v);
}

static char dirs[3][256];

static struct image_fs *open_dirs(size_t n)
{
        int fds[3];
        struct eg_error err;
        struct image_fs *fs;

        for (size_t i = 0; i < n; i++)
                fds[i] = open(dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
        fs = image_fs_from_dirs(fds, NULL, n, &err);
        if (fs == NULL)
                printf("# image_fs_from_dirs: %s\n", err.msg);
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
        return fs;
}

TEST(setup)
{
        CHECK(harness_mkdtemp(top, sizeof(top), "image-fs") != NULL);
        for (int i = 0; i < 3; i++) {
                snprintf(dirs[i], sizeof(dirs[i]), "%s/l%d", top, i);
                harness_sh("mkdir -p %s", dirs[i]);
        }
        char f[PATH_MAX];
        CHECK(realpath(harness_foreign_dir(), f) != NULL);
        /* bottom: a Debian-like tree */
        harness_sh(
                "cd %s && mkdir -p usr/bin usr/local/bin etc/conf opt/app bin && "
                "cp %s/arm64/busybox-static usr/bin/app && cp %s/amd64/tini-static usr/bin/real && "
                "echo gone >etc/gone && echo a >etc/conf/a && echo old >opt/app/old && "
                "chmod 755 usr/bin/app usr/bin/real && ln -s /usr/bin/real bin/entry && "
                "echo keep >etc/keep",
                dirs[0], f, f);
        /* middle: a deletion (0/0 char device), an AUFS one, a symlink to below */
        harness_sh("cd %s && mkdir -p usr/bin usr/local/bin etc && mknod usr/bin/app c 0 0 && "
                   "touch etc/.wh.gone && ln -s ../../bin/real usr/local/bin/tool && "
                   "mkdir -p bin && echo '#!/bin/entry' >bin/script && chmod 755 bin/script",
                   dirs[1]);
        /* top: an opaque directory by xattr, one by marker */
        harness_sh("cd %s && mkdir -p etc/conf opt/app && echo b >etc/conf/b && "
                   "touch opt/app/.wh..wh..opq && echo new >opt/app/new",
                   dirs[2]);
        char conf[300];
        snprintf(conf, sizeof(conf), "%s/etc/conf", dirs[2]);
        CHECK(setxattr(conf, "trusted.overlay.opaque", "y", 1, 0) == 0);
}

TEST(dirs_merge_as_overlayfs)
{
        struct image_fs *fs = open_dirs(3);

        CHECK(fs != NULL);
        if (fs == NULL)
                return;
        CHECK_STR(at(fs, "/usr/bin/app"), "ENOENT");  /* 0/0 device whiteout */
        CHECK_STR(at(fs, "/etc/gone"), "ENOENT");     /* .wh.gone */
        CHECK_STR(at(fs, "/etc/.wh.gone"), "ENOENT"); /* markers are no files */
        CHECK_STR(at(fs, "/etc/keep"), "keep");       /* merged from below */
        CHECK_STR(at(fs, "/etc/conf/a"), "ENOENT");   /* opaque by xattr */
        CHECK_STR(at(fs, "/etc/conf/b"), "b");
        CHECK_STR(at(fs, "/opt/app/old"), "ENOENT"); /* opaque by marker */
        CHECK_STR(at(fs, "/opt/app/new"), "new");
        CHECK_STR(at(fs, "/usr/local/bin/tool"), "link:../../bin/real");
        CHECK_STR(at(fs, "/etc/keep/x"), "ENOTDIR");
        image_fs_free(fs);
}

TEST(dirs_through_the_view_and_identifier)
{
        struct image_fs *fs = open_dirs(3);
        struct exe_facts *e = malloc(sizeof(*e));

        CHECK(fs != NULL && e != NULL);
        if (fs == NULL || e == NULL)
                return free(e), image_fs_free(fs);
        /* the whited-out arm64 app is not found, even on PATH */
        identify(fs, "app", "/usr/bin:/bin", e);
        CHECK(e->not_found);
        /* without the middle layer it is there, and is arm64 */
        {
                struct image_fs *bottom = open_dirs(1);
                identify(bottom, "app", "/usr/bin", e);
                CHECK(e->kind == EXE_ELF);
                CHECK_STR(e->platform.arch, "arm64");
                CHECK_STR(e->file, "/usr/bin/app");
                image_fs_free(bottom);
        }
        /* a relative symlink in layer 2 to a symlink and a file in layer 1 */
        identify(fs, "tool", "/nowhere:/usr/local/bin", e);
        CHECK(e->kind == EXE_ELF);
        CHECK_STR(e->platform.arch, "amd64");
        CHECK_STR(e->resolved, "/usr/bin/real");
        /* a #! script whose interpreter is an absolute link in another layer */
        identify(fs, "/bin/script", NULL, e);
        CHECK(e->kind == EXE_ELF);
        CHECK(e->n_scripts == 1);
        CHECK_STR(e->platform.arch, "amd64");
        free(e);
        image_fs_free(fs);
}

TEST(facts_of_an_image)
{
        struct image_fs *fs = open_dirs(3);
        struct bundle_facts *f = malloc(sizeof(*f));
        struct spec s;
        struct eg_error err;
        const char *json = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"tool\"],"
                           "\"env\":[\"PATH=/usr/local/bin:/usr/bin\"],\"cwd\":\"/\","
                           "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"rootfs\"},"
                           "\"linux\":{}}";

        CHECK(fs != NULL && f != NULL);
        CHECK(spec_parse(json, strlen(json), &s, &err) == 0);
        CHECK(facts_gather_image(&s, fs, f, &err) == 0);
        CHECK(f->exe_checked);
        CHECK(f->exe.kind == EXE_ELF);
        CHECK_STR(f->exe.platform.arch, "amd64");
        CHECK_STR(f->exe.file, "/usr/local/bin/tool");
        facts_free(f);
        spec_free(&s);
        free(f);
        image_fs_free(fs);
}

TEST(cleanup)
{
        harness_sh("rm -rf '%s'", top);
}

HARNESS_MAIN(RUN(setup); RUN(dirs_merge_as_overlayfs); RUN(dirs_through_the_view_and_identifier);
             RUN(facts_of_an_image); RUN(cleanup))
