/* What will execute: real Debian binaries for eight architectures (fetched
 * by hack/fetch-foreign-binaries.sh into $EDGEGUARD_FOREIGN, default
 * build/foreign), synthesized headers for what Debian 12 lacks, and a
 * hostile rootfs.  Every case runs with both path resolvers. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/exe.h"
#include "harness.h"

#include <valgrind/valgrind.h>

static char top[160];
static char root[256];
static const char *foreign;
static enum rootfs_resolver resolver;

/* ---- building the rootfs ---- */

static void put_file(const char *rel, const void *data, size_t len, mode_t mode)
{
        char p[512];
        int fd;

        snprintf(p, sizeof(p), "%s%s", root, rel);
        unlink(p);
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        CHECK(fd >= 0);
        if (fd < 0)
                return;
        CHECK(len == 0 || write(fd, data, len) == (ssize_t)len);
        CHECK(fchmod(fd, mode) == 0);
        close(fd);
}

static void put_text(const char *rel, const char *text, mode_t mode)
{
        put_file(rel, text, strlen(text), mode);
}

static void put_link(const char *rel, const char *target)
{
        char p[512];

        snprintf(p, sizeof(p), "%s%s", root, rel);
        unlink(p);
        CHECK(symlink(target, p) == 0);
}

static void copy_foreign(const char *arch, const char *name, const char *rel)
{
        char src[512];
        FILE *f;
        cleanup_free char *buf = malloc(8 << 20);
        size_t n = 0;

        snprintf(src, sizeof(src), "%s/%s/%s", foreign, arch, name);
        f = fopen(src, "re");
        if (f == NULL || buf == NULL) {
                printf("#   missing %s: run hack/fetch-foreign-binaries.sh\n", src);
                harness_case_failed = 1;
                if (f)
                        fclose(f);
                return;
        }
        n = fread(buf, 1, 8 << 20, f);
        fclose(f);
        put_file(rel, buf, n, 0755);
}

/* ---- synthesized ELF files ---- */

struct image {
        unsigned char b[4096];
        size_t len;
        bool be;
};

static void put(struct image *im, size_t off, uint64_t v, int bytes)
{
        for (int i = 0; i < bytes; i++)
                im->b[off + (size_t)(im->be ? bytes - 1 - i : i)] = (unsigned char)(v >> (8 * i));
        if (off + (size_t)bytes > im->len)
                im->len = off + (size_t)bytes;
}

/* An ELF header with one PT_LOAD program header right after it. */
static void elf_header(struct image *im, int bits, bool be, unsigned machine, uint32_t flags)
{
        bool b64 = bits == 64;

        memset(im, 0, sizeof(*im));
        im->be = be;
        memcpy(im->b, "\177ELF", 4);
        im->b[4] = b64 ? 2 : 1;
        im->b[5] = be ? 2 : 1;
        im->b[6] = 1;
        put(im, 16, 2, 2); /* ET_EXEC */
        put(im, 18, machine, 2);
        put(im, 20, 1, 4);
        put(im, b64 ? 32 : 28, b64 ? 64 : 52, b64 ? 8 : 4); /* e_phoff */
        put(im, b64 ? 48 : 36, flags, 4);
        put(im, b64 ? 52 : 40, b64 ? 64 : 52, 2);
        put(im, b64 ? 54 : 42, b64 ? 56 : 32, 2);
        put(im, b64 ? 56 : 44, 1, 2);
        put(im, b64 ? 64 : 52, 1, 4); /* PT_LOAD */
        im->len = b64 ? 64 + 56 : 52 + 32;
}

/* A 32-bit LE ARM ELF without .ARM.attributes whose .go.buildinfo says
 * GOARM=goarm, like a statically linked Go binary. */
