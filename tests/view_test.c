/* The container's view: Go's lexical cleaning, mounts placed where runc's
 * securejoin puts them and consulted at every component and symlink hop,
 * masks, /proc/self/root, places not modelled, and the search as the
 * container's user. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/path.h"
#include "../oci/spec.h"
#include "../oci/view.h"
#include "harness.h"

static char top[160], root[256], vol[256], vol2[256];
static int root_fd = -1, top_fd = -1;

static void mk(const char *base, const char *rel, const char *kind, const char *arg)
{
        char p[512];

        snprintf(p, sizeof(p), "%s/%s", base, rel);
        if (strcmp(kind, "dir") == 0) {
                CHECK(mkdir(p, 0755) == 0);
        } else if (strcmp(kind, "link") == 0) {
                CHECK(symlink(arg, p) == 0);
        } else {
                FILE *f = fopen(p, "we");
                CHECK(f != NULL);
                if (f) {
                        fputs(arg, f);
                        fclose(f);
                }
                CHECK(chmod(p, 0755) == 0);
        }
}

TEST(build_tree)
{
        CHECK(harness_mkdtemp(top, sizeof(top), "view") != NULL);
        snprintf(root, sizeof(root), "%s/rootfs", top);
        snprintf(vol, sizeof(vol), "%s/vol", top);
        snprintf(vol2, sizeof(vol2), "%s/vol2", top);
        CHECK(mkdir(root, 0755) == 0 && mkdir(vol, 0755) == 0 && mkdir(vol2, 0755) == 0);
        mk(root, "bin", "dir", NULL);
        mk(root, "bin/sh", "file", "image-sh");
        mk(root, "opt", "dir", NULL);
        mk(root, "opt/app", "dir", NULL);
        mk(root, "opt/app/sh", "file", "image-app-sh");
        mk(root, "app", "link", "opt/app");
        mk(root, "tool", "link", "/bin/sh");
        mk(root, "usr", "dir", NULL);
        mk(root, "usr/local", "dir", NULL);
        mk(root, "usr/local/bin", "link", "/proc/self/root/bin");
        mk(root, "loop", "link", "loop");
        mk(root, "secret", "dir", NULL);
        mk(root, "secret/sh", "file", "secret-sh");
        CHECK(chmod(root, 0755) == 0);
        CHECK(chmod(vol, 0755) == 0);
        CHECK(chmod(vol2, 0755) == 0);
        mk(vol, "sh", "file", "vol-sh");
        mk(vol2, "sh", "file", "vol2-sh");
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        top_fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(root_fd >= 0 && top_fd >= 0);
}

/* The first bytes of what path resolves to, "" for a directory without an
 * fd, "E<errno>" on failure. */
static const char *content(struct view *v, const char *cwd, const char *path)
{
        static char out[64];
        struct view_node *n = malloc(sizeof(*n));
        struct eg_error err;
        char proc[64];

        out[0] = '\0';
        if (n == NULL)
                return "ENOMEM";
        if (view_lookup(v, cwd, path, n, &err) < 0) {
                snprintf(out, sizeof(out), "E%d", err.errnum);
        } else if (n->fd >= 0) {
                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", n->fd);
                int fd = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
                ssize_t r = fd >= 0 ? read(fd, out, sizeof(out) - 1) : -1;
                out[r > 0 ? r : 0] = '\0';
                if (fd >= 0)
                        close(fd);
                close(n->fd);
        } else if (n->kind == VIEW_NULL) {
                snprintf(out, sizeof(out), "null");
        }
        free(n);
        return out;
}

/* Builds the view of a spec written as JSON; -1 with err. */
static int build(struct view *v, struct spec *s, const char *json, struct eg_error *err)
{
        memset(v, 0, sizeof(*v));
        if (spec_parse(json, strlen(json), s, err) < 0) {
                view_init_image(v, root_fd);
                return -1;
        }
        return view_build(v, root_fd, top_fd, s, err);
}

/* What content() says for a failure with errno n. */
static const char *E(int n)
{
        static char out[16];

        snprintf(out, sizeof(out), "E%d", n);
        return out;
}

TEST(go_clean)
{
        static const char *const cases[][2] = {
                {"", "."},
                {"/", "/"},
                {"//bin", "/bin"},
                {"/./bin", "/bin"},
                {"/tmp/../bin", "/bin"},
                {"bin/", "bin"},
                {"a/../../b", "../b"},
                {"/../a", "/a"},
                {"lnk/../rootfs", "rootfs"},
                {"/nonexistent/../foreign/sh", "/foreign/sh"},
                {"./sh", "sh"},
                {"../a/../b", "../b"},
        };
        char out[PATH_MAX];
        struct eg_error err;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                CHECK(path_clean(cases[i][0], out, sizeof(out), &err) == 0);
                CHECK_STR(out, cases[i][1]);
        }
}

