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

#include "../oci/cleanup.h"
#include "../oci/exe.h"
#include "../oci/facts.h"
#include "../oci/image_fs.h"
#include "../oci/image_source.h"
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

        if (fs == NULL)
                return "no image";
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

        if (fs == NULL) {
                exe_facts_reset(out);
                return;
        }
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
        /* a renamed directory (overlayfs redirect_dir): not modelled */
        snprintf(conf, sizeof(conf), "%s/red", dirs[2]);
        CHECK(mkdir(conf, 0755) == 0);
        CHECK(setxattr(conf, "trusted.overlay.redirect", "/opt", 4, 0) == 0);
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
        CHECK_STR(at(fs, "/red"), "EREMOTEIO"); /* VIEW_UNKNOWN */
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

static char lay[256];

/* image_fs_from_tars over files (and "OUTER:MEMBER" members) of lay. */
static struct image_fs *tars(struct eg_error *err, const char *const *files, size_t n)
{
        struct layer_blob b[8];
        char paths[8][300], members[8][100];

        for (size_t i = 0; i < n; i++) {
                const char *colon = strchr(files[i], ':');
                snprintf(paths[i], sizeof(paths[i]), "%s/%.*s", lay,
                         colon ? (int)(colon - files[i]) : (int)strlen(files[i]), files[i]);
                b[i] = (struct layer_blob){.path = paths[i], .member_ordinal = -1};
                if (colon) {
                        snprintf(members[i], sizeof(members[i]), "%s", colon + 1);
                        b[i].member = members[i];
                }
        }
        return image_fs_from_tars(b, n, err);
}

/* image_fs_from_tars_keeping over files of lay, keeping keep[]. */
static struct image_fs *tars_keeping(struct eg_error *err, const char *const *files, size_t n,
                                     const char *const *keep, size_t n_keep)
{
        struct layer_blob b[8];
        char paths[8][300];

        for (size_t i = 0; i < n; i++) {
                snprintf(paths[i], sizeof(paths[i]), "%s/%s", lay, files[i]);
                b[i] = (struct layer_blob){.path = paths[i], .member_ordinal = -1};
        }
        return image_fs_from_tars_keeping(b, n, keep, n_keep, err);
}

/* All the bytes of the regular file at path (a top-level name plus
 * subdirectories, looked up name by name), malloc'd; NULL when absent. */
static char *bytes_at(struct image_fs *fs, const char *path, size_t *len)
{
        struct image_fs_node n, next;
        struct eg_error err;
        char name[256], *out = NULL;
        const char *p = path;
        FILE *f;

        if (fs == NULL || image_fs_root(fs, &n, &err) < 0)
                return NULL;
        while (*p) {
                size_t l = strcspn(p += strspn(p, "/"), "/");
                if (l == 0)
                        break;
                snprintf(name, sizeof(name), "%.*s", (int)l, p);
                p += l;
                if (image_fs_lookup(fs, &n, name, &next, &err) < 0)
                        return NULL;
                n = next;
        }
        int fd = image_fs_open(fs, &n, &err);
        if (fd < 0 || (f = open_memstream(&out, len)) == NULL)
                return fd >= 0 ? close(fd), NULL : NULL;
        /* pread: a memfd is handed out at the offset its filling left */
        for (ssize_t got; (got = pread(fd, name, sizeof(name), (off_t)ftell(f))) > 0;)
                fwrite(name, 1, (size_t)got, f);
        fclose(f);
        close(fd);
        return out;
}