static void go_arm_elf(struct image *im, const char *goarm)
{
        static const char names[] = "\0.shstrtab\0.go.buildinfo";
        char mod[128];
        size_t bi = 128, shoff;

        elf_header(im, 32, false, 40, 0x05000000);
        memcpy(im->b + 96, names, sizeof(names));
        memcpy(im->b + bi, "\377 Go buildinf:", 14);
        im->b[bi + 14] = 4;
        im->b[bi + 15] = 2;
        size_t p = bi + 32;
        im->b[p++] = 8;
        memcpy(im->b + p, "go1.21.5", 8);
        p += 8;
        int n = snprintf(mod, sizeof(mod),
                         "path\texample.com/x\nbuild\tGOOS=linux\nbuild\tGOARM=%s\n", goarm);
        im->b[p++] = (unsigned char)n;
        memcpy(im->b + p, mod, (size_t)n);
        p += (size_t)n;
        shoff = (p + 3) & ~(size_t)3;
        put(im, 32, shoff, 4); /* e_shoff */
        put(im, 46, 40, 2);    /* e_shentsize */
        put(im, 48, 3, 2);     /* e_shnum */
        put(im, 50, 1, 2);     /* e_shstrndx */
        size_t s1 = shoff + 40, s2 = shoff + 80;
        put(im, s1 + 0, 1, 4); /* .shstrtab */
        put(im, s1 + 4, 3, 4); /* SHT_STRTAB */
        put(im, s1 + 16, 96, 4);
        put(im, s1 + 20, sizeof(names), 4);
        put(im, s2 + 0, 11, 4); /* .go.buildinfo */
        put(im, s2 + 4, 1, 4);  /* SHT_PROGBITS */
        put(im, s2 + 16, bi, 4);
        put(im, s2 + 20, p - bi, 4);
        im->len = shoff + 3 * 40;
}

static void put_image(const char *rel, const struct image *im)
{
        put_file(rel, im->b, im->len, 0755);
}

/* ---- running a lookup ---- */

static void identify(const char *arg0, const char *path_env, const char *cwd, struct exe_facts *out)
{
        cleanup_close int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct exe_query q = {root_fd, arg0, path_env, cwd, resolver, false, NULL};

        exe_identify(&q, out);
}

static void expect_platform(const char *arg0, const char *want_platform, const char *want_file)
{
        struct exe_facts *f = calloc(1, sizeof(*f));
        char got[128];

        if (f == NULL)
                return;
        identify(arg0, "/usr/local/bin:/usr/bin:/bin", "/", f);
        platform_format(&f->platform, got, sizeof(got));
        if (strcmp(got, want_platform) != 0 || (want_file && strcmp(f->file, want_file) != 0)) {
                printf("#   %s: platform %s, file %s, reason \"%s\"; expected %s %s\n", arg0, got,
                       f->file, f->reason, want_platform, want_file ? want_file : "");
                harness_case_failed = 1;
        }
        free(f);
}

static void expect_reason(const char *arg0, const char *path_env, const char *cwd, const char *want)
{
        struct exe_facts *f = calloc(1, sizeof(*f));

        if (f == NULL)
                return;
        identify(arg0, path_env, cwd, f);
        if (strstr(f->reason, want) == NULL) {
                printf("#   %s: reason \"%s\", expected \"%s\"\n", arg0, f->reason, want);
                harness_case_failed = 1;
        }
        free(f);
}

/* ---- cases ---- */

static const struct {
        const char *debian_arch, *platform;
} arches[] = {
        {"amd64", "linux/amd64"},  {"i386", "linux/386"},          {"arm64", "linux/arm64"},
        {"armhf", "linux/arm/v7"}, {"armel", "linux/arm/v5"},      {"ppc64el", "linux/ppc64le"},
        {"s390x", "linux/s390x"},  {"mips64el", "linux/mips64le"},
};

