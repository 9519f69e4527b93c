#include "state_key.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/sha256.h"

const char *state_dir(void)
{
        static char dir[PATH_MAX];
        const char *d = getenv("EDGEGUARD_STATE_DIR");
        const char *xdg = getenv("XDG_RUNTIME_DIR");

        if (d && d[0])
                return d;
        if (geteuid() != 0 && xdg && xdg[0] == '/' &&
            snprintf(dir, sizeof(dir), "%s/edgeguard/start", xdg) < (int)sizeof(dir))
                return dir;
        return STATE_DIR_DEFAULT;
}

int state_key_path(const char *root, const char *id, const char *suffix, char *out, size_t size,
                   struct eg_error *err)
{
        char hex[SHA256_HEX_SIZE];
        cleanup_free char *key = NULL;
        size_t rl, il;
        int n;

        root = root ? root : STATE_ROOT_NONE;
        rl = strlen(root), il = strlen(id);
        if ((key = malloc(rl + il + 2)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        memcpy(key, root, rl + 1);
        memcpy(key + rl + 1, id, il + 1);
        sha256_hex(key, rl + il + 1, hex);
        n = snprintf(out, size, "%s/%s%s", state_dir(), hex, suffix);
        if (n < 0 || (size_t)n >= size)
                return eg_error_set(err, ENAMETOOLONG, "%s: path too long", state_dir());
        return 0;
}

int state_dir_make(struct eg_error *err)
{
        char path[PATH_MAX];

        if (snprintf(path, sizeof(path), "%s", state_dir()) >= (int)sizeof(path))
                return eg_error_set(err, ENAMETOOLONG, "%s: path too long", state_dir());
        for (char *p = path + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(path, 0755) < 0 && errno != EEXIST)
                        return eg_error_set_errno(err, errno, "creating %s", path);
                *p = '/';
        }
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return eg_error_set_errno(err, errno, "creating %s", path);
        return 0;
}