TEST(image_alone)
{
        struct view v;

        view_init_image(&v, root_fd);
        CHECK_STR(content(&v, "/", "/bin/sh"), "image-sh");
        CHECK_STR(content(&v, "/", "/tool"), "image-sh");
        CHECK_STR(content(&v, "/", "/app/sh"), "image-app-sh");
        CHECK_STR(content(&v, "/", "/../../bin/sh"), "image-sh");
        CHECK_STR(content(&v, "/", "/loop"), E(ELOOP));
        CHECK_STR(content(&v, "/", "/bin/sh/x"), E(ENOTDIR));
        CHECK_STR(content(&v, "/", "/nope"), E(ENOENT));
        /* physical "..": /app is opt/app, so /app/.. is /opt */
        CHECK_STR(content(&v, "/", "/app/../app/sh"), "image-app-sh");
        view_free(&v);
}

TEST(destinations_are_cleaned_and_resolved)
{
        const char *spellings[] = {"//bin", "/./bin", "/tmp/../bin", "/bin/"};
        struct eg_error err;
        struct spec s;
        struct view v;
        char json[1024];

        for (size_t i = 0; i < 4; i++) {
                snprintf(json, sizeof(json),
                         "{\"mounts\":[{\"destination\":\"%s\",\"type\":\"bind\",\"source\":"
                         "\"vol\",\"options\":[\"rbind\"]}]}",
                         spellings[i]);
                CHECK(build(&v, &s, json, &err) == 0);
                CHECK(v.n_layers == 1 && strcmp(v.layers[0].dest, "/bin") == 0);
                CHECK_STR(content(&v, "/", "/bin/sh"), "vol-sh");
                /* a symlink hop into the volume goes to the volume */
                CHECK_STR(content(&v, "/", "/tool"), "vol-sh");
                view_free(&v);
                spec_free(&s);
        }
        /* securejoin: a destination through the image's symlink /app */
        CHECK(build(&v, &s,
                    "{\"mounts\":[{\"destination\":\"/app\",\"type\":\"bind\",\"source\":\"vol\","
                    "\"options\":[\"bind\"]}]}",
                    &err) == 0);
        CHECK_STR(v.layers[0].dest, "/opt/app");
        CHECK_STR(content(&v, "/", "/app/sh"), "vol-sh");
        view_free(&v);
        spec_free(&s);
}

TEST(bind_at_the_root_and_shadowing)
{
        struct eg_error err;
        struct spec s;
        struct view v;

        CHECK(build(&v, &s,
                    "{\"mounts\":[{\"destination\":\"/\",\"type\":\"none\",\"source\":\"vol\","
                    "\"options\":[\"rbind\"]}]}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/sh"), "vol-sh");
        CHECK_STR(content(&v, "/", "/bin/sh"), E(ENOENT));
        view_free(&v);
        spec_free(&s);
        /* the later mount at the same place wins; a tmpfs over a parent hides
         * a mount made before it below */
        CHECK(build(&v, &s,
                    "{\"mounts\":[{\"destination\":\"/bin\",\"source\":\"vol\",\"options\":"
                    "[\"bind\"]},{\"destination\":\"/bin\",\"source\":\"vol2\",\"options\":"
                    "[\"bind\"]},{\"destination\":\"/opt/app\",\"source\":\"vol\",\"options\":"
                    "[\"bind\"]},{\"destination\":\"/opt\",\"type\":\"tmpfs\"}]}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/bin/sh"), "vol2-sh");
        CHECK_STR(content(&v, "/", "/opt/app/sh"), E(ENOENT));
        view_free(&v);
        spec_free(&s);
        /* a PATH directory missing from the image, made by runc for a mount */
        CHECK(build(&v, &s,
                    "{\"mounts\":[{\"destination\":\"/new/dir/bin\",\"source\":\"vol\","
                    "\"options\":[\"bind\"]}]}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/new/dir/bin/sh"), "vol-sh");
        CHECK_STR(content(&v, "/", "/new/other"), E(ENOENT));
        view_free(&v);
        spec_free(&s);
}

TEST(masks_proc_and_unknown_places)
{
        struct eg_error err;
        struct spec s;
        struct view v;

        CHECK(build(&v, &s,
                    "{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},"
                    "{\"destination\":\"/dev\",\"type\":\"tmpfs\"},"
                    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\"},"
                    "{\"destination\":\"/sys\",\"type\":\"sysfs\"}],"
                    "\"linux\":{\"maskedPaths\":[\"/secret\",\"/tool\",\"/proc/kcore\","
                    "\"/sys/firmware\",\"/nope\"]}}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/secret/sh"), E(ENOENT));     /* an empty tmpfs */
        CHECK_STR(content(&v, "/", "/bin/sh"), "null");           /* /tool's target masked */
        CHECK_STR(content(&v, "/", "/usr/local/bin/sh"), "null"); /* via /proc/self/root */
        CHECK_STR(content(&v, "/", "/proc/1/root/bin/sh"), E(VIEW_UNKNOWN));
        CHECK_STR(content(&v, "/", "/sys/x"), E(VIEW_UNKNOWN));
        CHECK_STR(content(&v, "/", "/dev/x"), E(VIEW_UNKNOWN));
        CHECK_STR(content(&v, "/", "/dev/shm/x"), E(ENOENT)); /* a tmpfs of its own */
        view_free(&v);
        spec_free(&s);
}