TEST(setup_rootfs)
{
        char p[512];
        const char *dirs[] = {"/bin", "/usr", "/usr/bin", "/lib", "/app", "/dev"};

        snprintf(root, sizeof(root), "%s/rootfs", top);
        CHECK(mkdir(root, 0755) == 0);
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
                snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
                CHECK(mkdir(p, 0755) == 0);
        }
        for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
                char rel[64];
                snprintf(rel, sizeof(rel), "/bin/%s-static", arches[i].debian_arch);
                copy_foreign(arches[i].debian_arch, "busybox-static", rel);
                snprintf(rel, sizeof(rel), "/bin/%s-dynamic", arches[i].debian_arch);
                copy_foreign(arches[i].debian_arch, "busybox", rel);
        }
        copy_foreign("armel", "age", "/bin/age-armel");
        copy_foreign("armhf", "age", "/bin/age-armhf");
        copy_foreign("arm64", "age", "/bin/age-arm64");
}

TEST(real_static_binaries)
{
        for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
                char arg0[64];
                snprintf(arg0, sizeof(arg0), "/bin/%s-static", arches[i].debian_arch);
                expect_platform(arg0, arches[i].platform, arg0);
        }
}

TEST(real_dynamic_binaries_and_their_interpreter)
{
        struct exe_facts *f = calloc(1, sizeof(*f));

        if (f == NULL)
                return;
        for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
                char arg0[64];
                snprintf(arg0, sizeof(arg0), "/bin/%s-dynamic", arches[i].debian_arch);
                expect_platform(arg0, arches[i].platform, arg0);
        }
        char ld[512];
        snprintf(ld, sizeof(ld), "%s/lib/ld-linux-aarch64.so.1", root);
        unlink(ld);
        identify("/bin/arm64-dynamic", NULL, "/", f);
        CHECK_STR(f->elf.interp, "/lib/ld-linux-aarch64.so.1");
        CHECK(!f->interp_found);
        CHECK(strstr(f->reason, "its ELF interpreter /lib/ld-linux-aarch64.so.1 is not in the "
                                "image") != NULL);
        CHECK(f->interp == EXE_INTERP_MISSING);
        put_text("/lib/ld-linux-aarch64.so.1", "x", 0755);
        identify("/bin/arm64-dynamic", NULL, "/", f);
        CHECK(f->interp_found);
        CHECK(f->interp == EXE_INTERP_BAD); /* load_elf_binary: ELIBBAD */
        CHECK(strstr(f->reason, "is not an ELF file") != NULL);
        copy_foreign("amd64", "ld-musl", "/lib/ld-linux-aarch64.so.1");
        identify("/bin/arm64-dynamic", NULL, "/", f);
        CHECK(f->interp == EXE_INTERP_BAD);
        CHECK_STR(f->interp_elf.platform.arch, "amd64");
        copy_foreign("arm64", "ld-linux", "/lib/ld-linux-aarch64.so.1");
        identify("/bin/arm64-dynamic", NULL, "/", f);
        CHECK(f->interp == EXE_INTERP_OK);
        CHECK_STR(f->interp_elf.platform.arch, "arm64");
        CHECK_STR(f->reason, "");
        identify("/bin/armhf-dynamic", NULL, "/", f);
        CHECK_STR(f->elf.interp, "/lib/ld-linux-armhf.so.3");
        CHECK_STR(f->elf.float_abi, "hard");
        CHECK(f->elf.arm_cpu_arch == 10);
        identify("/bin/armel-static", NULL, "/", f);
        CHECK_STR(f->elf.float_abi, "soft");
        CHECK(f->elf.arm_cpu_arch == 4); /* v5TE */
        CHECK_STR(f->elf.interp, "");
        free(f);
}

TEST(real_go_binaries)
{
        struct exe_facts *f = calloc(1, sizeof(*f));

        if (f == NULL)
                return;
        identify("/bin/age-armel", NULL, "/", f);
        CHECK_STR(f->elf.go_version, "go1.19.8");
        CHECK_STR(f->elf.goarm, "5");
        expect_platform("/bin/age-armel", "linux/arm/v5", NULL);
        identify("/bin/age-armhf", NULL, "/", f);
        CHECK(f->elf.goarm[0] != '\0');
        expect_platform("/bin/age-armhf", "linux/arm/v7", NULL);
        expect_platform("/bin/age-arm64", "linux/arm64", NULL);
        free(f);
}

