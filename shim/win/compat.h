/* The POSIX the portable decision core uses, for the mingw-w64 build alone
 * (the Makefile's `windows` target force-includes this file).  The core
 * opens files with openat(AT_FDCWD, ...) and O_CLOEXEC/O_NONBLOCK/O_NOFOLLOW;
 * on Windows a handle is not inherited unless asked (O_NOINHERIT), a FIFO
 * cannot be planted in a directory, and a symlink needs the
 * SeCreateSymbolicLink privilege (administrators: the same people who can
 * replace the .exe), so those flags have nothing to do there. */
#ifndef EDGEGUARD_WIN_COMPAT_H
#define EDGEGUARD_WIN_COMPAT_H
#ifdef _WIN32

#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/types.h>

#include <limits.h>

/* Linux's sizes: the same buffers (and records) as there; Windows' own
 * limit is 32767 with long paths, 260 without. */
#undef PATH_MAX
#define PATH_MAX 4096

typedef unsigned int uid_t;
typedef unsigned int gid_t;

#define O_CLOEXEC   O_NOINHERIT
#define O_NONBLOCK  0
#define O_NOCTTY    0
#define O_NOFOLLOW  0
#define O_PATH      0
#define O_DIRECTORY 0
#define AT_FDCWD    (-100)
#ifndef ELOOP
#define ELOOP 114
#endif
#ifndef EREMOTEIO
#define EREMOTEIO 121
#endif
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#ifndef S_ISLNK
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#endif
#ifndef S_ISSOCK
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)
#endif

/* No symlinks the core would follow on Windows: -1, EINVAL. */
ssize_t readlink(const char *path, char *buf, size_t size);

/* dirfd must be AT_FDCWD (EBADF otherwise); the file opens in binary mode. */
int openat(int dirfd, const char *path, int flags, ...);
/* Moves the fd's offset: each caller owns its fd. */
ssize_t pread(int fd, void *buf, size_t count, off_t offset);
#include <string.h>
static inline char *eg_strchrnul(const char *s, int c)
{
        char *p = strchr(s, c);
        return p ? p : (char *)s + strlen(s);
}
#define strchrnul(s, c) eg_strchrnul(s, c)
void *memmem(const void *haystack, size_t hlen, const void *needle, size_t nlen);
char *strcasestr(const char *haystack, const char *needle);
/* Always fails (ENOSYS): only the Linux host detection lists directories. */
DIR *fdopendir(int fd);
/* A new directory from template (ending in XXXXXX), for the tests. */
char *mkdtemp(char *template);
/* Never reached on Windows (fdopendir fails first): -1, EBADF. */
int dirfd(DIR *d);
/* The C library's UTC conversions under their POSIX names. */
#include <time.h>
static inline struct tm *eg_gmtime_r(const time_t *t, struct tm *out)
{
        return gmtime_s(out, t) == 0 ? out : NULL;
}
#define gmtime_r(t, out) eg_gmtime_r(t, out)
#define timegm(tm)       _mkgmtime(tm)
/* Always fails (ENOSYS): no automounts to recognise. */
#define AT_NO_AUTOMOUNT      0x800
#define STATX_TYPE           0x1U
#define STATX_ATTR_AUTOMOUNT 0x1000
struct statx {
        unsigned long long stx_attributes, stx_attributes_mask;
};
int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf);

#endif
#endif