TEST(kept_files_are_the_files_read_again)
{
        const char *files[] = {"base.tar", "mid.tar.gz", "top.tar.xz"}, *dup[] = {"h_dup.tar"};
        const char *keep[] = {"usr/bin/real", "usr/bin/app", "sbin/orig", "etc/keep", "x"};
        const char *same[] = {"/usr/bin/real", "/sbin/orig", "/sbin/hl", "/etc/keep"};
        struct eg_error err;
        struct image_fs *plain = tars(&err, files, 3),
                        *kept = tars_keeping(&err, files, 3, keep, 5);

        CHECK(plain != NULL && kept != NULL);
        if (plain == NULL || kept == NULL)
                return (void)printf("# %s\n", err.msg);
        CHECK(image_fs_kept_hits(kept) == 0);
        for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
                size_t a_len = 0, b_len = 0;
                cleanup_free char *a = bytes_at(plain, same[i], &a_len);
                cleanup_free char *b = bytes_at(kept, same[i], &b_len);
                printf("# %s: %zu bytes\n", same[i], b_len);
                CHECK(a != NULL && b != NULL && a_len == b_len && a_len > 0 &&
                      memcmp(a, b, a_len) == 0);
        }
        /* real, orig, hl (orig's bytes), keep: no second pass */
        CHECK(image_fs_kept_hits(kept) == 4);
        CHECK(image_fs_kept_hits(plain) == 0);
        /* kept in base.tar, whited out by mid.tar.gz: not served */
        CHECK_STR(at(kept, "/usr/bin/app"), "ENOENT");
        /* the same kept file opened twice */
        CHECK_STR(at(kept, "/etc/keep"), "keep");
        CHECK_STR(at(kept, "/etc/keep"), "keep");
        image_fs_free(plain);
        image_fs_free(kept);

        /* both entries of x kept: the later one is what is served */
        kept = tars_keeping(&err, dup, 1, keep, 5);
        CHECK(kept != NULL);
        CHECK_STR(at(kept, "/x"), "second");
        CHECK(image_fs_kept_hits(kept) == 1);
        image_fs_free(kept);
}

/* "ok" when the layer is accepted, else its error's errno name and whether
 * the message names the entry. */
static const char *refusal(const char *file, const char *entry)
{
        static char out[64];
        struct eg_error err;
        struct image_fs *fs = tars(&err, &file, 1);

        if (fs != NULL) {
                image_fs_free(fs);
                return "ok";
        }
        printf("# %s: %s\n", file, err.msg);
        snprintf(out, sizeof(out), "%s%s", strerrorname_np(err.errnum),
                 entry && !strstr(err.msg, entry) ? " (entry not named)" : "");
        return out;
}

TEST(tar_layers_made)
{
        snprintf(lay, sizeof(lay), "%s/tars", top);
        harness_sh("mkdir -p %s && python3 tests/data/layers/make.py %s %s", lay, lay,
                   harness_foreign_dir());
}

TEST(tars_merge_as_the_engine_unpacks_them)
{
        const char *files[] = {"base.tar", "mid.tar.gz", "top.tar.xz"};
        struct eg_error err;
        struct image_fs *fs = tars(&err, files, 3);

        CHECK(fs != NULL);
        if (fs == NULL)
                return (void)printf("# %s\n", err.msg);
        CHECK_STR(at(fs, "/usr/bin/app"), "ENOENT");  /* .wh.app */
        CHECK_STR(at(fs, "/etc/gone"), "ENOENT");     /* .wh.gone */
        CHECK_STR(at(fs, "/etc/.wh.gone"), "ENOENT"); /* markers are no files */
        CHECK_STR(at(fs, "/etc/keep"), "keep");
        CHECK_STR(at(fs, "/etc/conf/a"), "ENOENT"); /* opaque by pax xattr */
        CHECK_STR(at(fs, "/etc/conf/b"), "b");
        CHECK_STR(at(fs, "/opt/app/old"), "ENOENT"); /* opaque by marker */
        CHECK_STR(at(fs, "/opt/app/new"), "new");
        CHECK_STR(at(fs, "/usr/local/bin/tool"), "link:../../bin/real");
        CHECK_STR(at(fs, "/usr/bin/dev0"), "ENOENT"); /* a 0/0 device is a whiteout */
        CHECK_STR(at(fs, "/etc/keep/x"), "ENOTDIR");
        /* the same file twice, and files of one layer out of order */
        CHECK_STR(at(fs, "/opt/app/new"), "new");
        CHECK_STR(at(fs, "/etc/conf/b"), "b");
        image_fs_free(fs);
}