TEST(synthesized_headers)
{
        struct image im;
        struct exe_facts *f = calloc(1, sizeof(*f));

        if (f == NULL)
                return;
        /* riscv64 is not in Debian 12's archive */
        elf_header(&im, 64, false, 243, 0x5);
        put_image("/bin/riscv64", &im);
        expect_platform("/bin/riscv64", "linux/riscv64", NULL);

        /* a Go ARM binary with no .ARM.attributes: GOARM decides */
        go_arm_elf(&im, "6");
        put_image("/bin/go-armv6", &im);
        expect_platform("/bin/go-armv6", "linux/arm/v6", NULL);
        identify("/bin/go-armv6", NULL, "/", f);
        CHECK_STR(f->elf.go_version, "go1.21.5");
        CHECK(f->elf.arm_cpu_arch == -1);

        /* neither: the variant is not guessed */
        elf_header(&im, 32, false, 40, 0x05000000);
        put_image("/bin/arm-plain", &im);
        expect_platform("/bin/arm-plain", "linux/arm", NULL);

        /* FreeBSD's OS ABI */
        elf_header(&im, 64, false, 62, 0);
        im.b[7] = 9;
        put_image("/bin/freebsd", &im);
        expect_platform("/bin/freebsd", "freebsd/amd64", NULL);
        free(f);
}

static void put_pe(const char *rel, uint16_t machine, uint32_t lfanew, uint16_t characteristics)
{
        unsigned char b[512] = {'M', 'Z'};

        b[0x3c] = (unsigned char)lfanew;
        b[0x3d] = (unsigned char)(lfanew >> 8);
        b[0x3e] = (unsigned char)(lfanew >> 16);
        b[0x3f] = (unsigned char)(lfanew >> 24);
        if (lfanew + 24 <= sizeof(b)) {
                memcpy(b + lfanew, "PE\0\0", 4);
                b[lfanew + 4] = (unsigned char)machine;
                b[lfanew + 5] = (unsigned char)(machine >> 8);
                b[lfanew + 22] = (unsigned char)characteristics;
                b[lfanew + 23] = (unsigned char)(characteristics >> 8);
        }
        put_file(rel, b, sizeof(b), 0755);
}

TEST(pe_files)
{
        put_pe("/bin/app.exe", 0x8664, 0x80, 0x0022);
        expect_platform("/bin/app.exe", "windows/amd64", NULL);
        put_pe("/bin/arm64.exe", 0xaa64, 0x80, 0x0022);
        expect_platform("/bin/arm64.exe", "windows/arm64", NULL);
        put_pe("/bin/x86.exe", 0x014c, 0xf8, 0x0102);
        expect_platform("/bin/x86.exe", "windows/386", NULL);
        put_pe("/bin/lib.dll", 0x8664, 0x80, 0x2022);
        expect_reason("/bin/lib.dll", NULL, "/", "a DLL, not an executable");
        put_pe("/bin/far.exe", 0x8664, 0x7fffffff, 0);
        expect_reason("/bin/far.exe", NULL, "/", "PE header offset 2147483647 is past its end");
        put_pe("/bin/ia64.exe", 0x0200, 0x80, 0x0022);
        expect_reason("/bin/ia64.exe", NULL, "/", "PE machine 0x0200");
        put_text("/bin/dos.com", "MZ", 0755);
        expect_reason("/bin/dos.com", NULL, "/", "truncated MZ header");
}

