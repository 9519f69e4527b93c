#include "path_trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "str.h"

/* The offending part of one component's stat; "" when it is fine.  `last`:
 * the path's own file, which no sticky bit excuses. */
static bool component_ok(const char *name, const struct stat *st, uid_t uid, bool last,
                         char *problem, size_t size)
{
        unsigned mode = (unsigned)st->st_mode & 07777;

        if (st->st_uid != 0 && st->st_uid != uid) {
                snprintf(problem, size,
                         "%.400s is owned by uid %u, not by root or the caller (uid %u)", name,
                         (unsigned)st->st_uid, (unsigned)uid);
                return false;
        }
        if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
                return true;
        if (!last && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0)
                return true;
        snprintf(problem, size, "%.400s is writable by %s (mode %04o)", name,
                 (st->st_mode & S_IWOTH) ? "everyone" : "its group", mode);
        return false;
}

bool path_trusted(const char *path, uid_t uid, bool itself, char *problem, size_t size)
{
        /* done: the resolved path so far; todo: what is left, links spliced in */
        char done[PATH_MAX] = "", todo[PATH_MAX], link[PATH_MAX], next[PATH_MAX];
        size_t done_len = 0;
        int links = 0;
        struct stat st;

        problem[0] = '\0';
        if (path[0] != '/') {
                snprintf(problem, size, "%.400s is not an absolute path", path);
                return false;
        }
        if (!str_copy(todo, sizeof(todo), path)) {
                snprintf(problem, size, "path too long");
                return false;
        }
        if (lstat("/", &st) < 0) {
                snprintf(problem, size, "/: %s", strerror(errno));
                return false;
        }
        if (!component_ok("/", &st, uid, false, problem, size))
                return false;
        for (char *rest = todo; *rest;) {
                char *c = rest;
                size_t n = strcspn(c, "/");
                rest = c + n + (c[n] == '/');
                c[n] = '\0';
                if (n == 0 || strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0) { /* the parent was checked on the way down */
                        char *slash = strrchr(done, '/');
                        done_len = slash ? (size_t)(slash - done) : 0;
                        done[done_len] = '\0';
                        continue;
                }
                if (done_len + 1 + n + 1 > sizeof(done)) {
                        snprintf(problem, size, "path too long");
                        return false;
                }
                done[done_len] = '/';
                memcpy(done + done_len + 1, c, n + 1);
                if (lstat(done, &st) < 0) {
                        snprintf(problem, size, "%.400s: %s", done, strerror(errno));
                        return false;
                }
                if (S_ISLNK(st.st_mode)) {
                        ssize_t len = readlink(done, link, sizeof(link) - 1);
                        if (++links > PATH_TRUST_LINKS_MAX || len < 0) {
                                snprintf(problem, size, "%.400s: %s", done,
                                         len < 0 ? strerror(errno) : "too many symbolic links");
                                return false;
                        }
                        link[len] = '\0';
                        if (snprintf(next, sizeof(next), "%s/%s", link, rest) >=
                            (int)sizeof(next)) {
                                snprintf(problem, size, "path too long");
                                return false;
                        }
                        memcpy(todo, next, strlen(next) + 1);
                        rest = todo;
                        if (link[0] == '/')
                                done_len = 0;
                        done[done_len] = '\0';
                        continue;
                }
                done_len += 1 + n;
                if ((itself || *rest != '\0') &&
                    !component_ok(done, &st, uid, *rest == '\0', problem, size))
                        return false;
                if (*rest && !S_ISDIR(st.st_mode)) {
                        snprintf(problem, size, "%.400s: not a directory", done);
                        return false;
                }
        }
        return true;
}