TEST(tars_through_the_view_and_identifier)
{
        const char *files[] = {"base.tar", "mid.tar.gz", "top.tar.xz"};
        struct exe_facts *e = malloc(sizeof(*e));
        struct eg_error err;
        struct image_fs *fs = tars(&err, files, 3);

        CHECK(fs != NULL && e != NULL);
        if (fs == NULL || e == NULL)
                return free(e), image_fs_free(fs);
        identify(fs, "app", "/usr/bin:/bin", e);
        CHECK(e->not_found);
        identify(fs, "tool", "/nowhere:/usr/local/bin", e);
        CHECK(e->kind == EXE_ELF);
        CHECK_STR(e->platform.arch, "amd64");
        CHECK_STR(e->resolved, "/usr/bin/real");
        identify(fs, "/bin/script", NULL, e);
        CHECK(e->kind == EXE_ELF && e->n_scripts == 1);
        CHECK_STR(e->platform.arch, "amd64");
        /* a hard link inside the top layer: the bytes of its target */
        identify(fs, "/sbin/hl", NULL, e);
        CHECK(e->kind == EXE_ELF);
        CHECK_STR(e->platform.arch, "amd64");
        image_fs_free(fs);
        /* the base alone has the arm64 app */
        fs = tars(&err, files, 1);
        identify(fs, "app", "/usr/bin", e);
        CHECK(e->kind == EXE_ELF);
        CHECK_STR(e->platform.arch, "arm64");
        image_fs_free(fs);
        free(e);
}

TEST(docker_save_members)
{
        const char *plain[] = {"save.tar:aaa/layer.tar", "save.tar:bbb/layer.tar"};
        const char *gz[] = {"save.tar.gz:aaa/layer.tar", "save.tar.gz:bbb/layer.tar"};
        const char *missing[] = {"save.tar:ccc/layer.tar"};
        struct eg_error err;
        struct image_fs *fs;

        for (int i = 0; i < 2; i++) {
                fs = tars(&err, i ? gz : plain, 2);
                CHECK(fs != NULL);
                if (fs == NULL) {
                        printf("# %s\n", err.msg);
                        continue;
                }
                CHECK_STR(at(fs, "/usr/bin/app"), "ENOENT");
                CHECK_STR(at(fs, "/etc/keep"), "keep");
                CHECK_STR(at(fs, "/bin/script"), "#!/bin/entry");
                image_fs_free(fs);
        }
        /* a large file of a member layer, read through the outer stream */
        for (int i = 0; i < 2; i++) {
                struct exe_facts *e = malloc(sizeof(*e));
                fs = tars(&err, i ? gz : plain, 1);
                identify(fs, "/usr/bin/app", NULL, e);
                CHECK(e->kind == EXE_ELF);
                CHECK_STR(e->platform.arch, "arm64");
                identify(fs, "/usr/bin/real", NULL, e); /* forward in the same stream */
                CHECK_STR(e->platform.arch, "amd64");
                identify(fs, "/usr/bin/app", NULL, e); /* backwards: streamed again */
                CHECK_STR(e->platform.arch, "arm64");
                image_fs_free(fs);
                free(e);
        }
        fs = tars(&err, missing, 1);
        CHECK(fs == NULL && err.errnum == ENOENT && strstr(err.msg, "ccc/layer.tar"));
        image_fs_free(fs);
}

TEST(hostile_layers_are_refused_naming_the_entry)
{
        CHECK_STR(refusal("h_dotdot.tar", "a/../../etc/x"), "EPERM");
        CHECK_STR(refusal("h_hard_missing.tar", "\"a\""), "ENOENT");
        CHECK_STR(refusal("h_hard_later.tar", "\"a\""), "ENOENT");
        CHECK_STR(refusal("h_hard_self.tar", "\"a\""), "ELOOP");
        CHECK_STR(refusal("h_hard_dir.tar", "\"a\""), "EPERM");
        CHECK_STR(refusal("h_under_file.tar", "f/x"), "ENOTDIR");
        CHECK_STR(refusal("h_bigsize.tar", NULL), "EIO"); /* truncated */
        CHECK_STR(refusal("h_bomb.tar.gz", "zeros"), "EFBIG");
        CHECK_STR(refusal("h_notar.tar", NULL), "EILSEQ");
        CHECK_STR(refusal("h_truncated.tar", NULL), "EIO");
        CHECK_STR(refusal("h_redirect.tar", "etc/conf"), "EPERM");
        CHECK_STR(refusal("h_abs.tar", NULL), "ok");
}

