/* Platform names, the compatibility matrix, and seccomp's names for them. */
#include <seccomp.h>

#include "../oci/platform.h"
#include "../oci/scmp_arch.h"
#include "harness.h"

static const char *norm(const char *os, const char *arch, const char *variant)
{
        static char buf[128];
        struct platform p;
        struct eg_error err;

        if (platform_set(&p, os, arch, variant, &err) < 0)
                return "error";
        platform_format(&p, buf, sizeof(buf));
        return buf;
}

static enum platform_support R(const char *host, bool aarch32, const char *want);

TEST(normalization_like_containerd_and_debian)
{
        CHECK_STR(norm("linux", "x86_64", NULL), "linux/amd64");
        CHECK_STR(norm("linux", "x86-64", NULL), "linux/amd64");
        /* containerd drops amd64's v1; a host's measured baseline level must stay */
        CHECK_STR(norm("Linux", "AMD64", "v1"), "linux/amd64/v1");
        CHECK_STR(norm("linux", "amd64", "v3"), "linux/amd64/v3");
        CHECK_STR(norm("linux", "aarch64", NULL), "linux/arm64");
        CHECK_STR(norm("linux", "arm64", "v8"), "linux/arm64");
        CHECK_STR(norm("linux", "arm64", "8"), "linux/arm64");
        CHECK_STR(norm("linux", "armhf", NULL), "linux/arm/v7");
        CHECK_STR(norm("linux", "armel", NULL), "linux/arm/v6");
        CHECK_STR(norm("linux", "armv7l", NULL), "linux/arm/v7");
        CHECK_STR(norm("linux", "armv6l", NULL), "linux/arm/v6");
        CHECK_STR(norm("linux", "armv5tel", NULL), "linux/arm/v5");
        CHECK_STR(norm("linux", "armv8l", NULL), "linux/arm/v8");
        CHECK_STR(norm("linux", "arm", NULL), "linux/arm/v7");
        CHECK_STR(norm("linux", "arm", "6"), "linux/arm/v6");
        CHECK_STR(norm("linux", "i386", NULL), "linux/386");
        CHECK_STR(norm("linux", "i686", NULL), "linux/386");
        CHECK_STR(norm("linux", "ppc64el", NULL), "linux/ppc64le");
        CHECK_STR(norm("linux", "mips64el", NULL), "linux/mips64le");
        CHECK_STR(norm("linux", "s390x", NULL), "linux/s390x");
        CHECK_STR(norm("linux", "riscv64", NULL), "linux/riscv64");
        CHECK_STR(norm("macos", "arm64", NULL), "darwin/arm64");
        CHECK_STR(norm("Windows", "amd64", NULL), "windows/amd64");
        CHECK_STR(norm(NULL, "x86_64", NULL), "?/amd64");
        CHECK_STR(norm("linux", "arm/v7", NULL), "error");
        CHECK_STR(norm("linux", "0123456789012345678901234567890123", NULL), "error");
}

TEST(parsing)
{
        struct platform p;
        struct eg_error err = {0};
        char buf[64];

        CHECK(platform_parse("linux/arm/v7", &p, &err) == 0);
        platform_format(&p, buf, sizeof(buf));
        CHECK_STR(buf, "linux/arm/v7");
        CHECK(platform_parse("arm64", &p, &err) == 0 && strcmp(p.os, "") == 0);
        CHECK(platform_parse("arm/v6", &p, &err) == 0 && strcmp(p.arch, "arm") == 0 &&
              strcmp(p.variant, "v6") == 0 && p.os[0] == '\0');
        CHECK(platform_parse("linux/aarch64", &p, &err) == 0 && strcmp(p.arch, "arm64") == 0);
        CHECK(platform_parse("", &p, &err) == -1);
        CHECK(platform_parse("linux//v7", &p, &err) == -1);
        CHECK_STR(err.msg, "platform \"linux//v7\" has an empty part");
        CHECK(platform_parse("a/b/c/d", &p, &err) == -1);
}

TEST(amd64_levels_and_windows_versions)
{
        struct platform p;
        struct eg_error err = {0};
        char buf[128];

        /* a v1 host runs v1 and unlevelled code, and no v2 or v3 */
        CHECK(R("linux/amd64/v1", false, "linux/amd64") == PLATFORM_NATIVE);
        CHECK(R("linux/amd64/v1", false, "linux/amd64/v2") == PLATFORM_UNSUPPORTED);
        CHECK(R("linux/amd64/v1", false, "linux/amd64/v3") == PLATFORM_UNSUPPORTED);
        CHECK(R("linux/amd64/v2", false, "linux/amd64/v3") == PLATFORM_UNSUPPORTED);
        CHECK(R("linux/amd64/v3", false, "linux/amd64/v3") == PLATFORM_NATIVE);

        CHECK(platform_parse("windows(10.0.17763)/amd64", &p, &err) == 0);
        CHECK_STR(p.os, "windows");
        CHECK_STR(p.os_version, "10.0.17763");
        platform_format(&p, buf, sizeof(buf));
        CHECK_STR(buf, "windows(10.0.17763)/amd64");
        CHECK(platform_parse("windows(10.0.17763/amd64", &p, &err) == -1);
        CHECK(platform_parse("windows()/amd64", &p, &err) == -1);
        CHECK(platform_parse("windows(1 0)/amd64", &p, &err) == -1);
        CHECK(platform_windows_build("10.0.17763.4377") == 17763);
        CHECK(platform_windows_build("10.0.20348") == 20348);
        CHECK(platform_windows_build("6.3.9600") == 0);
        CHECK(platform_windows_build("10.0.x") == 0);
        CHECK(platform_windows_build("") == 0);
}

