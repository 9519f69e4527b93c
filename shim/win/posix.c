/* The POSIX and library calls the portable decision core makes, for the
 * mingw-w64 build alone (see compat.h and include/).  Each is the small
 * part the core uses, documented beside its declaration. */
#ifdef _WIN32
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <io.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "compat.h"
#include "include/fnmatch.h"
#include "include/seccomp.h"
#include "include/sys/capability.h"
#include "include/sys/personality.h"
#include "include/sys/utsname.h"
#include "include/sys/vfs.h"

int openat(int dirfd, const char *path, int flags, ...)
{
        int mode = 0;

        if (flags & O_CREAT) {
                va_list ap;
                va_start(ap, flags);
                mode = va_arg(ap, int);
                va_end(ap);
        }
        if (dirfd != AT_FDCWD) {
                errno = EBADF;
                return -1;
        }
        return _open(path, flags | O_BINARY, mode);
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
        if (_lseeki64(fd, (long long)offset, SEEK_SET) < 0)
                return -1;
        return _read(fd, buf, count > INT32_MAX ? INT32_MAX : (unsigned)count);
}

void *memmem(const void *haystack, size_t hlen, const void *needle, size_t nlen)
{
        const char *h = haystack;

        if (nlen == 0)
                return (void *)h;
        for (size_t i = 0; i + nlen <= hlen; i++)
                if (h[i] == *(const char *)needle && memcmp(h + i, needle, nlen) == 0)
                        return (void *)(h + i);
        return NULL;
}

char *strcasestr(const char *haystack, const char *needle)
{
        size_t n = strlen(needle);

        for (const char *h = haystack; *h; h++)
                if (_strnicmp(h, needle, n) == 0)
                        return (char *)h;
        return n == 0 ? (char *)haystack : NULL;
}

/* Shell patterns without flags: '*', '?', '[...]' with '!' or '^' negation
 * and ranges, '\\' quoting; '/' is an ordinary character (no FNM_PATHNAME). */
static int bracket(const char **pp, unsigned char c)
{
        const char *p = *pp;
        bool negate = *p == '!' || *p == '^', match = false;

        if (negate)
                p++;
        for (bool first = true; *p && (first || *p != ']'); first = false) {
                unsigned char lo = (unsigned char)*p++, hi = lo;
                if (p[0] == '-' && p[1] && p[1] != ']') {
                        hi = (unsigned char)p[1];
                        p += 2;
                }
                if (lo <= c && c <= hi)
                        match = true;
        }
        if (*p != ']')
                return -1; /* no closing bracket: '[' is literal */
        *pp = p + 1;
        return match != negate;
}

int fnmatch(const char *pattern, const char *string, int flags)
{
        const char *p = pattern, *s = string, *star_p = NULL, *star_s = NULL;

        (void)flags;
        while (*s) {
                int r;
                const char *q = p + 1;
                if (*p == '*') {
                        star_p = ++p, star_s = s;
                        continue;
                }
                if (*p == '?') {
                        p++, s++;
                        continue;
                }
                if (*p == '[' && (r = bracket(&q, (unsigned char)*s)) >= 0) {
                        if (r) {
                                p = q, s++;
                                continue;
                        }
                } else {
                        const char *lit = *p == '\\' && p[1] ? p + 1 : p;
                        if (*lit && *lit == *s) {
                                p = lit + 1, s++;
                                continue;
                        }
                }
                if (star_p == NULL)
                        return FNM_NOMATCH;
                p = star_p, s = ++star_s;
        }
        while (*p == '*')
                p++;
        return *p ? FNM_NOMATCH : 0;
}

static const struct {
        const char *name;
        uint32_t token;
} audit_arch[] = {
        {"x86", 0x40000003},      {"x86_64", 0xC000003E},      {"x32", 0x4000003E},
        {"arm", 0x40000028},      {"aarch64", 0xC00000B7},     {"mips", 0x00000008},
        {"mips64", 0x80000008},   {"mips64n32", 0xA0000008},   {"mipsel", 0x40000008},
        {"mipsel64", 0xC0000008}, {"mipsel64n32", 0xE0000008}, {"ppc", 0x00000014},
        {"ppc64", 0x80000015},    {"ppc64le", 0xC0000015},     {"s390", 0x00000016},
        {"s390x", 0x80000016},    {"parisc", 0x0000000F},      {"parisc64", 0x8000000F},
        {"riscv64", 0xC00000F3},
};

