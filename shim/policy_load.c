#include "policy_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/str.h"
#include "../oci/whole_file.h"

const char *policy_load_path(bool *named)
{
        const char *env = getenv("EDGEGUARD_POLICY");

        *named = env != NULL && env[0] != '\0';
        return *named ? env : POLICY_DEFAULT_PATH;
}

int policy_load(const char *path, bool named, bool with_hash, struct policy *p,
                struct eg_error *err)
{
        cleanup_free char *text = NULL;
        size_t len = 0;
        struct eg_error defaults_err;
        char what[300];
        struct stat st;

        snprintf(what, sizeof(what), "policy file %.280s", path);
        if (whole_file_read_at(AT_FDCWD, path, what, POLICY_SIZE_MAX, &text, &len, &st, err) < 0) {
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
        if (with_hash)
                sha256_hex(text, len, p->sha256);
        return 0;
}

void policy_read(struct policy_read *r)
{
        struct eg_error err = {0};
        bool named;
        const char *path = policy_load_path(&named);

        r->status = policy_load(path, named, true, &r->policy, &err);
        str_copy(r->error, sizeof(r->error), r->status < 0 ? err.msg : "");
}