TEST(scripts)
{
        struct exe_facts *f = calloc(1, sizeof(*f));

        if (f == NULL)
                return;
        put_text("/app/run.sh", "#!/bin/arm64-static sh\necho hi\n", 0755);
        identify("/app/run.sh", NULL, "/", f);
        CHECK(f->kind == EXE_ELF);
        CHECK_STR(f->file, "/bin/arm64-static");
        CHECK(f->n_scripts == 1);
        CHECK_STR(f->scripts[0], "/app/run.sh");
        expect_platform("/app/run.sh", "linux/arm64", "/bin/arm64-static");

        /* through PATH, a symlinked interpreter, and a second script level */
        put_link("/bin/sh", "/bin/armhf-static");
        put_text("/usr/bin/entry", "#! /app/inner.sh\n", 0755);
        put_text("/app/inner.sh", "#!/bin/sh -e\n", 0755);
        identify("entry", "/usr/bin:/bin", "/", f);
        CHECK(f->n_scripts == 2);
        CHECK_STR(f->scripts[0], "/usr/bin/entry");
        CHECK_STR(f->scripts[1], "/app/inner.sh");
        CHECK_STR(f->file, "/bin/sh");
        CHECK_STR(f->resolved, "/bin/armhf-static");
        expect_platform("entry", "linux/arm/v7", NULL);

        /* a relative interpreter is taken from cwd, as the kernel does */
        put_text("/app/rel.sh", "#!bin/rel-tool\n", 0755);
        char p[512];
        snprintf(p, sizeof(p), "%s/app/bin", root);
        CHECK(mkdir(p, 0755) == 0);
        put_link("/app/bin/rel-tool", "/bin/s390x-static");
        identify("/app/rel.sh", NULL, "/app", f);
        CHECK_STR(f->file, "bin/rel-tool");
        expect_reason("/app/rel.sh", NULL, "/", "interpreter bin/rel-tool is not in the image");

        put_text("/app/py.sh", "#!/usr/bin/python3\nprint(1)\n", 0755);
        expect_reason("/app/py.sh", NULL, "/",
                      "/app/py.sh is a #! script whose interpreter /usr/bin/python3 is not in the "
                      "image");
        put_text("/app/empty-shebang", "#!   \n", 0755);
        expect_reason("/app/empty-shebang", NULL, "/", "a #! line without an interpreter");
        char longline[400] = "#!/";
        memset(longline + 3, 'a', 300);
        put_text("/app/long-shebang", longline, 0755);
        expect_reason("/app/long-shebang", NULL, "/", "a #! line without an interpreter");

        /* loops: the kernel gives up with ELOOP, so do we, quickly */
        put_text("/app/loop.sh", "#!/app/loop.sh\n", 0755);
        expect_reason("/app/loop.sh", NULL, "/", "#! scripts nested deeper than 5 levels");
        put_text("/app/ping", "#!/app/pong\n", 0755);
        put_text("/app/pong", "#!/app/ping\n", 0755);
        expect_reason("/app/ping", NULL, "/", "#! scripts nested deeper than 5 levels");
        free(f);
}

TEST(path_lookup_like_go)
{
        struct exe_facts *f = calloc(1, sizeof(*f));

        if (f == NULL)
                return;
        /* a non-executable earlier candidate is skipped, as LookPath does */
        put_text("/usr/bin/tool", "#!/bin/sh\n", 0644);
        put_link("/bin/tool", "/bin/i386-static");
        identify("tool", "/nonexistent::/usr/bin:/bin", "/", f);
        CHECK_STR(f->file, "/bin/tool");
        CHECK_STR(f->resolved, "/bin/i386-static");
        expect_reason("tool", NULL, "/", "\"tool\" is not a path and process.env sets no PATH");
        expect_reason("nope", "/usr/bin:/bin", "/", "\"nope\" is not in the container's $PATH");
        expect_reason("/usr/bin/tool", NULL, "/", "\"/usr/bin/tool\": not executable");
        expect_reason("", NULL, "/", "process.args is empty");

        /* relative to cwd, and a relative $PATH entry (Go's ErrDot) */
        put_link("/app/local", "/bin/mips64el-static");
        identify("./local", NULL, "/app", f);
        CHECK_STR(f->file, "./local");
        CHECK_STR(f->resolved, "/bin/mips64el-static");
        identify("local", "/usr/bin:.", "/app", f);
        CHECK_STR(f->file, "local"); /* filepath.Join(".", "local") */
        CHECK(f->relative_path_hit);
        free(f);
}

