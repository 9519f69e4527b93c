#include "platform.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "str.h"

struct arch_alias {
        const char *name;
        const char *arch;
        const char *variant; /* NULL: keep the given variant */
};

/* Spellings from uname -m, Debian and Go, mapped as containerd's
 * normalizeArch does; the uname/Debian ones are additions. */
static const struct arch_alias arch_aliases[] = {
        {"i386", "386", ""},
        {"i486", "386", ""},
        {"i586", "386", ""},
        {"i686", "386", ""},
        {"x86", "386", ""},
        {"x86_64", "amd64", NULL},
        {"x86-64", "amd64", NULL},
        {"x64", "amd64", NULL},
        {"aarch64", "arm64", NULL},
        {"armhf", "arm", "v7"},
        {"armel", "arm", "v6"},
        {"armv8l", "arm", "v8"},
        {"armv7l", "arm", "v7"},
        {"armv7", "arm", "v7"},
        {"armv6l", "arm", "v6"},
        {"armv6", "arm", "v6"},
        {"armv5tel", "arm", "v5"},
        {"armv5tejl", "arm", "v5"},
        {"armv5l", "arm", "v5"},
        {"armv5", "arm", "v5"},
        {"ppc64el", "ppc64le", NULL},
        {"powerpc64le", "ppc64le", NULL},
        {"mips64el", "mips64le", NULL},
        {"mipsel", "mipsle", NULL},
        {"loongarch64", "loong64", NULL},
};

static void lower(char *s)
{
        for (; *s; s++)
                *s = (char)tolower((unsigned char)*s);
}

void platform_normalize(struct platform *p)
{
        lower(p->os);
        lower(p->arch);
        lower(p->variant);
        if (strcmp(p->os, "macos") == 0)
                str_copy(p->os, sizeof(p->os), "darwin");

        for (size_t i = 0; i < sizeof(arch_aliases) / sizeof(arch_aliases[0]); i++) {
                if (strcmp(p->arch, arch_aliases[i].name) == 0) {
                        str_copy(p->arch, sizeof(p->arch), arch_aliases[i].arch);
                        if (arch_aliases[i].variant != NULL)
                                str_copy(p->variant, sizeof(p->variant), arch_aliases[i].variant);
                        break;
                }
        }

        /* amd64's v1 stays: on a host it is a measured level (a kvm64 guest,
         * an old Celeron), not "no level", which would run every level */
        if (strcmp(p->arch, "arm64") == 0) {
                if (strcmp(p->variant, "8") == 0 || strcmp(p->variant, "v8") == 0)
                        p->variant[0] = '\0';
        } else if (strcmp(p->arch, "arm") == 0) {
                if (p->variant[0] == '\0' || strcmp(p->variant, "7") == 0)
                        str_copy(p->variant, sizeof(p->variant), "v7");
                else if (strcmp(p->variant, "5") == 0 || strcmp(p->variant, "6") == 0 ||
                         strcmp(p->variant, "8") == 0) {
                        char v[4] = {'v', p->variant[0], '\0', '\0'};
                        str_copy(p->variant, sizeof(p->variant), v);
                }
        }
}

static int set_name(char *dst, const char *src, const char *what, struct eg_error *err)
{
        size_t len = src ? strlen(src) : 0;

        if (len >= PLATFORM_NAME_MAX)
                return eg_error_set(err, 0, "%s name is longer than %d bytes", what,
                                    PLATFORM_NAME_MAX - 1);
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)src[i];
                if (!isalnum(c) && c != '_' && c != '-' && c != '.')
                        return eg_error_set(err, 0,
                                            "%s name \"%.*s\" has a character no platform name has",
                                            what, (int)len, src);
        }
        memcpy(dst, src ? src : "", len);
        dst[len] = '\0';
        return 0;
}

int platform_set(struct platform *p, const char *os, const char *arch, const char *variant,
                 struct eg_error *err)
{
        memset(p, 0, sizeof(*p));
        if (set_name(p->os, os, "OS", err) < 0 ||
            set_name(p->arch, arch, "architecture", err) < 0 ||
            set_name(p->variant, variant, "variant", err) < 0)
                return -1;
        platform_normalize(p);
        return 0;
}

int platform_set_declared(struct platform *p, const char *os, const char *arch, const char *variant,
                          struct eg_error *err)
{
        if (platform_set(p, os, arch, variant, err) < 0)
                return -1;
        if (arch == NULL)
                p->variant[0] = '\0';
        return 0;
}

int platform_set_os_version(struct platform *p, const char *version, struct eg_error *err)
{
        return set_name(p->os_version, version, "OS version", err);
}

