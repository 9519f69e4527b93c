#include "runc_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/cleanup.h"

const char *const runc_default_paths[] = {
        "/usr/local/sbin/runc", "/usr/sbin/runc", "/usr/bin/runc", "/usr/local/bin/runc", NULL,
};

/* Bounded: the real runc is ~10 MiB and compared only when sizes match. */
#define SAME_CONTENT_MAX (64 * 1024 * 1024)

static bool same_content(const char *a, const char *b, off_t size)
{
        cleanup_close int fa = open(a, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        cleanup_close int fb = open(b, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        char ba[16384], bb[16384];
        off_t done = 0;

        if (fa < 0 || fb < 0 || size > SAME_CONTENT_MAX)
                return false;
        while (done < size) {
                ssize_t na = pread(fa, ba, sizeof ba, done);
                ssize_t nb = pread(fb, bb, sizeof bb, done);
                if (na <= 0 || na != nb || memcmp(ba, bb, (size_t)na) != 0)
                        return false;
                done += na;
        }
        return true;
}

/* Our own executable, stat'ed once per lookup; me is NULL when unknown. */
struct self_id {
        const char *path;
        const struct stat *me;
};

/* A symlink or hard link to us has our inode; a copy has our bytes. */
static bool is_self(const char *path, const struct stat *st, struct self_id self)
{
        if (self.me == NULL)
                return false;
        if (st->st_dev == self.me->st_dev && st->st_ino == self.me->st_ino)
                return true;
        return st->st_size == self.me->st_size && same_content(path, self.path, st->st_size);
}

static const char *check_configured(const char *path, struct self_id self, struct eg_error *err)
{
        struct stat st;

        if (path[0] != '/')
                return eg_error_set(err, EINVAL,
                                    "EDGEGUARD_RUNC must be an absolute path, got \"%s\"", path),
                       NULL;
        if (stat(path, &st) < 0)
                return eg_error_set_errno(err, errno, "runc not found at %s (EDGEGUARD_RUNC)",
                                          path),
                       NULL;
        if (!S_ISREG(st.st_mode))
                return eg_error_set(err, EINVAL,
                                    "runc at %s (EDGEGUARD_RUNC) is not a regular file", path),
                       NULL;
        if (is_self(path, &st, self))
                return eg_error_set(err, ELOOP,
                                    "refusing to exec %s (EDGEGUARD_RUNC): it is edgeguard itself, "
                                    "not runc",
                                    path),
                       NULL;
        return path;
}

const char *runc_path_find(const char *configured, const char *const candidates[], const char *self,
                           struct eg_error *err)
{
        char tried[EG_ERROR_MSG_MAX / 2] = "";
        struct stat me;
        struct self_id self_id = {self, NULL};
        size_t len = 0;

        if (self != NULL && stat(self, &me) == 0)
                self_id.me = &me;
        if (configured != NULL)
                return check_configured(configured, self_id, err);

        for (size_t i = 0; candidates[i] != NULL; i++) {
                struct stat st;
                const char *why;
                int n;

                if (stat(candidates[i], &st) < 0)
                        why = "missing";
                else if (!S_ISREG(st.st_mode))
                        why = "not a regular file";
                else if (is_self(candidates[i], &st, self_id))
                        why = "edgeguard itself";
                else
                        return candidates[i];
                n = snprintf(tried + len, sizeof tried - len, "%s%s (%s)", len ? ", " : "",
                             candidates[i], why);
                if (n > 0 && (size_t)n < sizeof tried - len)
                        len += (size_t)n;
        }
        return eg_error_set(err, ENOENT, "no runc found: tried %s; set EDGEGUARD_RUNC to its path",
                            tried),
               NULL;
}