TEST(hostile_rootfs)
{
        char p[512];
        unsigned char elf20[20];

        put_link("/bin/escape", "../../../../../../../../bin/true");
        expect_reason("/bin/escape", NULL, "/", "No such file or directory");
        put_link("/bin/escape-abs", "/proc/self/exe");
        expect_reason("/bin/escape-abs", NULL, "/", "No such file or directory");
        put_link("/bin/loop", "/bin/loop");
        expect_reason("/bin/loop", NULL, "/", "Too many levels of symbolic links");

        snprintf(p, sizeof(p), "%s/bin/fifo", root);
        CHECK(mkfifo(p, 0755) == 0);
        expect_reason("/bin/fifo", NULL, "/", "/bin/fifo is a FIFO");
        /* a device node as entrypoint: reported, never opened for reading */
        snprintf(p, sizeof(p), "%s/dev/zero", root);
        CHECK(mknod(p, S_IFCHR | 0755, makedev(1, 5)) == 0);
        expect_reason("/dev/zero", NULL, "/", "/dev/zero is a character device");
        expect_reason("/bin", NULL, "/", "\"/bin\": Is a directory");
        put_text("/bin/empty", "", 0755);
        expect_reason("/bin/empty", NULL, "/", "/bin/empty is empty");
        put_text("/bin/text", "echo hi\n", 0755);
        expect_reason("/bin/text", NULL, "/", "is not ELF, PE or a #! script");

        memcpy(elf20, "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\76\0", 20);
        put_file("/bin/trunc", elf20, sizeof(elf20), 0755);
        expect_reason("/bin/trunc", NULL, "/", "truncated ELF header");
}