TEST(hostile_layers_that_unpack)
{
        const char *dup[] = {"base.tar", "h_dup.tar"}, *links[] = {"base.tar", "h_links.tar"},
                   *abs[] = {"h_abs.tar"}, *dev[] = {"base.tar", "dev0.tar"};
        struct exe_facts *e = malloc(sizeof(*e));
        struct eg_error err;
        struct image_fs *fs;

        fs = tars(&err, dup, 2);
        CHECK(fs != NULL);
        CHECK_STR(at(fs, "/x"), "second"); /* the later entry wins */
        CHECK_STR(at(fs, "/d"), "file");
        CHECK_STR(at(fs, "/d/x"), "ENOTDIR");
        CHECK_STR(at(fs, "/w/y/z"), "z"); /* made again after its whiteout */
        image_fs_free(fs);

        fs = tars(&err, links, 2);
        CHECK(fs != NULL);
        identify(fs, "/usr/bin/esc", NULL, e); /* "/../../..": confined to the image's root */
        CHECK_STR(e->resolved, "/etc/keep");
        CHECK(e->not_found); /* mode 0644 */
        identify(fs, "/usr/bin/up", NULL, e);
        CHECK_STR(e->resolved, "/usr/bin/real");
        CHECK_STR(e->platform.arch, "amd64");
        identify(fs, "/loop/a", NULL, e);
        CHECK(e->kind == EXE_UNIDENTIFIED && strstr(e->reason, "Too many levels"));
        identify(fs, "/usr/bin/fifo", NULL, e);
        CHECK(e->kind == EXE_UNIDENTIFIED);
        CHECK(strstr(e->reason, "not executable") != NULL); /* execve: EACCES */
        image_fs_free(fs);

        fs = tars(&err, abs, 1);
        CHECK(strncmp(at(fs, "/usr/bin/abs"), "\177ELF", 4) == 0);
        image_fs_free(fs);

        {
                /* a file larger than edgeguard reads into memory */
                const char *big[] = {"h_bigfile.tar.gz"};
                fs = tars(&err, big, 1);
                CHECK_STR(at(fs, "/usr/bin/big"), "EFBIG");
                identify(fs, "/usr/bin/big", NULL, e);
                CHECK(e->kind == EXE_UNIDENTIFIED && e->view_unknown && !e->not_found &&
                      strstr(e->reason, "more than edgeguard reads"));
                image_fs_free(fs);
        }

        fs = tars(&err, dev, 2);
        CHECK_STR(at(fs, "/usr/bin/app"), "ENOENT"); /* 0/0: a whiteout */
        CHECK_STR(at(fs, "/dev/null"), "EACCES");    /* a device has no bytes to judge */
        image_fs_free(fs);
        free(e);
}

TEST(files_of_many_layers_in_turn)
{
        const char *files[] = {"base.tar", "h_abs.tar", "h_dup.tar", "top.tar.xz", "mid.tar.gz"};
        struct eg_error err;
        struct image_fs *fs = tars(&err, files, 5);

        /* more layers read than cursors kept open: the oldest is closed
         * and streamed again when needed */
        for (int round = 0; round < 2; round++) {
                CHECK(strncmp(at(fs, "/usr/bin/real"), "\177ELF", 4) == 0);
                CHECK(strncmp(at(fs, "/usr/bin/abs"), "\177ELF", 4) == 0);
                CHECK_STR(at(fs, "/x"), "second");
                CHECK(strncmp(at(fs, "/sbin/orig"), "\177ELF", 4) == 0);
                CHECK_STR(at(fs, "/bin/script"), "#!/bin/entry");
                CHECK_STR(at(fs, "/etc/keep"), "keep");
        }
        image_fs_free(fs);
}

TEST(a_windows_layer_rooted_at_files)
{
        const char *files[] = {"windows.tar"};
        struct eg_error err;
        struct image_fs *fs = tars(&err, files, 1);

        CHECK(image_fs_set_root(fs, "Hives/SYSTEM", &err) < 0 && err.errnum == ENOTDIR);
        CHECK(image_fs_set_root(fs, "Nope", &err) < 0 && err.errnum == ENOENT);
        CHECK_STR(at(fs, "/Files/app/x.exe"), "MZ");
        CHECK(image_fs_set_root(fs, "Files", &err) == 0);
        CHECK_STR(at(fs, "/app/x.exe"), "MZ");
        {
                /* the view's ".." stays at the container's root */
                struct view v;
                struct view_node *n = malloc(sizeof(*n));
                view_init_layers(&v, fs);
                CHECK(n != NULL && view_lookup(&v, "/", "/../Hives/SYSTEM", n, &err) < 0 &&
                      err.errnum == ENOENT);
                CHECK(n != NULL && view_lookup(&v, "/", "/../app/x.exe", n, &err) == 0);
                if (n && n->fd >= 0)
                        close(n->fd);
                view_free(&v);
                free(n);
        }
        image_fs_free(fs);
}