TEST(cwd_is_made_when_missing)
{
        struct view v;

        view_init_image(&v, root_fd);
        CHECK_STR(content(&v, "/new/deeper", "../../bin/sh"), "image-sh");
        CHECK_STR(content(&v, "/app", "sh"), "image-app-sh");
        CHECK_STR(content(&v, "/app", "../app/sh"), "image-app-sh");
        view_free(&v);
}

TEST(search_as_the_containers_user)
{
        struct eg_error err;
        struct spec s;
        struct view v;

        char p[512];
        snprintf(p, sizeof(p), "%s/secret", root);
        CHECK(chmod(p, 0750) == 0 && chown(p, 0, 4242) == 0);
        CHECK(build(&v, &s, "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}}", &err) == 0);
        CHECK_STR(content(&v, "/", "/secret/sh"), E(EACCES));
        CHECK_STR(content(&v, "/", "/bin/sh"), "image-sh");
        view_free(&v);
        spec_free(&s);
        CHECK(build(&v, &s,
                    "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[7,"
                    "4242]}}}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/secret/sh"), "secret-sh");
        view_free(&v);
        spec_free(&s);
        CHECK(build(&v, &s,
                    "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000},\"capabilities\":{"
                    "\"effective\":[\"CAP_DAC_READ_SEARCH\"]}}}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/secret/sh"), "secret-sh");
        view_free(&v);
        spec_free(&s);
        /* a user namespace: only a directory every class may search */
        CHECK(build(&v, &s,
                    "{\"process\":{\"capabilities\":{\"effective\":[\"CAP_DAC_OVERRIDE\"]}},"
                    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"user\"}]}}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/secret/sh"), E(VIEW_UNKNOWN));
        CHECK_STR(content(&v, "/", "/bin/sh"), "image-sh");
        view_free(&v);
        spec_free(&s);
        /* root without CAP_DAC_*: the owner bits, which are root's */
        CHECK(chmod(p, 0070) == 0);
        CHECK(build(&v, &s, "{\"process\":{\"user\":{\"uid\":0,\"gid\":5}}}", &err) == 0);
        CHECK_STR(content(&v, "/", "/secret/sh"), E(EACCES));
        view_free(&v);
        spec_free(&s);
        CHECK(chmod(p, 0755) == 0);
}

TEST(specs_runc_would_not_run)
{
        struct eg_error err;
        struct spec s;
        struct view v;

        CHECK(build(&v, &s, "{\"process\":{\"user\":{\"uid\":4294967295}}}", &err) == -1);
        CHECK(strstr(err.msg, "out of range") != NULL);
        view_free(&v);
        spec_free(&s);
        CHECK(build(&v, &s, "{\"process\":{\"user\":{\"additionalGids\":[null]}}}", &err) == -1);
        view_free(&v);
        spec_free(&s);
        /* a source that cannot be opened (runc fails to mount it) or that
         * depends on runc's $PWD: unknown to a lookup that goes there */
        CHECK(build(&v, &s,
                    "{\"mounts\":[{\"destination\":\"/x\",\"source\":\"nope\",\"options\":"
                    "[\"bind\"]},{\"destination\":\"/y\",\"source\":\"../../etc\","
                    "\"options\":[\"bind\"]}]}",
                    &err) == 0);
        CHECK_STR(content(&v, "/", "/x/sh"), E(VIEW_UNKNOWN));
        CHECK_STR(content(&v, "/", "/y/sh"), E(VIEW_UNKNOWN));
        CHECK_STR(content(&v, "/", "/bin/sh"), "image-sh");
        view_free(&v);
        spec_free(&s);
        CHECK(build(&v, &s, "{\"mounts\":[{\"destination\":\"/loop/x\",\"type\":\"tmpfs\"}]}",
                    &err) == -1);
        CHECK(err.errnum == ELOOP);
        view_free(&v);
        spec_free(&s);
}

TEST(a_budget_of_symlinks)
{
        struct view v;
        int unknown_at = -1;

        view_init_image(&v, root_fd);
        for (int i = 0; i < 40 && unknown_at < 0; i++)
                if (strcmp(content(&v, "/", "/loop"), E(VIEW_UNKNOWN)) == 0)
                        unknown_at = i;
        /* 41 links a lookup: the 25th goes over 1024 */
        CHECK(unknown_at == VIEW_LINKS_BUDGET / (VIEW_SYMLINKS_MAX + 1));
        view_free(&v);
}

TEST(cleanup)
{
        char cmd[256];

        close(root_fd);
        close(top_fd);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
        CHECK(system(cmd) == 0);
}

HARNESS_MAIN(RUN(build_tree); RUN(go_clean); RUN(image_alone);
             RUN(destinations_are_cleaned_and_resolved); RUN(bind_at_the_root_and_shadowing);
             RUN(masks_proc_and_unknown_places); RUN(cwd_is_made_when_missing);
             RUN(search_as_the_containers_user); RUN(specs_runc_would_not_run);
             RUN(a_budget_of_symlinks); RUN(cleanup))
