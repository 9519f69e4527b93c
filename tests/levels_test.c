/* What fails in the field on real binaries: x86-64 levels (Go's GOAMD64
 * and the ELF note gcc -mneeded writes, in the executable or in its ELF
 * interpreter), a 32-bit userland under a 64-bit kernel, Windows builds,
 * advice that does not send the user back to the failing image, and
 * failures no policy can waive.  The programs are built here by the
 * machine's gcc and Go 1.19, so what is judged is what the toolchains
 * really write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "../oci/host.h"
#include "../oci/moby.h"
#include "scene.h"

static char work[160]; /* the programs built for the cases */

/* Builds C source text with gcc and the given flags into work/NAME. */
static void gcc_build(const char *name, const char *flags)
{
        harness_sh("printf 'int main(void){return 0;}\\n' >'%s/t.c' && "
                   "gcc %s -o '%s/%s' '%s/t.c'",
                   work, flags, work, name, work);
}

/* A Go program built with the given environment into work/NAME; the Go
 * build cache lives under build/ so that reruns are quick. */
static void go_build(const char *name, const char *env)
{
        harness_sh("printf 'package main\\nfunc main() { println(\"hi\") }\\n' >'%s/m.go' && "
                   "cd '%s' && GOCACHE=\"$OLDPWD/build/go-cache\" GOFLAGS= GOPROXY=off "
                   "GO111MODULE=off CGO_ENABLED=0 %s go build -o '%s' m.go",
                   work, work, env, name);
}

/* The bundle's /bin/busybox (what make_bundle runs) becomes work/NAME; with
 * a loader, the host's glibc loader ("") or work/LOADER at the ELF
 * interpreter path. */
static void bundle_with(const char *name, const char *loader, const char *extra_json)
{
        make_bundle("", extra_json);
        harness_sh("install -m 0755 '%s/%s' '%s/rootfs/bin/busybox'", work, name, bundle);
        if (loader == NULL)
                return;
        harness_sh("mkdir -p '%s/rootfs/lib64' && install -m 0755 /lib64/ld-linux-x86-64.so.2 "
                   "'%s/rootfs/lib64/ld-linux-x86-64.so.2'",
                   bundle, bundle);
        if (loader[0] != '\0')
                harness_sh("install -m 0755 '%s/%s' '%s/rootfs/lib64/ld-linux-x86-64.so.2'", work,
                           loader, bundle);
}

