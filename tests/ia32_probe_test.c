/* The IA32 probe and its per-boot cache: the answer is the kernel's (the
 * same as running the probe), kept for the boot, and a cache anyone but
 * root could have written, or from another boot, is not believed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../shim/ia32_probe.h"
#include "harness.h"

static char dir[] = "/tmp/edgeguard-ia32-test.XXXXXX";
static char cache[128], boot[64];

static void put(const char *text, mode_t mode)
{
        int fd;

        unlink(cache);
        fd = open(cache, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
        if (fd >= 0)
                close(fd);
        CHECK(chmod(cache, mode) == 0);
}

static void get(char *out, size_t size)
{
        int fd = open(cache, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, out, size - 1) : -1;

        out[n > 0 ? n : 0] = '\0';
        if (fd >= 0)
                close(fd);
}

TEST(probe_cached_for_the_boot)
{
        int truth = ia32_probe_exec(), forged;
        char want[128], text[128], line[128];
        struct stat st;

        /* this machine answers: an amd64 kernel either runs it or says ENOEXEC */
        CHECK(truth == 0 || truth == 1);
        printf("# this kernel runs 32-bit x86: %s\n", truth == 1 ? "yes" : "no");
        forged = !truth;

        CHECK(ia32_probe_cached() == truth);
        snprintf(want, sizeof(want), "%s %s\n", truth ? "yes" : "no", boot);
        get(text, sizeof(text));
        CHECK_STR(text, want);
        CHECK(stat(cache, &st) == 0 && st.st_uid == 0 && (st.st_mode & 07777) == 0644);

        /* believed when root's and of this boot: the forged answer comes back */
        snprintf(line, sizeof(line), "%s %s\n", forged ? "yes" : "no", boot);
        put(line, 0644);
        CHECK(ia32_probe_cached() == forged);

        /* writable by others: probed again, and the cache replaced */
        put(line, 0666);
        CHECK(ia32_probe_cached() == truth);
        get(text, sizeof(text));
        CHECK_STR(text, want);

        /* another boot's: probed again */
        snprintf(line, sizeof(line), "%s 00000000-0000-0000-0000-000000000000\n",
                 forged ? "yes" : "no");
        put(line, 0644);
        CHECK(ia32_probe_cached() == truth);

        /* a symlink is not followed */
        put(line, 0644);
        unlink(cache);
        snprintf(text, sizeof(text), "%s/elsewhere", dir);
        put(want, 0644); /* the right answer, to be moved aside */
        CHECK(rename(cache, text) == 0);
        CHECK(symlink(text, cache) == 0);
        snprintf(line, sizeof(line), "%s %s\n", forged ? "yes" : "no", boot);
        {
                int fd = open(text, O_WRONLY | O_TRUNC | O_CLOEXEC);
                CHECK(fd >= 0 && write(fd, line, strlen(line)) == (ssize_t)strlen(line));
                if (fd >= 0)
                        close(fd);
        }
        CHECK(ia32_probe_cached() == truth);

        /* garbage: probed again */
        put("maybe\n", 0644);
        CHECK(ia32_probe_cached() == truth);
}

/* root's, as the cache is: run as another user it fails, never skips */
TEST(setup_as_root)
{
        int fd;
        ssize_t n;

        CHECK(geteuid() == 0);
        CHECK(mkdtemp(dir) != NULL);
        snprintf(cache, sizeof(cache), "%s/ia32", dir);
        setenv("EDGEGUARD_IA32_CACHE", cache, 1);
        fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
        n = fd >= 0 ? read(fd, boot, sizeof(boot) - 1) : -1;
        CHECK(n > 0);
        boot[n > 0 ? n : 0] = '\0';
        boot[strcspn(boot, "\n")] = '\0';
        if (fd >= 0)
                close(fd);
}

TEST(cleanup)
{
        char path[160];

        snprintf(path, sizeof(path), "%s/elsewhere", dir);
        unlink(path);
        unlink(cache);
        CHECK(rmdir(dir) == 0);
}

HARNESS_MAIN(RUN(setup_as_root), RUN(probe_cached_for_the_boot), RUN(cleanup))
