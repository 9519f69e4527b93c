/* Confined path resolution: the same table of hostile paths through
 * openat2 and through the fallback walk; both must stay inside the rootfs
 * and agree with each other. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/rootfs.h"
#include "harness.h"

#include <valgrind/valgrind.h>

static char top[160];
static bool have_openat2;
static char root[256], outside[256];

static void mk(const char *rel, const char *kind, const char *arg)
{
        char p[512];

        snprintf(p, sizeof(p), "%s/%s", root, rel);
        if (strcmp(kind, "dir") == 0)
                CHECK(mkdir(p, 0755) == 0);
        else if (strcmp(kind, "link") == 0)
                CHECK(symlink(arg, p) == 0);
        else if (strcmp(kind, "fifo") == 0)
                CHECK(mkfifo(p, 0755) == 0);
        else {
                FILE *f = fopen(p, "we");
                CHECK(f != NULL);
                if (f) {
                        fputs(arg, f);
                        fclose(f);
                }
        }
}

static void build_tree(void)
{
        snprintf(root, sizeof(root), "%s/rootfs", top);
        snprintf(outside, sizeof(outside), "%s/outside", top);
        CHECK(mkdir(root, 0755) == 0 && mkdir(outside, 0755) == 0);
        char secret[512];
        snprintf(secret, sizeof(secret), "%s/secret", outside);
        FILE *f = fopen(secret, "we");
        if (f) {
                fputs("host", f);
                fclose(f);
        }
        mk("bin", "dir", NULL);
        mk("usr", "dir", NULL);
        mk("usr/bin", "dir", NULL);
        mk("bin/real", "file", "inside");
        mk("usr/bin/tool", "file", "tool");
        mk("bin/abs", "link", "/bin/real");
        mk("bin/rel", "link", "real");
        mk("bin/dotdot", "link", "../../../../../../bin/real");
        mk("bin/escape-rel", "link", "../../outside/secret");
        mk("bin/escape-abs", "link", secret);
        mk("bin/to-usr", "link", "/usr");
        mk("bin/loop-a", "link", "loop-b");
        mk("bin/loop-b", "link", "loop-a");
        mk("bin/self", "link", "self");
        mk("bin/proc-magic", "link", "/proc/self/root/bin/real");
        mk("bin/fifo", "fifo", NULL);
        mk("bin/chain1", "link", "chain2");
        mk("bin/chain2", "link", "/bin/../usr/./bin//tool");
        mk("bin/dir-link", "link", "/usr/bin/");
        mk("bin/dangling", "link", "/nowhere");
}

/* Reads the file behind an O_PATH fd, "" when not a readable regular file */
static void contents(int fd, char *out, size_t size)
{
        struct eg_error err;
        cleanup_close int r = rootfs_reopen_regular(fd, &err);
        ssize_t n = r >= 0 ? read(r, out, size - 1) : -1;

        out[n > 0 ? n : 0] = '\0';
}

struct resolve_case {
        const char *path;
        const char *want; /* file contents, or NULL: expect want_errno */
        int want_errno;
};

static const struct resolve_case cases[] = {
        {"/bin/real", "inside", 0},
        {"bin/real", "inside", 0},
        {"/bin/abs", "inside", 0},
        {"/bin/rel", "inside", 0},
        {"/bin/dotdot", "inside", 0},
        {"/../../../bin/real", "inside", 0},
        {"/bin/escape-rel", NULL, ENOENT}, /* ../../outside clamps at the rootfs */
        {"/bin/escape-abs", NULL, ENOENT}, /* an absolute host path means the rootfs one */
        {"/bin/to-usr/bin/tool", "tool", 0},
        {"/bin/to-usr/../bin/real", "inside", 0}, /* ".." is physical: /usr/.. is / */
        {"/bin/chain1", "tool", 0},
        {"/bin/dir-link/tool", "tool", 0},
        {"/bin/loop-a", NULL, ELOOP},
        {"/bin/self", NULL, ELOOP},
        {"/bin/dangling", NULL, ENOENT},
        {"/bin/real/x", NULL, ENOTDIR},
        {"/bin/nothing", NULL, ENOENT},
        {"/bin/proc-magic", NULL, ENOENT}, /* no procfs in an image: a plain missing path */
};