TEST(bogus_elf_headers)
{
        struct image im;

        elf_header(&im, 64, false, 62, 0);
        put(&im, 32, (uint64_t)1 << 40, 8); /* e_phoff far past the end */
        put_image("/bin/phoff", &im);
        expect_reason("/bin/phoff", NULL, "/", "program headers past the end of the file");
        expect_platform("/bin/phoff", "linux/amd64", NULL); /* the header still says amd64 */

        elf_header(&im, 64, false, 62, 0);
        put(&im, 56, 0xffff, 2); /* 65535 program headers */
        put_image("/bin/phnum", &im);
        expect_reason("/bin/phnum", NULL, "/", "65535 program headers");

        elf_header(&im, 64, false, 62, 0);
        put(&im, 54, 7, 2);
        put_image("/bin/phentsize", &im);
        expect_reason("/bin/phentsize", NULL, "/", "program header size 7");

        elf_header(&im, 64, false, 62, 0);
        put(&im, 64, 3, 4);                   /* PT_INTERP */
        put(&im, 64 + 8, 0xffffffffffull, 8); /* p_offset past the end */
        put(&im, 64 + 32, 20, 8);
        put_image("/bin/interp-off", &im);
        expect_reason("/bin/interp-off", NULL, "/", "interpreter path past the end of the file");

        elf_header(&im, 64, false, 62, 0);
        put(&im, 64, 3, 4);
        put(&im, 64 + 8, 0, 8);
        put(&im, 64 + 32, 0xffffffffffffull, 8); /* p_filesz absurd */
        put_image("/bin/interp-size", &im);
        expect_reason("/bin/interp-size", NULL, "/", "interpreter path of 281474976710655 bytes");

        elf_header(&im, 64, false, 62, 0);
        put(&im, 64, 3, 4);
        put(&im, 64 + 8, 0, 8);
        put(&im, 64 + 32, 8, 8); /* "\177ELF\2\1\1\0": no NUL at the end */
        im.b[7] = 'x';
        put_image("/bin/interp-nul", &im);
        expect_reason("/bin/interp-nul", NULL, "/", "ELF OS ABI 120");

        elf_header(&im, 64, false, 62, 0);
        put(&im, 40, (uint64_t)1 << 62, 8); /* e_shoff nonsense: sections are optional */
        put(&im, 60, 0xffff, 2);
        put_image("/bin/shoff", &im);
        expect_platform("/bin/shoff", "linux/amd64", NULL);

        elf_header(&im, 64, false, 0x9999, 0);
        put_image("/bin/machine", &im);
        expect_reason("/bin/machine", NULL, "/", "ELF machine 39321 (64-bit, little-endian)");
        expect_platform("/bin/machine", "linux/?", NULL);

        elf_header(&im, 64, false, 62, 0);
        im.b[4] = 3;
        put_image("/bin/class", &im);
        expect_reason("/bin/class", NULL, "/", "ELF class 3");

        elf_header(&im, 64, false, 62, 0);
        put(&im, 16, 1, 2); /* ET_REL */
        put_image("/bin/object", &im);
        expect_reason("/bin/object", NULL, "/", "ELF type 1 is not an executable");

        /* x86-64's x32 ABI and big-endian ARM are not OCI platforms */
        elf_header(&im, 32, false, 62, 0);
        put_image("/bin/x32", &im);
        expect_reason("/bin/x32", NULL, "/", "ELF machine 62 (32-bit, little-endian)");
        elf_header(&im, 32, true, 40, 0);
        put_image("/bin/armbe", &im);
        expect_reason("/bin/armbe", NULL, "/", "ELF machine 40 (32-bit, big-endian)");

        /* a Go build-info section whose lengths lie */
        go_arm_elf(&im, "7");
        im.b[128 + 32 + 1 + 8] = 0xff; /* modinfo length varint: unterminated */
        put_image("/bin/go-bogus", &im);
        expect_platform("/bin/go-bogus", "linux/arm", NULL);
}

static void run_all(void)
{
        RUN(real_static_binaries);
        RUN(real_dynamic_binaries_and_their_interpreter);
        RUN(real_go_binaries);
        RUN(synthesized_headers);
        RUN(pe_files);
        RUN(path_lookup_like_go);
        RUN(bogus_elf_headers);
}

int main(void)
{
        char cmd[1024];

        foreign = harness_foreign_dir();
        if (harness_mkdtemp(top, sizeof(top), "exe-test") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(setup_rootfs);
        if (rootfs_resolver_detect() == ROOTFS_OPENAT2) {
                printf("# resolver: openat2\n");
                resolver = ROOTFS_OPENAT2;
                run_all();
                RUN(scripts);
                RUN(hostile_rootfs);
        } else if (RUNNING_ON_VALGRIND) {
                printf("# valgrind lacks openat2: those cases run in the plain and sanitizer "
                       "suites\n");
        } else {
                printf("not ok - openat2 is not available on this kernel\n");
                harness_failed++;
        }
        printf("# resolver: fallback\n");
        resolver = ROOTFS_FALLBACK;
        run_all();
        snprintf(cmd, sizeof(cmd),
                 "rm -rf '%s/rootfs/app' '%s/rootfs/bin/fifo' '%s/rootfs/dev/zero'", top, top, top);
        if (system(cmd) != 0)
                harness_failed++;
        snprintf(cmd, sizeof(cmd), "mkdir '%s/rootfs/app'", top);
        if (system(cmd) != 0)
                harness_failed++;
        RUN(scripts);
        RUN(hostile_rootfs);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
        if (system(cmd) != 0)
                harness_failed++;
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