TEST(goamd64_v3_on_a_v1_host)
{
        go_build("go-v3", "GOAMD64=v3");
        bundle_with("go-v3", NULL, "");
        /* a v1 host (kvm64, an old Celeron) was read as "no level": allowed */
        decide_scene(&(struct scene){.host = "linux/amd64/v1", .image = "registry.local/app:1"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("/bin/busybox is linux/amd64/v3\0GOAMD64=v3\0"
                     "this host is linux/amd64/v1\0"
                     "Rebuild it for linux/amd64/v1 (Go: GOAMD64=v1; C: -march=x86-64)"));
        expect_record("detected", "variant", "v3");
        expect_record("detected", "level_source", "GOAMD64 in Go's build info");
        expect_record("host", "variant", "v1");
        expect_record("host", "level_source", "stated");
        /* the pull advice would bring the same linux/amd64 image back */
        CHECK(strstr(d.reason, "docker pull") == NULL);

        decide_scene(&(struct scene){.host = "linux/amd64/v2"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("Rebuild it for linux/amd64/v2 (Go: GOAMD64=v2"));
        decide_scene(&(struct scene){.host = "linux/amd64/v3"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("runs natively"));
        decide_scene(&(struct scene){.host = "linux/amd64/v4"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* no level stated: let through, and said */
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT,
               WORDS("assumed: this host's x86-64 level was not measured"));
}

TEST(gnu_property_note_in_the_executable)
{
        gcc_build("c-v3", "-march=x86-64-v3 -mneeded -O2");
        bundle_with("c-v3", "", "");
        decide_scene(&(struct scene){.host = "linux/amd64/v2"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("linux/amd64/v3\0x86 ISA needed x86-64-v3\0"
                     "level from the x86 ISA needed note\0"
                     "Rebuild it for linux/amd64/v2 (Go: GOAMD64=v2; C: -march=x86-64-v2)"));
        expect_record("detected", "level_source", "x86 ISA needed note");
        decide_scene(&(struct scene){.host = "linux/amd64/v3"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);

        /* the baseline note states no requirement: a v1 host runs it */
        gcc_build("c-v1", "-march=x86-64 -mneeded -O2");
        bundle_with("c-v1", "", "");
        decide_scene(&(struct scene){.host = "linux/amd64/v1"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("x86 ISA needed x86-64-baseline"));
        expect_record("detected", "variant", "");

        /* a static program carries the note too */
        gcc_build("c-v2-static", "-march=x86-64-v2 -mneeded -O2 -static");
        bundle_with("c-v2-static", NULL, "");
        decide_scene(&(struct scene){.host = "linux/amd64/v1"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("linux/amd64/v2 (ELF 64-bit LSB x86-64"));
}

TEST(gnu_property_note_in_the_interpreter)
{
        /* a baseline program whose loader needs v3 (a glibc built for a
         * level: "Fatal glibc error: CPU does not support x86-64-v3") */
        gcc_build("plain", "-O2");
        gcc_build("loader-v3", "-march=x86-64-v3 -mneeded -O2");
        bundle_with("plain", "loader-v3", "");
        decide_scene(&(struct scene){.host = "linux/amd64/v2"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("/bin/busybox is linux/amd64/v3\0"
                     "level from the x86 ISA needed note of the ELF interpreter"));
        expect_record("detected", "level_source", "x86 ISA needed note of the ELF interpreter");
        /* the executable's own level and the loader's: the higher decides */
        gcc_build("c-v2", "-march=x86-64-v2 -mneeded -O2");
        bundle_with("c-v2", "loader-v3", "");
        decide_scene(&(struct scene){.host = "linux/amd64/v2"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("is linux/amd64/v3"));
        bundle_with("loader-v3", "plain", "");
        decide_scene(&(struct scene){.host = "linux/amd64/v2"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("level from the x86 ISA needed note,"));
        /* the host's own loader (Debian's: no level note) changes nothing */
        bundle_with("plain", "", "");
        decide_scene(&(struct scene){.host = "linux/amd64/v1"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

TEST(host_level_measured_or_not)
{
        struct host_facts h;
        struct host_sources src;
        struct eg_error err = {0};
        char proc[200];

        host_sources_default(&src);
        src.proc = proc;
        src.sys = "/nonexistent";
        src.machine = "x86_64";
        src.sysname = "Linux";
        src.probe_aarch32 = NULL;
        snprintf(proc, sizeof(proc), "tests/data/host/amd64-v1-kvm64/proc");
        CHECK(host_detect(&src, &h, &err) == 0);
        CHECK_STR(h.platform.variant, "v1");
        CHECK(h.level_source != NULL && strcmp(h.level_source, "cpuinfo flags") == 0);
        CHECK(host_runs(&h, &(struct platform){"linux", "amd64", "v2", ""}) ==
              PLATFORM_UNSUPPORTED);
        CHECK(host_runs(&h, &(struct platform){"linux", "amd64", "", ""}) == PLATFORM_NATIVE);

        snprintf(proc, sizeof(proc), "tests/data/host/amd64-no-flags/proc");
        CHECK(host_detect(&src, &h, &err) == 0);
        CHECK_STR(h.platform.variant, "");
        CHECK(h.level_source == NULL);

        /* the userland is runc's: a 32-bit ARM runc makes ARM native to its
         * seccomp filter, whatever edgeguard's own build is */
        char runc[512];
        snprintf(runc, sizeof(runc), "%s/armhf/busybox-static", harness_foreign_dir());
        src.runtime = runc;
        CHECK(host_detect(&src, &h, &err) == 0);
        CHECK_STR(h.userland.arch, "arm");
        CHECK(strstr(h.userland_source, "ELF header of") != NULL);
        CHECK(h.scmp_native == SCMP_ARCH_ARM);
        src.runtime = "/nonexistent/runc";
        CHECK(host_detect(&src, &h, &err) == 0);
        CHECK_STR(h.userland.arch, "");
        CHECK(strstr(h.userland_source, "unreadable") != NULL);
}

#define ARM_ONLY_SECCOMP                                                                  \
        "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":" \
        "[\"SCMP_ARCH_ARM\"],\"syscalls\":[]}}"

TEST(a_32bit_userland_on_a_64bit_kernel)
{
        make_bundle("arm64", ARM_ONLY_SECCOMP);
        /* Raspberry Pi OS 32-bit with the 64-bit kernel: runc is armhf, so
         * the filter is for ARM only and kills every arm64 system call */
        decide_scene(&(struct scene){.host = "linux/arm64,userland=arm/v7"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("linux/arm64\0not under this seccomp filter\0SCMP_ARCH_AARCH64\0"
                     "SIGSYS\0with a linux/arm/v7 userland\0"
                     "This host's runc and engine are linux/arm/v7, under an arm64 kernel: use an "
                     "image built for linux/arm/v7, or a seccomp profile that lists "
                     "SCMP_ARCH_AARCH64"));
        expect_record("host", "arch", "arm64");
        expect_record("host", "userland", "*");
        /* the same device stated as a 64-bit userland runs it natively */
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("natively"));
        /* containerd's linux/arm/v8: a 32-bit kernel on an ARMv8 CPU */
        decide_scene(&(struct scene){.host = "linux/arm/v8"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("linux/arm from v5 up to v8 (a 32-bit ARM kernel: no arm64)"));
        /* an armhf program under that filter on that device runs */
        make_bundle("armhf", ARM_ONLY_SECCOMP);
        decide_scene(&(struct scene){.host = "linux/arm64,userland=arm/v7",
                                     .aarch32 = HOST_AARCH32_YES});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

static void windows_bundle(const char *annotations)
{
        char extra[512];

        snprintf(extra, sizeof(extra), "\"windows\":{}%s%s", annotations[0] ? "," : "",
                 annotations);
        make_bundle("", extra);
        /* a PE/COFF x86-64 header is all the rule needs of the entrypoint */
        harness_sh("printf 'MZ' >'%s/rootfs/bin/busybox' && "
                   "dd if=/dev/zero bs=1 count=58 status=none >>'%s/rootfs/bin/busybox' && "
                   "printf '\\100\\0\\0\\0PE\\0\\0\\144\\206' >>'%s/rootfs/bin/busybox' && "
                   "dd if=/dev/zero bs=1 count=400 status=none >>'%s/rootfs/bin/busybox'",
                   bundle, bundle, bundle, bundle);
}

TEST(windows_builds)
{
        const char *seccomp_required = "{\"seccomp_required\": true, \"privileged\": \"refuse\"}";

        /* Linux-only rules do not judge a Windows spec */
        windows_bundle("");
        decide_scene(&(struct scene){.host = "windows/amd64", .policy = seccomp_required});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        expect_record("rules", "seccomp", "*");

        windows_bundle("\"annotations\":{\"org.opencontainers.image.os\":\"windows\","
                       "\"org.opencontainers.image.architecture\":\"amd64\","
                       "\"org.opencontainers.image.os.version\":\"10.0.17763.4377\"}");
        decide_scene(&(struct scene){.host = "windows(10.0.20348)/amd64"});
        expect(VERDICT_REFUSE, RULE_WINDOWS_BUILD,
               WORDS("Windows build 17763 (os.version 10.0.17763.4377, annotations) but this "
                     "host is build 20348\0"
                     "0xc0370101\0Windows build 20348 (os.version 10.0.20348.*; tag ltsc2022)"));
        expect_record("declared", "os_version", "10.0.17763.4377");
        expect_record("host", "os_version", "10.0.20348");
        decide_scene(&(struct scene){.host = "windows(10.0.17763)/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* a documented relaxation, from the table */
        windows_bundle(
                "\"annotations\":{\"org.opencontainers.image.os.version\":\"10.0.20348.1\"}");
        decide_scene(&(struct scene){.host = "windows(10.0.22000)/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* the host's build not stated: nothing to compare, said so */
        decide_scene(&(struct scene){.host = "windows/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        CHECK(strstr(d.results[RULE_WINDOWS_BUILD].detail, "build is not known") != NULL);
        /* the policy can turn it off like any rule */
        windows_bundle(
                "\"annotations\":{\"org.opencontainers.image.os.version\":\"10.0.17763.1\"}");
        decide_scene(&(struct scene){.host = "windows(10.0.20348)/amd64",
                                     .policy = "{\"rules\":{\"windows_build\":\"audit\"}}"});
        expect(VERDICT_AUDIT, RULE_WINDOWS_BUILD, NULL);
}

TEST(stated_hosts_and_image_os_versions)
{
        struct policy p;
        struct platform img;
        struct eg_error err = {0};
        bool declared;
        const char *cfg = "{\"os\":\"windows\",\"architecture\":\"amd64\","
                          "\"os.version\":\"10.0.17763.4377\"}";

        const char *text = "{\"host\": \"linux/arm64,userland=arm/v7\"}";
        CHECK(policy_parse(text, strlen(text), "p", &p, &err) == 0);
        CHECK(p.has_host);
        CHECK_STR(p.host.arch, "arm64");
        CHECK_STR(p.host_text, "linux/arm64,userland=arm/v7");
        policy_free(&p);
        text = "{\"host\": \"arm/v7\"}";
        CHECK(policy_parse(text, strlen(text), "p", &p, &err) < 0);
        CHECK(strstr(err.msg, "names no OS") != NULL);
        policy_free(&p);
        text = "{\"host\": \"linux/arm64,cpu=x\"}";
        CHECK(policy_parse(text, strlen(text), "p", &p, &err) < 0);
        CHECK(strstr(err.msg, "userland=") != NULL);
        policy_free(&p);

        /* moby's image config carries the Windows build */
        CHECK(moby_image_parse(cfg, strlen(cfg), &img, &declared, &err) == 0 && declared);
        CHECK_STR(img.os_version, "10.0.17763.4377");
        cfg = "{\"os\":\"windows\",\"architecture\":\"amd64\",\"os.version\":\"10.0\\n1\"}";
        CHECK(moby_image_parse(cfg, strlen(cfg), &img, &declared, &err) < 0);
        cfg = "{\"os\":\"windows\",\"architecture\":\"amd64\",\"os.version\":17763}";
        CHECK(moby_image_parse(cfg, strlen(cfg), &img, &declared, &err) < 0);
}

TEST(advice_that_helps)
{
        /* an image labelled for the host whose binary is another: rebuilding
         * it is the fix, pulling it again is not */
        make_bundle("amd64", "\"annotations\":{\"org.opencontainers.image.os\":\"linux\","
                             "\"org.opencontainers.image.architecture\":\"arm64\"}");
        decide_scene(&(struct scene){.host = "linux/arm64", .image = "registry.local/module:2"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("The image is mislabelled: it declares linux/arm64 (annotations) but its "
                     "executable is linux/amd64\0it must be rebuilt for linux/arm64"));
        CHECK(strstr(d.reason, "docker pull") == NULL);
        /* the reference, not a placeholder */
        make_bundle("amd64", "");
        decide_scene(&(struct scene){.host = "linux/arm64", .image = "registry.local/module:2"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("docker pull --platform linux/arm64 registry.local/module:2"));
        /* a variant: the exact one to pull, with its build setting */
        make_bundle("armhf", "");
        decide_scene(&(struct scene){.host = "linux/arm/v6", .image = "registry.local/module:2"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("Use an image built for linux/arm/v6 (Go: GOARM=6; C: -march=armv6; "
                     "docker pull --platform linux/arm/v6 registry.local/module:2)"));
        /* Kubernetes' CRI: no docker to pull with */
        make_bundle("amd64", "\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
                             "\"io.kubernetes.cri.image-name\":\"registry.local/module:2\"}");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("manifest list must offer linux/arm64"));
        CHECK(strstr(d.reason, "docker pull") == NULL);
}

int main(void)
{
        char tmp[160];

        if (harness_mkdtemp(bundle, sizeof(bundle), "levels") == NULL ||
            harness_mkdtemp(tmp, sizeof(tmp), "levels-bin") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        snprintf(work, sizeof(work), "%s", tmp);
        RUN(goamd64_v3_on_a_v1_host);
        RUN(gnu_property_note_in_the_executable);
        RUN(gnu_property_note_in_the_interpreter);
        RUN(host_level_measured_or_not);
        RUN(a_32bit_userland_on_a_64bit_kernel);
        RUN(windows_builds);
        RUN(stated_hosts_and_image_os_versions);
        RUN(advice_that_helps);
        harness_sh("rm -rf '%s' '%s'", bundle, work);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
