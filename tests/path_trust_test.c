/* path_trusted: who may change a directory on the way to the bundle or the
 * rootfs, as sshd's secure_filename judges it. */
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/path_trust.h"
#include "harness.h"

static char top[160];

static void expect_trusted(const char *path, uid_t uid)
{
        char problem[512];

        if (!path_trusted(path, uid, true, problem, sizeof(problem))) {
                printf("#   %s (uid %u) refused: %s\n", path, (unsigned)uid, problem);
                harness_case_failed = 1;
        }
}

static void expect_refused(const char *path, uid_t uid, const char *words)
{
        char problem[512];

        if (path_trusted(path, uid, true, problem, sizeof(problem))) {
                printf("#   %s (uid %u) trusted\n", path, (unsigned)uid);
                harness_case_failed = 1;
        } else if (strstr(problem, words) == NULL) {
                printf("#   %s: \"%s\" lacks \"%s\"\n", path, problem, words);
                harness_case_failed = 1;
        }
}

TEST(owners_and_modes)
{
        char p[512], problem[512];

        harness_sh("mkdir -p '%s/a/b' '%s/user/b' '%s/grp/b' '%s/other/b' && chmod 0755 '%s/a' "
                   "'%s/a/b' && chown 1000 '%s/user' && chmod 0775 '%s/grp' && chmod 0757 "
                   "'%s/other'",
                   top, top, top, top, top, top, top, top, top);
        snprintf(p, sizeof(p), "%s/a/b", top);
        expect_trusted(p, 0);
        snprintf(p, sizeof(p), "%s/user/b", top);
        expect_refused(p, 0, "/user is owned by uid 1000, not by root or the caller (uid 0)");
        /* the caller's own directories are fine for the caller */
        expect_trusted(p, 1000);
        snprintf(p, sizeof(p), "%s/grp/b", top);
        expect_refused(p, 0, "/grp is writable by its group (mode 0775)");
        snprintf(p, sizeof(p), "%s/other/b", top);
        expect_refused(p, 0, "/other is writable by everyone (mode 0757)");
        expect_refused("relative/path", 0, "not an absolute path");
        /* the directories above only: a rootfs may be its userns root's */
        snprintf(p, sizeof(p), "%s/user", top);
        expect_refused(p, 0, "owned by uid 1000");
        CHECK(path_trusted(p, 0, false, problem, sizeof(problem)));
        snprintf(p, sizeof(p), "%s/user/b", top);
        CHECK(!path_trusted(p, 0, false, problem, sizeof(problem)));
        snprintf(p, sizeof(p), "%s/a/missing", top);
        expect_refused(p, 0, "No such file or directory");
}

TEST(sticky_directories)
{
        char p[512];

        /* root's sticky directory (/tmp): an entry's owner alone renames it */
        harness_sh("mkdir -p '%s/sticky/b' '%s/usticky/b' && chmod 1777 '%s/sticky' "
                   "'%s/usticky' && chown 1000 '%s/usticky'",
                   top, top, top, top, top);
        snprintf(p, sizeof(p), "%s/sticky/b", top);
        expect_trusted(p, 0);
        /* not at the end: the bundle itself may not be writable by all */
        snprintf(p, sizeof(p), "%s/sticky", top);
        expect_refused(p, 0, "writable by everyone (mode 1777)");
        /* a user's sticky directory: that user may still swap entries */
        snprintf(p, sizeof(p), "%s/usticky/b", top);
        expect_refused(p, 0, "owned by uid 1000");
}

TEST(symlinks_followed_and_checked)
{
        char p[512];

        harness_sh(
                "mkdir -p '%s/s/real/b' '%s/s/user/b' && chown 1000 '%s/s/user' && ln -sfn "
                "real '%s/s/rel' && ln -sfn '%s/s/user' '%s/s/abs' && ln -sfn loop2 '%s/s/loop1' "
                "&& ln -sfn loop1 '%s/s/loop2'",
                top, top, top, top, top, top, top, top);
        snprintf(p, sizeof(p), "%s/s/rel/b", top);
        expect_trusted(p, 0);
        /* the link is safe in a safe directory, its target is not */
        snprintf(p, sizeof(p), "%s/s/abs/b", top);
        expect_refused(p, 0, "/s/user is owned by uid 1000");
        snprintf(p, sizeof(p), "%s/s/loop1/b", top);
        expect_refused(p, 0, "too many symbolic links");
        snprintf(p, sizeof(p), "%s/s/user/../real/b", top);
        expect_refused(p, 0,
                       "/s/user is owned by uid 1000"); /* walked through, as the kernel does */
        snprintf(p, sizeof(p), "%s/s/./real//b/", top);
        expect_trusted(p, 0);
}

int main(void)
{
        if (harness_mkdtemp(top, sizeof(top), "path-trust") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(owners_and_modes);
        RUN(sticky_directories);
        RUN(symlinks_followed_and_checked);
        harness_sh("rm -rf '%s'", top);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
