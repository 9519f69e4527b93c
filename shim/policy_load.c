#include "policy_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/str.h"

const char *policy_load_path(bool *named)
{
        const char *env = getenv("EDGEGUARD_POLICY");

        *named = env != NULL && env[0] != '\0';
        return *named ? env : POLICY_DEFAULT_PATH;
}

static int read_policy_file(const char *path, char **text, size_t *len, struct eg_error *err)
{
        /* O_NONBLOCK: a FIFO put there must not hang every container start */
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        cleanup_free char *buf = NULL;
        struct stat st;
        size_t done = 0;

        if (fd < 0)
                return eg_error_set_errno(err, errno, "policy file %s", path);
        if (fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "policy file %s", path);
        if (!S_ISREG(st.st_mode))
                return eg_error_set(err, EINVAL, "policy file %s: not a regular file", path);
        if (st.st_size > (off_t)POLICY_SIZE_MAX)
                return eg_error_set(err, EFBIG,
                                    "policy file %s: %lld bytes, over the %u-byte limit", path,
                                    (long long)st.st_size, POLICY_SIZE_MAX);
        if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
                return eg_error_set(err, ENOMEM, "policy file %s: out of memory", path);
        while (done < (size_t)st.st_size) {
                ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return eg_error_set_errno(err, errno, "policy file %s: reading", path);
                if (n == 0)
                        break; /* shrank while read: parse what is there */
                done += (size_t)n;
        }
        buf[done] = '\0';
        *len = done;
        *text = steal_pointer(&buf);
        return 0;
}

int policy_load(const char *path, bool named, struct policy *p, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        size_t len = 0;
        struct eg_error defaults_err;

        if (read_policy_file(path, &text, &len, err) < 0) {
                bool absent = err->errnum == ENOENT && !named;
                if (policy_defaults(p, &defaults_err) < 0)
                        return eg_error_set(err, ENOMEM, "policy file %s: out of memory", path);
                str_copy(p->path, sizeof(p->path), path);
                if (absent) {
                        snprintf(p->source, sizeof(p->source), "built-in defaults (no %.250s)",
                                 path);
                        return 0;
                }
                return -1;
        }
        if (policy_parse(text, len, path, p, err) < 0) {
                eg_error_prefix(err, "policy file %s", path);
                policy_free(p);
                policy_defaults(p, &defaults_err);
                str_copy(p->path, sizeof(p->path), path);
                return -1;
        }
        return 0;
}
