#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* openat2 may answer EAGAIN when a rename races a ".." lookup */
#define OPENAT2_RETRIES 32
/* Directories held open at once by the fallback walk */
#define WALK_DEPTH_MAX 256

static int open_with_openat2(int root_fd, const char *path)
{
        struct open_how how = {
                .flags = O_PATH | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = -1;

        for (int i = 0; i < OPENAT2_RETRIES; i++) {
                fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        return fd;
}

struct walk {
        int root_fd;
        int dirs[WALK_DEPTH_MAX]; /* dirs[0..depth-1] below the root, each owned */
        size_t depth;
};

static int walk_cwd(const struct walk *w)
{
        return w->depth ? w->dirs[w->depth - 1] : w->root_fd;
}

static void walk_pop(struct walk *w, size_t to)
{
        while (w->depth > to)
                close(w->dirs[--w->depth]);
}

/* The next component of *rest, NUL-terminated in place; "" at the end. */
static char *next_component(char **rest)
{
        char *c = *rest, *slash;

        while (*c == '/')
                c++;
        slash = strchr(c, '/');
        if (slash) {
                *slash = '\0';
                *rest = slash + 1;
        } else {
                *rest = c + strlen(c);
        }
        return c;
}

static bool only_slashes(const char *s)
{
        return s[strspn(s, "/")] == '\0';
}

static int fallback_step(struct walk *w, char **rest, char *buf, size_t size, int *links)
{
        char *name = next_component(rest), target[PATH_MAX];
        cleanup_close int fd = -1;
        struct stat st;
        ssize_t n;

        if (strcmp(name, ".") == 0 || name[0] == '\0')
                return 0;
        if (strcmp(name, "..") == 0) {
                walk_pop(w, w->depth ? w->depth - 1 : 0);
                return 0;
        }
        fd = openat(walk_cwd(w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return -1;
        if (S_ISLNK(st.st_mode)) {
                if (++*links > ROOTFS_SYMLINKS_MAX)
                        return errno = ELOOP, -1;
                n = readlinkat(fd, "", target, sizeof(target));
                if (n < 0)
                        return -1;
                if ((size_t)n >= sizeof(target))
                        return errno = ENAMETOOLONG, -1;
                if (n == 0) /* only a crafted image holds one; the kernel says ENOENT */
                        return errno = ENOENT, -1;
                target[n] = '\0';
                if (target[0] == '/')
                        walk_pop(w, 0);
                /* rest becomes target + "/" + rest, in buf */
                size_t rest_len = strlen(*rest);
                if ((size_t)n + 1 + rest_len + 1 > size)
                        return errno = ENAMETOOLONG, -1;
                memmove(buf + n + 1, *rest, rest_len + 1);
                memcpy(buf, target, (size_t)n);
                buf[n] = '/';
                *rest = buf;
                return 0;
        }
        if (!only_slashes(*rest) && !S_ISDIR(st.st_mode))
                return errno = ENOTDIR, -1;
        if (w->depth == WALK_DEPTH_MAX)
                return errno = ENAMETOOLONG, -1;
        w->dirs[w->depth++] = steal_fd(&fd);
        return 0;
}

/* Component by component: each opened O_PATH | O_NOFOLLOW relative to the
 * previous one, symlinks read and spliced into the rest of the path, ".."
 * popping a stack that never goes above the rootfs.  Magic links cannot
 * be followed: their text is resolved like any other. */
static int open_with_fallback(int root_fd, const char *path)
{
        struct walk w = {.root_fd = root_fd};
        size_t size = 2 * PATH_MAX;
        cleanup_free char *buf = NULL;
        char *rest;
        int links = 0, fd;

        if (path[0] == '\0')
                return errno = ENOENT, -1;
        if (strlen(path) >= PATH_MAX)
                return errno = ENAMETOOLONG, -1;
        buf = malloc(size);
        if (buf == NULL)
                return errno = ENOMEM, -1;
        strcpy(buf, path);
        rest = buf;
        while (*rest) {
                if (fallback_step(&w, &rest, buf, size, &links) < 0) {
                        int saved = errno;
                        walk_pop(&w, 0);
                        return errno = saved, -1;
                }
        }
        if (w.depth == 0)
                return fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        fd = w.dirs[--w.depth];
        walk_pop(&w, 0);
        return fd;
}

enum rootfs_resolver rootfs_resolver_detect(void)
{
        int fd = open_with_openat2(AT_FDCWD, "/");

        if (fd < 0)
                return ROOTFS_FALLBACK;
        close(fd);
        return ROOTFS_OPENAT2;
}

int rootfs_open(int root_fd, const char *path, enum rootfs_resolver resolver, struct eg_error *err)
{
        int fd = -1;

        if (resolver != ROOTFS_FALLBACK) {
                fd = open_with_openat2(root_fd, path);
                if (fd >= 0)
                        return fd;
                /* ENOSYS: before 5.6; EPERM: a seccomp filter that does not know it */
                if (resolver == ROOTFS_OPENAT2 || (errno != ENOSYS && errno != EPERM))
                        return eg_error_set_errno(err, errno, "%s", path);
        }
        fd = open_with_fallback(root_fd, path);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "%s", path);
        return fd;
}

int rootfs_reopen_regular(int path_fd, struct eg_error *err)
{
        char proc_path[64];
        struct stat before, after;
        cleanup_close int fd = -1;

        if (fstat(path_fd, &before) < 0)
                return eg_error_set_errno(err, errno, "fstat");
        if (!S_ISREG(before.st_mode))
                return eg_error_set(err, EINVAL, "not a regular file");
        snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", path_fd);
        fd = open(proc_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "reopening for reading");
        if (fstat(fd, &after) < 0)
                return eg_error_set_errno(err, errno, "fstat");
        if (after.st_dev != before.st_dev || after.st_ino != before.st_ino ||
            !S_ISREG(after.st_mode))
                return eg_error_set(err, EAGAIN, "the file changed while being opened");
        return steal_fd(&fd);
}