int platform_parse(const char *text, struct platform *p, struct eg_error *err)
{
        char buf[4 * PLATFORM_NAME_MAX], *parts[4] = {0}, *open, *version = NULL;
        size_t n = 0;

        if (strlen(text) >= sizeof(buf))
                return eg_error_set(err, 0, "platform \"%.64s...\" is too long", text);
        strcpy(buf, text);
        for (char *s = buf, *slash; n < 4; s = slash + 1) {
                parts[n++] = s;
                slash = strchr(s, '/');
                if (slash == NULL)
                        break;
                *slash = '\0';
        }
        if (n == 4 || n == 0)
                return eg_error_set(err, 0, "platform \"%s\" is not OS/ARCH[/VARIANT]", text);
        if (n >= 2 && (open = strchr(parts[0], '(')) != NULL) {
                size_t len = strlen(open + 1);
                if (len < 2 || open[len] != ')' || len - 1 >= PLATFORM_NAME_MAX)
                        return eg_error_set(err, 0,
                                            "platform \"%s\": write an OS version as OS(VERSION)",
                                            text);
                open[len] = '\0';
                *open = '\0';
                version = open + 1;
        }
        for (size_t i = 0; i < n; i++)
                if (parts[i][0] == '\0')
                        return eg_error_set(err, 0, "platform \"%s\" has an empty part", text);

        /* One part is an architecture; two are OS/ARCH unless the first is
         * not an OS name containerd knows and the second looks like a variant. */
        if (n == 1)
                return platform_set(p, NULL, parts[0], NULL, err);
        if (n == 2 && version == NULL && parts[1][0] == 'v' &&
            isdigit((unsigned char)parts[1][1]) && strcmp(parts[0], "linux") != 0 &&
            strcmp(parts[0], "windows") != 0)
                return platform_set(p, NULL, parts[0], parts[1], err);
        if (platform_set(p, parts[0], parts[1], n == 3 ? parts[2] : NULL, err) < 0)
                return -1;
        if (version != NULL && set_name(p->os_version, version, "OS version", err) < 0)
                return -1;
        return 0;
}

void platform_format(const struct platform *p, char *out, size_t size)
{
        snprintf(out, size, "%s%s%s%s/%s%s%s", p->os[0] ? p->os : "?", p->os_version[0] ? "(" : "",
                 p->os_version, p->os_version[0] ? ")" : "", p->arch[0] ? p->arch : "?",
                 p->variant[0] ? "/" : "", p->variant);
}

bool platform_equal(const struct platform *a, const struct platform *b)
{
        return strcmp(a->os, b->os) == 0 && strcmp(a->arch, b->arch) == 0 &&
               strcmp(a->variant, b->variant) == 0 && strcmp(a->os_version, b->os_version) == 0;
}

long platform_windows_build(const char *v)
{
        char *end;
        long build;

        if (strncmp(v, "10.0.", 5) != 0 || !isdigit((unsigned char)v[5]))
                return 0;
        errno = 0;
        build = strtol(v + 5, &end, 10);
        if (errno != 0 || build <= 0 || build > 999999 || (*end != '\0' && *end != '.'))
                return 0;
        return build;
}

int platform_variant_level(const char *variant)
{
        if (variant[0] == 'v' && variant[1] >= '1' && variant[1] <= '9' && variant[2] == '\0')
                return variant[1] - '0';
        return 0;
}

/* Variants are ordered for arm and amd64 only; elsewhere they are compared
 * for equality, and an empty one matches anything. */
static bool variant_covers(const char *arch, const char *host, const char *want)
{
        int h = platform_variant_level(host), w = platform_variant_level(want);

        if (host[0] == '\0' || want[0] == '\0')
                return true;
        if ((strcmp(arch, "arm") == 0 || strcmp(arch, "amd64") == 0) && h && w)
                return w <= h;
        return strcmp(host, want) == 0;
}

enum platform_support platform_host_runs(const struct platform *host, bool aarch32,
                                         const struct platform *want)
{
        if (want->arch[0] == '\0' || host->arch[0] == '\0')
                return PLATFORM_UNSUPPORTED;
        if (strcmp(host->arch, want->arch) == 0) {
                if (!variant_covers(host->arch, host->variant, want->variant))
                        return PLATFORM_UNSUPPORTED;
                /* arm/v6 code on an arm/v7 CPU is containerd's "compatible" */
                if (strcmp(host->arch, "arm") == 0 && want->variant[0] &&
                    strcmp(host->variant, want->variant) != 0)
                        return PLATFORM_COMPATIBLE;
                return PLATFORM_NATIVE;
        }
        if (strcmp(host->arch, "amd64") == 0 && strcmp(want->arch, "386") == 0)
                return PLATFORM_COMPATIBLE;
        if (strcmp(host->arch, "arm64") == 0 && strcmp(want->arch, "arm") == 0 && aarch32)
                return variant_covers("arm", "v8", want->variant) ? PLATFORM_COMPATIBLE
                                                                  : PLATFORM_UNSUPPORTED;
        return PLATFORM_UNSUPPORTED;
}

const char *platform_support_name(enum platform_support s)
{
        switch (s) {
        case PLATFORM_NATIVE:
                return "native";
        case PLATFORM_COMPATIBLE:
                return "compatible";
        case PLATFORM_UNSUPPORTED:
                break;
        }
        return "unsupported";
}
