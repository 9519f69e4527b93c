#include "host.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "elf.h"
#include "scmp_arch.h"
#include "small_file.h"
#include "str.h"

#define CPUINFO_READ_MAX 65536 /* the first CPU's block is all we need */

void host_sources_default(struct host_sources *src)
{
        *src = (struct host_sources){
                .proc = "/proc",
                .sys = "/sys",
                .probe_aarch32 = host_probe_aarch32_personality,
        };
}

int host_probe_aarch32_personality(void)
{
        int old = personality(0xffffffff), ok;

        if (old < 0)
                return -1;
        ok = personality(PER_LINUX32) >= 0;
        personality((unsigned long)old);
        return ok;
}

static ssize_t read_text(const char *root, const char *rel, char *buf, size_t size)
{
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        return small_file_read(AT_FDCWD, path, buf, size);
}

/* The value of the first "key : value" line whose key matches, any case. */
static bool cpuinfo_field(const char *text, const char *key, char *out, size_t size)
{
        size_t klen = strlen(key);

        for (const char *line = text, *end; *line; line = *end ? end + 1 : end) {
                const char *colon;
                size_t n;

                end = line + strcspn(line, "\n");
                colon = memchr(line, ':', (size_t)(end - line));
                if (colon == NULL)
                        continue;
                n = (size_t)(colon - line);
                while (n > 0 && isspace((unsigned char)line[n - 1]))
                        n--;
                if (n != klen || strncasecmp(line, key, klen) != 0)
                        continue;
                for (colon++; colon < end && isspace((unsigned char)*colon); colon++)
                        ;
                n = (size_t)(end - colon);
                while (n > 0 && isspace((unsigned char)colon[n - 1]))
                        n--;
                if (n >= size)
                        n = size - 1;
                memcpy(out, colon, n);
                out[n] = '\0';
                return true;
        }
        return false;
}

/* containerd's reading of /proc/cpuinfo on ARM, Raspberry Pi quirk included:
 * the Pi Zero and 1 say "CPU architecture: 7" but are ARMv6. */
static void arm_variant_from_cpuinfo(const char *cpuinfo, const char *model, char *variant)
{
        static const struct {
                const char *arch, *variant;
        } names[] = {{"8", "v8"}, {"7", "v7"},  {"6", "v6"},   {"6tej", "v6"},
                     {"5", "v5"}, {"5t", "v5"}, {"5te", "v5"}, {"5tej", "v5"}};
        char arch[32];

        if (!cpuinfo_field(cpuinfo, "CPU architecture", arch, sizeof(arch)))
                return;
        if (strcmp(arch, "7") == 0 && strncasecmp(model, "armv6", 5) == 0) {
                strcpy(variant, "v6");
                return;
        }
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcasecmp(arch, names[i].arch) == 0) {
                        strcpy(variant, names[i].variant);
                        return;
                }
}

static bool has_flags(const char *flags, const char *const *want)
{
        for (; *want; want++) {
                size_t n = strlen(*want);
                const char *p = flags;
                bool found = false;
                while ((p = strstr(p, *want)) != NULL) {
                        if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
                                found = true;
                                break;
                        }
                        p += n;
                }
                if (!found)
                        return false;
        }
        return true;
}

/* The x86-64 micro-architecture level (psABI v2..v4) the CPU flags allow:
 * a GOAMD64=v3 binary on a v2 CPU dies with SIGILL. */
static bool amd64_level_from_cpuinfo(const char *cpuinfo, char *variant)
{
        static const char *const v2[] = {"cx16",   "lahf_lm", "popcnt", "sse4_1",
                                         "sse4_2", "ssse3",   NULL};
        static const char *const v3[] = {"avx", "avx2", "bmi1",  "bmi2",  "f16c",
                                         "fma", "abm",  "movbe", "xsave", NULL};
        static const char *const v4[] = {"avx512f",  "avx512bw", "avx512cd",
                                         "avx512dq", "avx512vl", NULL};
        char flags[4096];

        if (!cpuinfo_field(cpuinfo, "flags", flags, sizeof(flags)))
                return false;
        if (!has_flags(flags, v2))
                strcpy(variant, "v1");
        else if (!has_flags(flags, v3))
                strcpy(variant, "v2");
        else if (!has_flags(flags, v4))
                strcpy(variant, "v3");
        else
                strcpy(variant, "v4");
        return true;
}