static void run_cases(enum rootfs_resolver resolver, size_t n_cases)
{
        cleanup_close int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        for (size_t i = 0; i < n_cases; i++) {
                struct eg_error err = {0};
                char got[64] = "";
                int fd = rootfs_open(root_fd, cases[i].path, resolver, &err);

                if (fd >= 0) {
                        contents(fd, got, sizeof(got));
                        close(fd);
                }
                if (cases[i].want ? (fd < 0 || strcmp(got, cases[i].want) != 0)
                                  : (fd >= 0 || err.errnum != cases[i].want_errno)) {
                        printf("#   %s: fd %d, contents \"%s\", error \"%s\" (errno %d)\n",
                               cases[i].path, fd, got, err.msg, err.errnum);
                        harness_case_failed = 1;
                }
        }
}

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

TEST(openat2_resolver)
{
        run_cases(ROOTFS_OPENAT2, N_CASES);
}

TEST(openat2_missing)
{
        printf("#   openat2 is not available on this kernel\n");
        harness_case_failed = 1;
}

TEST(fallback_resolver)
{
        run_cases(ROOTFS_FALLBACK, N_CASES);
}

/* Under valgrind, which lacks openat2, this is the ENOSYS fallback; one
 * case is enough to show it, each call prints a valgrind warning. */
TEST(auto_resolver)
{
        run_cases(ROOTFS_AUTO, RUNNING_ON_VALGRIND ? 1 : N_CASES);
}

TEST(special_files_open_without_side_effects)
{
        cleanup_close int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        enum rootfs_resolver both[] = {ROOTFS_FALLBACK, ROOTFS_OPENAT2};

        for (int i = 0; i < (have_openat2 ? 2 : 1); i++) {
                struct eg_error err = {0};
                struct stat st;
                /* a FIFO nobody writes to: O_PATH does not wait for a writer */
                cleanup_close int fd = rootfs_open(root_fd, "/bin/fifo", both[i], &err);
                CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode));
                CHECK(rootfs_reopen_regular(fd, &err) == -1);
                CHECK_STR(err.msg, "not a regular file");
        }
}

TEST(dotdot_at_the_top_and_the_top_itself)
{
        cleanup_close int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        enum rootfs_resolver both[] = {ROOTFS_FALLBACK, ROOTFS_OPENAT2};

        for (int i = 0; i < (have_openat2 ? 2 : 1); i++) {
                struct eg_error err = {0};
                struct stat a, b;
                cleanup_close int fd = rootfs_open(root_fd, "/..", both[i], &err);
                CHECK(fd >= 0 && fstat(fd, &a) == 0 && fstat(root_fd, &b) == 0);
                CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
                CHECK(rootfs_open(root_fd, "", both[i], &err) == -1 && err.errnum == ENOENT);
        }
}

TEST(fallback_bounds_a_long_symlink_chain)
{
        cleanup_close int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct eg_error err = {0};
        char name[32], target[32];

        /* 41 links in a row: one over the kernel's limit, for both resolvers */
        for (int i = 0; i < 41; i++) {
                snprintf(name, sizeof(name), "bin/l%d", i);
                snprintf(target, sizeof(target), i == 40 ? "/bin/real" : "l%d", i + 1);
                mk(name, "link", target);
        }
        CHECK(rootfs_open(root_fd, "/bin/l0", ROOTFS_FALLBACK, &err) == -1 && err.errnum == ELOOP);
        CHECK(!have_openat2 ||
              (rootfs_open(root_fd, "/bin/l0", ROOTFS_OPENAT2, &err) == -1 && err.errnum == ELOOP));
        int fd = rootfs_open(root_fd, "/bin/l1", ROOTFS_FALLBACK, &err);
        CHECK(fd >= 0);
        if (fd >= 0)
                close(fd);
}

int main(void)
{
        if (harness_mkdtemp(top, sizeof(top), "rootfs-test") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(build_tree);
        have_openat2 = rootfs_resolver_detect() == ROOTFS_OPENAT2;
        if (have_openat2)
                RUN(openat2_resolver);
        else if (RUNNING_ON_VALGRIND)
                printf("# valgrind lacks openat2: its cases run in the plain and sanitizer "
                       "suites\n");
        else
                RUN(openat2_missing); /* kernels >= 5.6 have it: a failure here, not a skip */
        RUN(fallback_resolver);
        RUN(auto_resolver);
        RUN(special_files_open_without_side_effects);
        RUN(dotdot_at_the_top_and_the_top_itself);
        RUN(fallback_bounds_a_long_symlink_chain);
        char cmd[1024];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
        if (system(cmd) != 0)
                harness_failed++;
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
