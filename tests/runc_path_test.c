/* Which runc gets exec'd: the configured one, else the first usual location
 * that is a regular file and not edgeguard itself. */
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../shim/runc_path.h"

static char dir[160];
static char a[320], b[320], c[320], self[320], selfcopy[320], selflink[320];

static void write_file(const char *path, const char *content)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
        CHECK(fd >= 0 && write(fd, content, strlen(content)) == (ssize_t)strlen(content));
        close(fd);
}

static void setup(void)
{
        CHECK(harness_mkdtemp(dir, sizeof(dir), "path") != NULL);
        snprintf(a, sizeof a, "%s/a", dir);
        snprintf(b, sizeof b, "%s/b", dir);
        snprintf(c, sizeof c, "%s/c", dir);
        snprintf(self, sizeof self, "%s/self", dir);
        snprintf(selfcopy, sizeof selfcopy, "%s/selfcopy", dir);
        snprintf(selflink, sizeof selflink, "%s/selflink", dir);
        write_file(self, "I am edgeguard");
        write_file(selfcopy, "I am edgeguard");
        CHECK(symlink(self, selflink) == 0);
        CHECK(mkdir(b, 0755) == 0); /* a directory is not a runc */
        write_file(c, "I am runc, longer");
}

TEST(first_usable_candidate)
{
        const char *list[] = {a, b, selflink, selfcopy, c, NULL};
        struct eg_error err = {0};
        CHECK_STR(runc_path_find(NULL, list, self, &err), c);
}

TEST(none_usable_names_every_path_and_why)
{
        const char *list[] = {a, b, selflink, NULL};
        struct eg_error err = {0};
        CHECK(runc_path_find(NULL, list, self, &err) == NULL);
        CHECK(strstr(err.msg, "(missing)") != NULL);
        CHECK(strstr(err.msg, "(not a regular file)") != NULL);
        CHECK(strstr(err.msg, "(edgeguard itself)") != NULL);
        CHECK(strstr(err.msg, "EDGEGUARD_RUNC") != NULL);
}

TEST(configured_path_wins_and_is_checked)
{
        const char *list[] = {c, NULL};
        struct eg_error err = {0};
        CHECK_STR(runc_path_find(c, list, self, &err), c);
        CHECK(runc_path_find("runc", list, self, &err) == NULL);
        CHECK(strstr(err.msg, "absolute") != NULL);
        CHECK(runc_path_find(a, list, self, &err) == NULL); /* no fallback to the list */
        CHECK(strstr(err.msg, a) != NULL);
        CHECK(runc_path_find(selfcopy, list, self, &err) == NULL);
        CHECK(strstr(err.msg, "edgeguard itself") != NULL);
        CHECK(runc_path_find(b, list, self, &err) == NULL);
}

static void teardown(void)
{
        unlink(a);
        unlink(c);
        unlink(self);
        unlink(selfcopy);
        unlink(selflink);
        rmdir(b);
        rmdir(dir);
}

HARNESS_MAIN(setup(); RUN(first_usable_candidate); RUN(none_usable_names_every_path_and_why);
             RUN(configured_path_wins_and_is_checked); teardown())
