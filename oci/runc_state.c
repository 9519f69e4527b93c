#include "runc_state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "json_tree.h"
#include "small_file.h"
#include "whole_file.h"

/* A JSON number or string of decimal digits only, in range. */
static int digits(const struct json_value *v, unsigned long long *out)
{
        char *end;

        if (v == NULL || (v->type != JSON_NUMBER && v->type != JSON_STRING) || v->text == NULL ||
            v->text[0] < '0' || v->text[0] > '9')
                return -1;
        errno = 0;
        *out = strtoull(v->text, &end, 10);
        return errno == 0 && *end == '\0' ? 0 : -1;
}

int runc_state_parse(const char *text, size_t len, struct runc_init *out, struct eg_error *err)
{
        struct json_value top;
        unsigned long long pid = 0;
        int ret = -1;

        if (json_parse(text, len, RUNC_STATE_SIZE_MAX, RUNC_STATE_DEPTH_MAX, &top, err) < 0)
                goto done;
        if (json_get(&top, "init_process_pid") == NULL ||
            json_get(&top, "init_process_pid")->type != JSON_NUMBER ||
            digits(json_get(&top, "init_process_pid"), &pid) < 0 || pid == 0 || pid > INT_MAX) {
                eg_error_set(err, EINVAL, "no init_process_pid (a pid) in it");
                goto done;
        }
        if (digits(json_get(&top, "init_process_start"), &out->start) < 0) {
                eg_error_set(err, EINVAL, "no init_process_start (clock ticks) in it");
                goto done;
        }
        out->pid = (pid_t)pid;
        ret = 0;
done:
        json_free(&top);
        return ret;
}

int runc_state_read(const char *root, const char *id, struct runc_init *out, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        char path[PATH_MAX];
        struct stat st;
        size_t len;

        /* runc's own rule for ids keeps them one path component */
        if (id[0] == '\0' || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return eg_error_set(err, EINVAL, "container id \"%.64s\" is not a file name", id);
        if (snprintf(path, sizeof(path), "%s/%s/state.json", root, id) >= (int)sizeof(path))
                return eg_error_set(err, ENAMETOOLONG, "runc's state path is too long");
        if (whole_file_read_at(AT_FDCWD, path, path, RUNC_STATE_SIZE_MAX, &text, &len, &st, err) <
            0)
                return -1;
        if (runc_state_parse(text, len, out, err) < 0)
                return eg_error_prefix(err, "%s", path);
        return 0;
}

int proc_stat_starttime(const char *text, unsigned long long *out)
{
        const char *p = strrchr(text, ')');
        char *end;

        if (p == NULL)
                return -1;
        p++;
        /* after ')' come fields 3 (state) .. 22 (starttime): skip 19 */
        for (int field = 3; field < 22; field++) {
                p += strspn(p, " ");
                p += strcspn(p, " ");
        }
        p += strspn(p, " ");
        if (*p < '0' || *p > '9')
                return -1;
        errno = 0;
        *out = strtoull(p, &end, 10);
        return errno == 0 && (*end == ' ' || *end == '\n' || *end == '\0') ? 0 : -1;
}

int runc_init_root(const struct runc_init *init, struct eg_error *err)
{
        char path[64], text[1024];
        unsigned long long start;
        cleanup_close int dir = -1;
        int root;

        snprintf(path, sizeof(path), "/proc/%d", (int)init->pid);
        /* the pid's directory first: root and stat below are read through
         * it, so both describe the same process even if the pid is reused */
        if ((dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return eg_error_set_errno(err, errno, "the container's init (pid %d) is gone",
                                          (int)init->pid);
        if (small_file_read(dir, "stat", text, sizeof(text)) < 0 ||
            proc_stat_starttime(text, &start) < 0)
                return eg_error_set_errno(err, errno ? errno : EINVAL, "reading %s/stat", path);
        if (start != init->start)
                return eg_error_set(err, ESRCH,
                                    "pid %d is not the container's init any more (it started at "
                                    "tick %llu, runc's init at %llu)",
                                    (int)init->pid, start, init->start);
        if ((root = openat(dir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return eg_error_set_errno(err, errno, "opening %s/root", path);
        return root;
}