TEST(image_sources)
{
        char path[300], *buf = NULL;
        size_t len = 0;
        struct eg_error err;
        struct layer_blob b[2];
        struct image_source *src;
        struct image_fs *fs;

        /* a docker save tar: members by clean name, read bounded */
        snprintf(path, sizeof(path), "%s/save.tar.gz", lay);
        src = image_source_open(path, &err);
        CHECK(src != NULL && !image_source_is_dir(src));
        if (src == NULL)
                return (void)printf("# %s\n", err.msg);
        CHECK(image_source_has(src, "aaa/layer.tar") && !image_source_has(src, "aaa"));
        CHECK(image_source_read(src, "bbb/layer.tar", 1000, &buf, &len, &err) == 0 && len == 200);
        free(buf);
        CHECK(image_source_read(src, "aaa/layer.tar", 100, &buf, &len, &err) < 0 &&
              err.errnum == EFBIG);
        CHECK(image_source_read(src, "nope", 100, &buf, &len, &err) < 0 && err.errnum == ENOENT);
        CHECK(image_source_layer(src, "aaa/layer.tar", &b[0], &err) == 0);
        CHECK(image_source_layer(src, "bbb/layer.tar", &b[1], &err) == 0);
        fs = image_fs_from_tars(b, 2, &err);
        CHECK_STR(at(fs, "/etc/keep"), "keep");
        CHECK_STR(at(fs, "/usr/bin/app"), "ENOENT");
        image_fs_free(fs);
        image_source_free(src);

        /* an OCI layout directory: members confined to it */
        harness_sh("cd %s && mkdir -p oci/blobs/sha256 && cp base.tar oci/blobs/sha256/b1 && "
                   "cp mid.tar.gz oci/blobs/sha256/b2 && echo '{}' >oci/index.json && "
                   "ln -s /etc/passwd oci/blobs/sha256/esc",
                   lay);
        snprintf(path, sizeof(path), "%s/oci", lay);
        src = image_source_open(path, &err);
        CHECK(src != NULL && image_source_is_dir(src));
        if (src == NULL)
                return;
        CHECK(image_source_read(src, "index.json", 100, &buf, &len, &err) == 0 && len == 3);
        free(buf);
        CHECK(!image_source_has(src, "blobs/sha256/esc")); /* /etc/passwd of the layout */
        CHECK(image_source_read(src, "../tars/base.tar", 100, &buf, &len, &err) < 0 &&
              err.errnum == EPERM);
        CHECK(image_source_layer(src, "blobs/sha256/b1", &b[0], &err) == 0);
        CHECK(image_source_layer(src, "blobs/sha256/b2", &b[1], &err) == 0);
        fs = image_fs_from_tars(b, 2, &err);
        CHECK_STR(at(fs, "/etc/keep"), "keep");
        CHECK_STR(at(fs, "/bin/script"), "#!/bin/entry");
        image_fs_free(fs);
        image_source_free(src);
}

TEST(cleanup)
{
        harness_sh("rm -rf '%s'", top);
}

HARNESS_MAIN(RUN(setup); RUN(dirs_merge_as_overlayfs); RUN(dirs_through_the_view_and_identifier);
             RUN(facts_of_an_image); RUN(tar_layers_made);
             RUN(tars_merge_as_the_engine_unpacks_them); RUN(kept_files_are_the_files_read_again);
             RUN(tars_through_the_view_and_identifier); RUN(docker_save_members);
             RUN(hostile_layers_are_refused_naming_the_entry); RUN(hostile_layers_that_unpack);
             RUN(files_of_many_layers_in_turn); RUN(a_windows_layer_rooted_at_files);
             RUN(image_sources); RUN(cleanup))
