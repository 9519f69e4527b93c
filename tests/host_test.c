/* Host facts from fake /proc and /sys trees (tests/data/host/<case>/) and
 * from the real machine; binfmt_misc entries matched against real foreign
 * binaries' headers. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../oci/host.h"
#include "harness.h"

#define DATA "tests/data/host/"

static int probe_yes(void)
{
        return 1;
}

static int probe_no(void)
{
        return 0;
}

static int probe_must_not_run(void)
{
        printf("#   the AArch32 probe ran on a host that is not arm64\n");
        harness_case_failed = 1;
        return -1;
}

static void fake(const char *name, const char *machine, int (*probe)(void), struct host_facts *h)
{
        char proc[256], sys[256];
        struct host_sources src = {proc, sys, "Linux", machine, probe, NULL};
        struct eg_error err = {0};

        snprintf(proc, sizeof(proc), DATA "%s/proc", name);
        snprintf(sys, sizeof(sys), DATA "%s/sys", name);
        if (host_detect(&src, h, &err) < 0) {
                printf("#   %s: %s\n", name, err.msg);
                harness_case_failed = 1;
        }
}

static const char *fmt(const struct platform *p)
{
        static char buf[128];

        platform_format(p, buf, sizeof(buf));
        return buf;
}

static struct platform P(const char *text) {
        struct platform p;
        struct eg_error err;

        if (platform_parse(text, &p, &err) < 0)
                memset(&p, 0, sizeof(p));
        return p;
}

static enum platform_support
runs(const struct host_facts *h, const char *text)
{
        struct platform p = P(text);
        return host_runs(h, &p);
}

TEST(pi_zero_is_armv6_despite_its_cpuinfo)
{
        struct host_facts h;

        fake("pi-zero", "armv6l", probe_must_not_run, &h);
        CHECK_STR(fmt(&h.platform), "linux/arm/v6");
        CHECK_STR(h.cpu_model, "ARMv6-compatible processor rev 7 (v6l)");
        /* even where uname claims v7, the model name decides, as containerd does */
        fake("pi-zero", "armv7l", probe_must_not_run, &h);
        CHECK_STR(fmt(&h.platform), "linux/arm/v6");
        CHECK(runs(&h, "linux/arm/v6") == PLATFORM_NATIVE);
        CHECK(runs(&h, "linux/arm/v5") == PLATFORM_COMPATIBLE);
        CHECK(runs(&h, "linux/arm/v7") == PLATFORM_UNSUPPORTED);
        CHECK(runs(&h, "linux/arm64") == PLATFORM_UNSUPPORTED);
        CHECK(h.aarch32 == HOST_AARCH32_NOT_ARM64);
}

TEST(pi3_with_a_32_bit_kernel)
{
        struct host_facts h;

        fake("pi3-32bit", "armv7l", probe_must_not_run, &h);
        CHECK_STR(fmt(&h.platform), "linux/arm/v7");
        CHECK(runs(&h, "linux/arm/v7") == PLATFORM_NATIVE);
        CHECK(runs(&h, "linux/arm/v6") == PLATFORM_COMPATIBLE);
        CHECK(runs(&h, "linux/arm64") == PLATFORM_UNSUPPORTED);
        /* a 4.x kernel whose list ends at CAP_AUDIT_READ, under a service
         * manager that dropped CAP_SYS_RESOURCE */
        CHECK(h.cap_last == 37);
        CHECK(h.has_cap_bounding && h.cap_bounding == UINT64_C(0x3ffeffffff));
}

/* What runc could grant is unknown when /proc says nothing sensible. */
TEST(capability_facts_unreadable)
{
        struct host_facts h;
        struct eg_error err = {0};

        fake("pi-zero", "armv6l", probe_must_not_run, &h);
        CHECK(h.cap_last == -1 && !h.has_cap_bounding);
        fake("amd64-v4-binfmt", "x86_64", probe_must_not_run, &h); /* no such files */
        CHECK(h.cap_last == -1 && !h.has_cap_bounding);
        CHECK(host_simulate("linux/arm64", &h, &err) == 0);
        CHECK(h.cap_last == -1 && !h.has_cap_bounding);
}