uint32_t seccomp_arch_resolve_name(const char *arch_name)
{
        for (size_t i = 0; i < sizeof(audit_arch) / sizeof(audit_arch[0]); i++)
                if (strcmp(audit_arch[i].name, arch_name) == 0)
                        return audit_arch[i].token;
        return 0;
}

uint32_t seccomp_arch_native(void)
{
        return 0xC000003E; /* the .exe is x86-64 */
}

static const char *const cap_names[] = {
        "chown",
        "dac_override",
        "dac_read_search",
        "fowner",
        "fsetid",
        "kill",
        "setgid",
        "setuid",
        "setpcap",
        "linux_immutable",
        "net_bind_service",
        "net_broadcast",
        "net_admin",
        "net_raw",
        "ipc_lock",
        "ipc_owner",
        "sys_module",
        "sys_rawio",
        "sys_chroot",
        "sys_ptrace",
        "sys_pacct",
        "sys_admin",
        "sys_boot",
        "sys_nice",
        "sys_resource",
        "sys_time",
        "sys_tty_config",
        "mknod",
        "lease",
        "audit_write",
        "audit_control",
        "setfcap",
        "mac_override",
        "mac_admin",
        "syslog",
        "wake_alarm",
        "block_suspend",
        "audit_read",
        "perfmon",
        "bpf",
        "checkpoint_restore",
};
#define N_CAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

/* libcap: "cap_NAME" for a known value, the number for another one. */
char *cap_to_name(cap_value_t value)
{
        char *out = malloc(40);

        if (out == NULL)
                return NULL;
        if (value >= 0 && value < N_CAPS)
                snprintf(out, 40, "cap_%s", cap_names[value]);
        else
                snprintf(out, 40, "%d", value);
        return out;
}

/* libcap: a name in any case, or a number below 64. */
int cap_from_name(const char *name, cap_value_t *value)
{
        char *end;
        long n;

        for (int v = 0; v < N_CAPS; v++)
                if (_strnicmp(name, "cap_", 4) == 0 && _stricmp(name + 4, cap_names[v]) == 0) {
                        *value = v;
                        return 0;
                }
        if (isdigit((unsigned char)name[0]) && (n = strtol(name, &end, 10)) < 64 && *end == '\0') {
                *value = (cap_value_t)n;
                return 0;
        }
        errno = EINVAL;
        return -1;
}

int cap_free(void *p)
{
        free(p);
        return 0;
}

int fstatfs(int fd, struct statfs *buf)
{
        (void)fd, (void)buf;
        errno = ENOSYS;
        return -1;
}

int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf)
{
        (void)dirfd, (void)path, (void)flags, (void)mask, (void)buf;
        errno = ENOSYS;
        return -1;
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
        (void)path, (void)buf, (void)size;
        errno = EINVAL;
        return -1;
}

char *mkdtemp(char *template)
{
        for (int tries = 0; tries < 100; tries++) {
                size_t n = strlen(template);
                if (n < 6)
                        break;
                for (size_t i = n - 6; i < n; i++)
                        template[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[rand() % 36];
                if (CreateDirectoryA(template, NULL))
                        return template;
                if (GetLastError() != ERROR_ALREADY_EXISTS)
                        break;
        }
        errno = EEXIST;
        return NULL;
}

int dirfd(DIR *d)
{
        (void)d;
        errno = EBADF;
        return -1;
}

DIR *fdopendir(int fd)
{
        (void)fd;
        errno = ENOSYS;
        return NULL;
}

int personality(unsigned long persona)
{
        (void)persona;
        errno = ENOSYS;
        return -1;
}

int uname(struct utsname *u)
{
        SYSTEM_INFO si;

        memset(u, 0, sizeof(*u));
        GetNativeSystemInfo(&si);
        strcpy(u->sysname, "Windows");
        switch (si.wProcessorArchitecture) {
        case PROCESSOR_ARCHITECTURE_AMD64:
                strcpy(u->machine, "x86_64");
                break;
        case PROCESSOR_ARCHITECTURE_ARM64:
                strcpy(u->machine, "aarch64");
                break;
        case PROCESSOR_ARCHITECTURE_INTEL:
                strcpy(u->machine, "i686");
                break;
        default:
                strcpy(u->machine, "unknown");
        }
        return 0;
}
#endif