static enum platform_support R(const char *host, bool aarch32, const char *want)
{
        struct platform h, w;
        struct eg_error err;

        if (platform_parse(host, &h, &err) < 0 || platform_parse(want, &w, &err) < 0)
                return (enum platform_support) - 1;
        return platform_host_runs(&h, aarch32, &w);
}

TEST(compatibility_matrix)
{
        const enum platform_support N = PLATFORM_NATIVE, C = PLATFORM_COMPATIBLE,
                                    U = PLATFORM_UNSUPPORTED;

        CHECK(R("linux/amd64", false, "linux/amd64") == N);
        CHECK(R("linux/amd64", false, "linux/386") == C);
        CHECK(R("linux/amd64", false, "linux/arm64") == U);
        CHECK(R("linux/386", false, "linux/amd64") == U);
        CHECK(R("linux/amd64/v2", false, "linux/amd64/v3") == U);
        CHECK(R("linux/amd64/v3", false, "linux/amd64/v2") == N);
        CHECK(R("linux/amd64", false, "linux/amd64/v4") == N); /* host level unknown */
        CHECK(R("linux/arm64", true, "linux/arm/v7") == C);
        CHECK(R("linux/arm64", true, "linux/arm/v8") == C);
        CHECK(R("linux/arm64", true, "linux/arm/v5") == C);
        CHECK(R("linux/arm64", false, "linux/arm/v7") == U);
        CHECK(R("linux/arm64", true, "linux/amd64") == U);
        CHECK(R("linux/arm/v8", false, "linux/arm/v7") == C);
        CHECK(R("linux/arm/v7", false, "linux/arm/v7") == N);
        CHECK(R("linux/arm/v7", false, "linux/arm/v6") == C);
        CHECK(R("linux/arm/v7", false, "linux/arm/v5") == C);
        CHECK(R("linux/arm/v7", false, "linux/arm/v8") == U);
        CHECK(R("linux/arm/v7", false, "linux/arm64") == U);
        CHECK(R("linux/arm/v6", false, "linux/arm/v7") == U);
        CHECK(R("linux/arm/v6", false, "linux/arm/v5") == C);
        CHECK(R("linux/ppc64le", false, "linux/ppc64le") == N);
        CHECK(R("linux/s390x", false, "linux/ppc64le") == U);
        CHECK_STR(platform_support_name(C), "compatible");
}

TEST(seccomp_names_through_libseccomp)
{
        struct platform p;
        struct eg_error err;

        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_X86_64") == SCMP_ARCH_X86_64);
        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_X86") == SCMP_ARCH_X86);
        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_X32") == SCMP_ARCH_X32);
        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_AARCH64") == SCMP_ARCH_AARCH64);
        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_ARM") == SCMP_ARCH_ARM);
        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_MIPSEL64") == SCMP_ARCH_MIPSEL64);
        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_RISCV64") == SCMP_ARCH_RISCV64);
        /* runc takes only the exact spelling */
        CHECK(scmp_arch_from_spec_name("scmp_arch_x86_64") == 0);
        CHECK(scmp_arch_from_spec_name("x86_64") == 0);
        CHECK(scmp_arch_from_spec_name("SCMP_ARCH_FOO") == 0);
        CHECK_STR(scmp_arch_spec_name(SCMP_ARCH_PPC64LE), "SCMP_ARCH_PPC64LE");
        CHECK(platform_parse("linux/arm/v6", &p, &err) == 0 &&
              scmp_arch_of_platform(&p) == SCMP_ARCH_ARM);
        CHECK(platform_parse("mips64le", &p, &err) == 0 &&
              scmp_arch_of_platform(&p) == SCMP_ARCH_MIPSEL64);
        CHECK(platform_parse("s390x", &p, &err) == 0 &&
              scmp_arch_of_platform(&p) == SCMP_ARCH_S390X);
        CHECK(platform_parse("loong64", &p, &err) == 0 && scmp_arch_of_platform(&p) == 0);
        CHECK(scmp_arch_platform(SCMP_ARCH_AARCH64, &p) == 0 && strcmp(p.arch, "arm64") == 0);
        CHECK(scmp_arch_platform(SCMP_ARCH_X32, &p) == -1);
        CHECK(scmp_arch_native_token() == seccomp_arch_native());
}

HARNESS_MAIN(RUN(normalization_like_containerd_and_debian), RUN(parsing), RUN(compatibility_matrix),
             RUN(amd64_levels_and_windows_versions), RUN(seccomp_names_through_libseccomp))
