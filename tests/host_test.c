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
        printf("#   a probe ran on a host of another architecture\n");
        harness_case_failed = 1;
        return -1;
}

static void fake(const char *name, const char *machine, int (*probe)(void), struct host_facts *h)
{
        char proc[256], sys[256];
        struct host_sources src = {proc, sys, "Linux", machine, probe, NULL, NULL};
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

static int probe_ia32_no(void)
{
        return 0;
}

static int probe_ia32_yes(void)
{
        return 1;
}

static int probe_ia32_unknown(void)
{
        return -1;
}

/* An amd64 kernel without IA32 emulation (CONFIG_IA32_EMULATION unset,
 * ia32_emulation=0, a PVM guest): the probe's answer decides 386. */
TEST(amd64_with_and_without_ia32)
{
        static const struct {
                int (*probe)(void);
                enum host_ia32 ia32;
                const char *source;
                enum platform_support i386;
        } cases[] = {
                {probe_ia32_yes, HOST_IA32_YES, "exec of an i386 ELF", PLATFORM_COMPATIBLE},
                {probe_ia32_no, HOST_IA32_NO, "exec of an i386 ELF", PLATFORM_UNSUPPORTED},
                {probe_ia32_unknown, HOST_IA32_UNKNOWN, "not probed", PLATFORM_COMPATIBLE},
                {NULL, HOST_IA32_UNKNOWN, "not probed", PLATFORM_COMPATIBLE},
        };
        struct eg_error err = {0};
        struct host_facts h;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct host_sources src = {.proc = DATA "amd64-v4-binfmt/proc",
                                           .sys = DATA "amd64-v4-binfmt/sys",
                                           .sysname = "Linux",
                                           .machine = "x86_64",
                                           .probe_aarch32 = probe_must_not_run,
                                           .probe_ia32 = cases[i].probe};
                CHECK(host_detect(&src, &h, &err) == 0);
                CHECK(h.ia32 == cases[i].ia32);
                CHECK_STR(h.ia32_source, cases[i].source);
                CHECK(runs(&h, "linux/386") == cases[i].i386);
                CHECK(runs(&h, "linux/amd64/v3") == PLATFORM_NATIVE);
        }
        /* not asked on another architecture */
        struct host_sources arm = {.proc = DATA "arm64-aarch32/proc",
                                   .sys = DATA "arm64-aarch32/sys",
                                   .sysname = "Linux",
                                   .machine = "aarch64",
                                   .probe_aarch32 = probe_yes,
                                   .probe_ia32 = probe_must_not_run};
        CHECK(host_detect(&arm, &h, &err) == 0);
        CHECK(h.ia32 == HOST_IA32_NOT_AMD64);
        CHECK(runs(&h, "linux/386") == PLATFORM_UNSUPPORTED);
}

TEST(simulated_ia32)
{
        struct host_facts h;
        struct platform kernel, userland;
        struct eg_error err = {0};

        /* linux/amd64 keeps containerd's meaning: 386 runs */
        CHECK(host_simulate("linux/amd64", &h, &err) == 0);
        CHECK(h.ia32 == HOST_IA32_UNKNOWN);
        CHECK(runs(&h, "linux/386") == PLATFORM_COMPATIBLE);
        CHECK(host_simulate("linux/amd64/v2,ia32=no", &h, &err) == 0);
        CHECK_STR(fmt(&h.platform), "linux/amd64/v2");
        CHECK(h.ia32 == HOST_IA32_NO);
        CHECK(runs(&h, "linux/386") == PLATFORM_UNSUPPORTED);
        CHECK(runs(&h, "linux/amd64") == PLATFORM_NATIVE);
        CHECK(host_simulate("linux/amd64,userland=386,ia32=no", &h, &err) == 0);
        CHECK_STR(fmt(&h.userland), "linux/386");
        CHECK(h.ia32 == HOST_IA32_NO);
        CHECK(host_parse_stated("amd64,ia32=no", &kernel, &userland, &err) == 0);
        CHECK_STR(fmt(&kernel), "linux/amd64");
        CHECK(host_simulate("linux/arm64,ia32=no", &h, &err) == -1);
        CHECK_STR(
                err.msg,
                "simulated host: \"linux/arm64,ia32=no\": \",ia32=no\" is only for an amd64 host");
        CHECK(host_simulate("linux/amd64,ia32=yes", &h, &err) == -1);
        CHECK(host_simulate(",ia32=no", &h, &err) == -1);
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
        CHECK(host_simulate("linux/arm64/v8.2", &h, &err) == 0);
        CHECK(host_simulate("linux/amd64/v4", &h, &err) == 0);
        CHECK(host_simulate("linux/arm/v5", &h, &err) == 0);
}

/* Nonsense is refused, not simulated as a host that does not exist. */
TEST(stated_hosts_that_do_not_exist)
{
        struct platform kernel, userland;
        struct eg_error err = {0};

        CHECK(host_parse_stated("linux", &kernel, &userland, &err) == -1);
        CHECK_STR(err.msg, "\"linux\": host platform names an OS but no architecture: write "
                           "OS/ARCH[/VARIANT]");
        CHECK(host_parse_stated("linux/amd64/v9", &kernel, &userland, &err) == -1);
        CHECK(strstr(err.msg, "host amd64 has no variant \"v9\"") != NULL);
        CHECK(host_parse_stated("foo/bar", &kernel, &userland, &err) == -1);
        CHECK_STR(err.msg, "\"foo/bar\": host OS \"foo\" is neither linux nor windows");
        CHECK(host_parse_stated("linux/foo", &kernel, &userland, &err) == -1);
        CHECK(strstr(err.msg, "host architecture \"foo\" is not one Go builds for") != NULL);
        CHECK(host_parse_stated("linux/arm64,userland=arm/v9", &kernel, &userland, &err) == -1);
        CHECK(strstr(err.msg, "userland arm has no variant \"v9\"") != NULL);
        CHECK(host_parse_stated("linux/arm64/v8.0", &kernel, &userland, &err) == -1);
        CHECK(host_parse_stated("linux/s390x/v1", &kernel, &userland, &err) == -1);
        CHECK(host_parse_stated("linux//amd64", &kernel, &userland, &err) == -1);
        CHECK(host_parse_stated("", &kernel, &userland, &err) == -1);
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
             RUN(amd64_level_and_binfmt_entries), RUN(amd64_with_and_without_ia32),
             RUN(simulated_ia32), RUN(binfmt_entry_parsing), RUN(simulated_hosts),
             RUN(stated_hosts_that_do_not_exist), RUN(the_real_host))