static void detect_aarch32(const struct host_sources *src, struct host_facts *out)
{
        struct platform self;
        char cpus[256];

        if (strcmp(out->platform.arch, "arm64") != 0) {
                out->aarch32 = HOST_AARCH32_NOT_ARM64;
                return;
        }
        if (scmp_arch_platform(out->scmp_native, &self) == 0 && strcmp(self.arch, "arm") == 0) {
                out->aarch32 = HOST_AARCH32_YES;
                out->aarch32_source = "edgeguard itself runs as 32-bit ARM";
                return;
        }
        /* present only on asymmetric systems (5.13+): the CPUs that can */
        if (read_text(src->sys, "devices/system/cpu/aarch32_el0", cpus, sizeof(cpus)) > 0 &&
            isdigit((unsigned char)cpus[0])) {
                out->aarch32 = HOST_AARCH32_YES;
                out->aarch32_source = "sysfs aarch32_el0";
                return;
        }
        int probed = src->probe_aarch32 ? src->probe_aarch32() : -1;
        out->aarch32 = probed == 1   ? HOST_AARCH32_YES
                       : probed == 0 ? HOST_AARCH32_NO
                                     : HOST_AARCH32_UNKNOWN;
        out->aarch32_source = probed >= 0 ? "personality(PER_LINUX32)" : "not probed";
}

/* Only by running an i386 program (the shim's probe): the kernel's config,
 * the ia32_emulation boot parameter and /proc/sys/abi/vsyscall32 can all
 * say yes on a paravirtualised guest (PVM) that gives ENOEXEC. */
static void detect_ia32(const struct host_sources *src, struct host_facts *out)
{
        int probed;

        if (strcmp(out->platform.arch, "amd64") != 0) {
                out->ia32 = HOST_IA32_NOT_AMD64;
                return;
        }
        probed = src->probe_ia32 ? src->probe_ia32() : -1;
        out->ia32 = probed == 1 ? HOST_IA32_YES : probed == 0 ? HOST_IA32_NO : HOST_IA32_UNKNOWN;
        out->ia32_source = probed >= 0 ? "exec of an i386 ELF" : "not probed";
}

/* What runc will be able to grant: the kernel's last capability, and the
 * bounding set edgeguard runs with, which runc inherits through execve. */
static void detect_capabilities(const struct host_sources *src, struct host_facts *out)
{
        char text[4096], *end;
        const char *line;
        long last;

        out->cap_last = -1;
        if (read_text(src->proc, "sys/kernel/cap_last_cap", text, sizeof(text)) > 0) {
                errno = 0;
                last = strtol(text, &end, 10);
                if (errno == 0 && end != text && (*end == '\n' || *end == '\0') && last >= 0 &&
                    last < 64)
                        out->cap_last = (int)last;
        }
        if (read_text(src->proc, "self/status", text, sizeof(text)) <= 0)
                return;
        for (line = text; line; line = (line = strchr(line, '\n')) ? line + 1 : NULL) {
                if (strncmp(line, "CapBnd:\t", 8) != 0)
                        continue;
                errno = 0;
                out->cap_bounding = strtoull(line + 8, &end, 16);
                out->has_cap_bounding = errno == 0 && end == line + 8 + 16 && *end == '\n';
                return;
        }
}

/* runc's ELF header: the userland it belongs to, whose architecture its
 * seccomp filter takes as native (libseccomp's native arch is runc's own
 * build).  One open and one 64-byte read per create. */