TEST(arm64_with_and_without_aarch32)
{
        struct host_facts h;

        fake("arm64-aarch32", "aarch64", probe_no, &h); /* sysfs answers first */
        CHECK_STR(fmt(&h.platform), "linux/arm64");
        CHECK(h.aarch32 == HOST_AARCH32_YES);
        CHECK_STR(h.aarch32_source, "sysfs aarch32_el0");
        CHECK(runs(&h, "linux/arm64") == PLATFORM_NATIVE);
        CHECK(runs(&h, "linux/arm/v7") == PLATFORM_COMPATIBLE);
        CHECK(runs(&h, "linux/arm/v5") == PLATFORM_COMPATIBLE);
        CHECK(runs(&h, "linux/amd64") == PLATFORM_UNSUPPORTED);

        fake("arm64-no-aarch32", "aarch64", probe_no, &h);
        CHECK(h.aarch32 == HOST_AARCH32_NO);
        CHECK_STR(h.aarch32_source, "personality(PER_LINUX32)");
        CHECK(runs(&h, "linux/arm64") == PLATFORM_NATIVE);
        CHECK(runs(&h, "linux/arm/v7") == PLATFORM_UNSUPPORTED);

        fake("arm64-no-aarch32", "aarch64", probe_yes, &h);
        CHECK(h.aarch32 == HOST_AARCH32_YES);
        fake("arm64-no-aarch32", "aarch64", NULL, &h);
        CHECK(h.aarch32 == HOST_AARCH32_UNKNOWN);
        CHECK(runs(&h, "linux/arm/v7") == PLATFORM_COMPATIBLE); /* containerd's assumption */
}