static void detect_userland(const struct host_sources *src, struct host_facts *out)
{
        unsigned char head[64];
        cleanup_close int fd = -1;
        ssize_t n;

        if (src->runtime == NULL) {
                str_copy(out->userland_source, sizeof(out->userland_source),
                         "not read (no runc path)");
                return;
        }
        n = -1;
        fd = open(src->runtime, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        while (fd >= 0 && (n = pread(fd, head, sizeof(head), 0)) < 0 && errno == EINTR)
                ;
        if (n < 0 || elf_header_platform(head, (size_t)n, &out->userland) < 0) {
                snprintf(out->userland_source, sizeof(out->userland_source),
                         "not read: %.64s is %s", src->runtime,
                         n < 0 ? "unreadable" : "not an ELF executable");
                memset(&out->userland, 0, sizeof(out->userland));
                return;
        }
        snprintf(out->userland_source, sizeof(out->userland_source), "ELF header of %.64s",
                 src->runtime);
        uint32_t token = scmp_arch_of_platform(&out->userland);
        if (token != 0)
                out->scmp_native = token;
}

/* Everything zero but the binfmt entries, which binfmt_read fills as far
 * as it reads. */
static void host_facts_reset(struct host_facts *out)
{
        _Static_assert(offsetof(struct host_facts, binfmt) + sizeof(struct binfmt_table) ==
                               sizeof(struct host_facts),
                       "binfmt is host_facts' last member");
        memset(out, 0, offsetof(struct host_facts, binfmt));
        binfmt_table_reset(&out->binfmt);
}

int host_detect(const struct host_sources *src, struct host_facts *out, struct eg_error *err)
{
        struct utsname u;
        char cpuinfo[CPUINFO_READ_MAX], binfmt_dir[512];
        const char *sysname = src->sysname, *machine = src->machine;

        host_facts_reset(out);
        if ((sysname == NULL || machine == NULL) && uname(&u) < 0)
                return eg_error_set_errno(err, errno, "uname");
        if (sysname == NULL)
                sysname = u.sysname;
        if (machine == NULL)
                machine = u.machine;
        str_copy(out->machine, sizeof(out->machine), machine);
        if (platform_set(&out->platform, sysname, machine, NULL, err) < 0)
                return eg_error_prefix(err, "host");

        if (read_text(src->proc, "cpuinfo", cpuinfo, sizeof(cpuinfo)) < 0)
                cpuinfo[0] = '\0';
        cpuinfo_field(cpuinfo, "model name", out->cpu_model, sizeof(out->cpu_model));
        if (strcmp(out->platform.arch, "arm") == 0)
                arm_variant_from_cpuinfo(cpuinfo, out->cpu_model, out->platform.variant);
        else if (strcmp(out->platform.arch, "amd64") == 0 &&
                 amd64_level_from_cpuinfo(cpuinfo, out->platform.variant))
                out->level_source = "cpuinfo flags";
        platform_normalize(&out->platform);

        out->scmp_native = scmp_arch_native_token();
        detect_aarch32(src, out);
        detect_ia32(src, out);
        detect_capabilities(src, out);
        detect_userland(src, out);

        snprintf(binfmt_dir, sizeof(binfmt_dir), "%s/sys/fs/binfmt_misc", src->proc);
        return binfmt_read(binfmt_dir, strcmp(src->proc, "/proc") == 0, &out->binfmt, err);
}

#define IA32_NO_SUFFIX ",ia32=no"

static bool str_ends_ia32_no(const char *text)
{
        size_t len = strlen(text), slen = strlen(IA32_NO_SUFFIX);

        return len > slen && strcmp(text + len - slen, IA32_NO_SUFFIX) == 0;
}

/* A host edgeguard can be told about: Linux or Windows (the two it gates),
 * an architecture Go builds for there (GOARCH, after containerd's
 * normalisation), and a variant that exists for it: the x86-64 levels
 * v1-v4 (GOAMD64), ARM v5-v8 (GOARM; v8 a 32-bit kernel on an ARMv8 CPU),
 * arm64 v8.x and v9.x (the OCI image spec's list).  Anything else is a
 * typing error that would silently simulate a host that does not exist. */
static const char *const stated_archs[] = {"386",     "amd64",   "arm",    "arm64",    "loong64",
                                           "mips",    "mipsle",  "mips64", "mips64le", "ppc64",
                                           "ppc64le", "riscv64", "s390x",  NULL};

static bool arm64_variant(const char *v)
{
        /* v8 itself is normalised away; v8.1-v8.9, v9, v9.0-v9.9 */
        return (v[0] == 'v' && (v[1] == '8' || v[1] == '9') &&
                ((v[2] == '.' && v[3] >= '0' + (v[1] == '8') && v[3] <= '9' && v[4] == '\0') ||
                 (v[1] == '9' && v[2] == '\0')));
}

static bool variant_exists(const char *arch, const char *v)
{
        if (v[0] == '\0')
                return true;
        if (strcmp(arch, "amd64") == 0)
                return v[0] == 'v' && v[1] >= '1' && v[1] <= '4' && v[2] == '\0';
        if (strcmp(arch, "arm") == 0)
                return v[0] == 'v' && v[1] >= '5' && v[1] <= '8' && v[2] == '\0';
        if (strcmp(arch, "arm64") == 0)
                return arm64_variant(v);
        return false;
}

static int stated_platform_check(const struct platform *p, const char *what, const char *text,
                                 struct eg_error *err)
{
        size_t i;

        if (strcmp(p->os, "linux") != 0 && strcmp(p->os, "windows") != 0)
                return eg_error_set(err, 0, "\"%s\": %s OS \"%s\" is neither linux nor windows",
                                    text, what, p->os);
        if (strcmp(p->arch, "linux") == 0 || strcmp(p->arch, "windows") == 0)
                return eg_error_set(err, 0,
                                    "\"%s\": %s platform names an OS but no architecture: write "
                                    "OS/ARCH[/VARIANT]",
                                    text, what);
        for (i = 0; stated_archs[i] != NULL; i++)
                if (strcmp(p->arch, stated_archs[i]) == 0)
                        break;
        if (stated_archs[i] == NULL)
                return eg_error_set(err, 0,
                                    "\"%s\": %s architecture \"%s\" is not one Go builds for "
                                    "(386, amd64, arm, arm64, loong64, mips, mipsle, mips64, "
                                    "mips64le, ppc64, ppc64le, riscv64, s390x)",
                                    text, what, p->arch);
        if (!variant_exists(p->arch, p->variant))
                return eg_error_set(err, 0,
                                    "\"%s\": %s %s has no variant \"%s\" (amd64: v1-v4, arm: "
                                    "v5-v8, arm64: v8, v8.1-v8.9, v9, v9.0-v9.9, others none)",
                                    text, what, p->arch, p->variant);
        return 0;
}

int host_parse_stated(const char *text, struct platform *kernel, struct platform *userland,
                      struct eg_error *err)
{
        char part[4 * PLATFORM_NAME_MAX], whole[8 * PLATFORM_NAME_MAX];
        const char *comma;

        if (str_ends_ia32_no(text)) {
                size_t len = strlen(text) - strlen(IA32_NO_SUFFIX);
                if (len >= sizeof(whole))
                        return eg_error_set(err, 0, "\"%.64s...\" is too long", text);
                memcpy(whole, text, len);
                whole[len] = '\0';
                if (str_ends_ia32_no(whole))
                        return eg_error_set(err, 0, "\"%.64s\": \",ia32=no\" given twice", text);
                if (host_parse_stated(whole, kernel, userland, err) < 0)
                        return -1;
                if (strcmp(kernel->arch, "amd64") != 0)
                        return eg_error_set(err, 0,
                                            "\"%s\": \",ia32=no\" is only for an amd64 host", text);
                return 0;
        }
        comma = strchr(text, ',');

        if (comma != NULL && (size_t)(comma - text) >= sizeof(part))
                return eg_error_set(err, 0, "\"%.64s...\" is too long", text);
        snprintf(part, sizeof(part), "%.*s", comma ? (int)(comma - text) : (int)sizeof(part), text);
        if (platform_parse(part, kernel, err) < 0)
                return -1;
        if (kernel->os[0] == '\0')
                strcpy(kernel->os, "linux");
        if (stated_platform_check(kernel, "host", text, err) < 0)
                return -1;
        memset(userland, 0, sizeof(*userland));
        if (comma == NULL)
                return 0;
        if (strncmp(comma + 1, "userland=", 9) != 0)
                return eg_error_set(err, 0,
                                    "\"%s\": after the platform only \",userland=ARCH[/VARIANT]\" "
                                    "and \",ia32=no\" may follow",
                                    text);
        if (platform_parse(comma + 10, userland, err) < 0)
                return eg_error_prefix(err, "userland");
        if (userland->os[0] == '\0')
                str_copy(userland->os, sizeof(userland->os), kernel->os);
        return stated_platform_check(userland, "userland", text, err);
}

int host_simulate(const char *platform, struct host_facts *out, struct eg_error *err)
{
        bool no_ia32 = str_ends_ia32_no(platform);

        host_facts_reset(out);
        if (host_parse_stated(platform, &out->platform, &out->userland, err) < 0)
                return eg_error_prefix(err, "simulated host");
        str_copy(out->userland_source, sizeof(out->userland_source), "stated");
        if (out->userland.arch[0] == '\0') {
                out->userland = out->platform;
                str_copy(out->userland_source, sizeof(out->userland_source),
                         "stated: the kernel's");
        }
        str_copy(out->machine, sizeof(out->machine), out->platform.arch);
        out->simulated = true;
        if (strcmp(out->platform.arch, "amd64") == 0 && out->platform.variant[0])
                out->level_source = "stated";
        out->scmp_native = scmp_arch_of_platform(&out->userland);
        out->cap_last = -1;
        out->aarch32 = strcmp(out->platform.arch, "arm64") == 0 ? HOST_AARCH32_UNKNOWN
                                                                : HOST_AARCH32_NOT_ARM64;
        out->aarch32_source = "simulated host";
        out->ia32 = strcmp(out->platform.arch, "amd64") != 0 ? HOST_IA32_NOT_AMD64
                    : no_ia32                                ? HOST_IA32_NO
                                                             : HOST_IA32_UNKNOWN;
        out->ia32_source = no_ia32 ? "stated" : "simulated host";
        snprintf(out->binfmt.note, sizeof(out->binfmt.note), "simulated host: no binfmt_misc");
        return 0;
}

const struct platform *host_userland(const struct host_facts *host)
{
        return host->userland.arch[0] ? &host->userland : &host->platform;
}

enum platform_support host_runs(const struct host_facts *host, const struct platform *want)
{
        bool aarch32 = host->aarch32 == HOST_AARCH32_YES || host->aarch32 == HOST_AARCH32_UNKNOWN;

        if (host->ia32 == HOST_IA32_NO && strcmp(host->platform.arch, "amd64") == 0 &&
            strcmp(want->arch, "386") == 0)
                return PLATFORM_UNSUPPORTED;
        return platform_host_runs(&host->platform, aarch32, want);
}

const char *host_aarch32_name(enum host_aarch32 a)
{
        switch (a) {
        case HOST_AARCH32_YES:
                return "yes";
        case HOST_AARCH32_NO:
                return "no";
        case HOST_AARCH32_UNKNOWN:
                return "unknown";
        case HOST_AARCH32_NOT_ARM64:
                break;
        }
        return "n/a";
}

const char *host_ia32_name(enum host_ia32 a)
{
        switch (a) {
        case HOST_IA32_YES:
                return "yes";
        case HOST_IA32_NO:
                return "no";
        case HOST_IA32_UNKNOWN:
                return "unknown";
        case HOST_IA32_NOT_AMD64:
                break;
        }
        return "n/a";
}