static void read_head(const char *debian_arch, const char *name, unsigned char *head)
{
        char path[512];
        const char *foreign = harness_foreign_dir();
        int fd;

        memset(head, 0, BINFMT_BUF_SIZE);
        snprintf(path, sizeof(path), "%s/%s/%s", foreign, debian_arch, name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        CHECK(fd >= 0);
        if (fd >= 0) {
                CHECK(read(fd, head, BINFMT_BUF_SIZE) == BINFMT_BUF_SIZE);
                close(fd);
        }
}

TEST(amd64_level_and_binfmt_entries)
{
        struct host_facts h;
        unsigned char head[BINFMT_BUF_SIZE];
        const struct binfmt_entry *e;

        fake("amd64-v4-binfmt", "x86_64", probe_must_not_run, &h);
        CHECK_STR(fmt(&h.platform), "linux/amd64/v4");
        CHECK(runs(&h, "linux/386") == PLATFORM_COMPATIBLE);
        CHECK(runs(&h, "linux/amd64/v3") == PLATFORM_NATIVE);
        CHECK(h.binfmt.mounted && h.binfmt.enabled);
        CHECK(h.binfmt.n == 4); /* "broken" has a bad magic: not an entry the kernel has */

        read_head("arm64", "busybox-static", head);
        e = binfmt_match(&h.binfmt, head, "/bin/busybox");
        CHECK(e != NULL && strcmp(e->name, "qemu-aarch64") == 0 && e->fix_binary);
        CHECK(e != NULL &&
              strcmp(e->interpreter, "/usr/libexec/qemu-binfmt/aarch64-binfmt-P") == 0);
        read_head("armhf", "busybox", head);
        e = binfmt_match(&h.binfmt, head, "/bin/busybox");
        CHECK(e != NULL && strcmp(e->name, "qemu-arm") == 0 && !e->fix_binary);
        CHECK_STR(e ? e->flags : NULL, "OC");
        read_head("amd64", "busybox-static", head);
        CHECK(binfmt_match(&h.binfmt, head, "/bin/busybox") == NULL);
        read_head("s390x", "busybox-static", head);
        CHECK(binfmt_match(&h.binfmt, head, "/bin/busybox") == NULL);
        /* a disabled entry is not used; an extension entry matches by name */
        memset(head, 0, sizeof(head));
        memcpy(head, "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\363\0", 20);
        CHECK(binfmt_match(&h.binfmt, head, "/bin/riscv") == NULL);
        e = binfmt_match(&h.binfmt, head, "/app/setup.exe");
        CHECK(e != NULL && strcmp(e->name, "wine") == 0);

        fake("amd64-v2-disabled", "x86_64", probe_must_not_run, &h);
        CHECK_STR(fmt(&h.platform), "linux/amd64/v2");
        CHECK(runs(&h, "linux/amd64/v3") == PLATFORM_UNSUPPORTED); /* SIGILL, not a crash loop */
        CHECK(runs(&h, "linux/amd64") == PLATFORM_NATIVE);
        CHECK(h.binfmt.mounted && !h.binfmt.enabled);
        read_head("arm64", "busybox-static", head);
        CHECK(binfmt_match(&h.binfmt, head, "/bin/busybox") == NULL);
}

TEST(binfmt_entry_parsing)
{
        struct binfmt_entry e;
        struct eg_error err = {0};

        CHECK(binfmt_parse_entry("x", "enabled\ninterpreter /i\nflags: F\noffset 2\nmagic 4142\n",
                                 &e, &err) == 0);
        CHECK(e.enabled && e.fix_binary && e.offset == 2 && e.magic_len == 2);
        CHECK(e.mask[0] == 0xff && e.mask[1] == 0xff);
        CHECK(binfmt_parse_entry("x", "enabled\nmagic 41\nmask ffff\n", &e, &err) == -1);
        CHECK_STR(err.msg, "binfmt_misc entry x: mask and magic differ in length");
        CHECK(binfmt_parse_entry("x", "enabled\ninterpreter /i\n", &e, &err) == -1);
        CHECK_STR(err.msg, "binfmt_misc entry x: neither magic nor extension");
        /* magic beyond the 256 bytes the kernel reads never matches */
        unsigned char head[BINFMT_BUF_SIZE] = {0};
        struct binfmt_table t = {.mounted = true, .enabled = true, .n = 1};
        CHECK(binfmt_parse_entry("far", "enabled\noffset 255\nmagic 0000\n", &t.entries[0], &err) ==
              0);
        CHECK(binfmt_match(&t, head, "/x") == NULL);
        t.entries[0].offset = 254;
        CHECK(binfmt_match(&t, head, "/x") == &t.entries[0]);
}

TEST(simulated_hosts)
{
        struct host_facts h;
        struct eg_error err = {0};

        CHECK(host_simulate("windows/amd64", &h, &err) == 0);
        CHECK_STR(fmt(&h.platform), "windows/amd64");
        CHECK(h.simulated && !h.binfmt.mounted);
        CHECK(host_simulate("arm64", &h, &err) == 0);
        CHECK_STR(fmt(&h.platform), "linux/arm64");
        CHECK(h.aarch32 == HOST_AARCH32_UNKNOWN);
        CHECK(host_simulate("linux/armhf", &h, &err) == 0);
        CHECK_STR(fmt(&h.platform), "linux/arm/v7");
        CHECK(host_simulate("linux/arm/v7/extra", &h, &err) == -1);
        CHECK_STR(err.msg,
                  "simulated host: platform \"linux/arm/v7/extra\" is not OS/ARCH[/VARIANT]");
        CHECK(host_simulate("linux/x\"y", &h, &err) == -1);
}

TEST(the_real_host)
{
        struct host_sources src;
        struct host_facts h;
        struct eg_error err = {0};
        struct utsname u;
        struct platform want;
        char mounts[65536] = "";
        int fd;

        host_sources_default(&src);
        CHECK(host_detect(&src, &h, &err) == 0);
        CHECK(uname(&u) == 0);
        CHECK(platform_set(&want, "linux", u.machine, NULL, &err) == 0);
        CHECK_STR(h.platform.os, "linux");
        CHECK_STR(h.platform.arch, want.arch);
        CHECK_STR(h.machine, u.machine);
        CHECK(h.scmp_native != 0);
        CHECK(host_runs(&h, &h.platform) == PLATFORM_NATIVE);
        /* runc as root inherits a bounding set that holds at least CAP_SYS_ADMIN */
        CHECK(h.cap_last >= 37 && h.cap_last < 64);
        CHECK(h.has_cap_bounding && (h.cap_bounding & (UINT64_C(1) << 21)));
        /* binfmt_misc mounted exactly when /proc/mounts says so */
        fd = open("/proc/self/mounts", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                ssize_t n = read(fd, mounts, sizeof(mounts) - 1);
                mounts[n > 0 ? n : 0] = '\0';
                close(fd);
        }
        CHECK(h.binfmt.mounted ==
              (strstr(mounts, " /proc/sys/fs/binfmt_misc binfmt_misc ") != NULL));
        printf("# this host: %s (%s), AArch32 %s, binfmt_misc %s%s\n", fmt(&h.platform), h.machine,
               host_aarch32_name(h.aarch32),
               h.binfmt.mounted ? "mounted" : "not mounted: ", h.binfmt.note);
}

HARNESS_MAIN(RUN(pi_zero_is_armv6_despite_its_cpuinfo), RUN(pi3_with_a_32_bit_kernel),
             RUN(capability_facts_unreadable), RUN(arm64_with_and_without_aarch32),
             RUN(amd64_level_and_binfmt_entries), RUN(binfmt_entry_parsing), RUN(simulated_hosts),
             RUN(the_real_host))
