#include "runc_state.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "yajl_cleanup.h"
#include "small_file.h"
#include "whole_file.h"

/* A streaming read that stops once both fields are in: runc (Go's
 * encoding/json, struct order) writes them first, before the container's
 * whole config, which a tree would build for nothing (3.5 M instructions
 * for Docker's 29 KB state.json, against 80 k this way). */
enum state_field { FIELD_NONE, FIELD_PID, FIELD_START };

struct state_reader {
        struct runc_init *out;
        struct eg_error *err;
        size_t depth;
        enum state_field want;
        bool have_pid, have_start, failed;
};

/* Decimal digits only, in range. */
static bool digits(const char *text, size_t len, unsigned long long *out)
{
        char buf[32], *end;

        if (len == 0 || len >= sizeof(buf) || text[0] < '0' || text[0] > '9')
                return false;
        memcpy(buf, text, len);
        buf[len] = '\0';
        errno = 0;
        *out = strtoull(buf, &end, 10);
        return errno == 0 && *end == '\0';
}

static int state_fail(struct state_reader *r, const char *what)
{
        eg_error_set(r->err, EINVAL, "%s", what);
        r->failed = true;
        return 0;
}

/* A scalar at the top level, where a field was named: keep it. */
static int state_value(struct state_reader *r, const char *text, size_t len, bool is_number)
{
        unsigned long long n;
        enum state_field f = r->depth == 1 ? r->want : FIELD_NONE;

        r->want = FIELD_NONE;
        if (f == FIELD_NONE)
                return 1;
        if (f == FIELD_PID) {
                if (!is_number || !digits(text, len, &n) || n == 0 || n > INT_MAX)
                        return state_fail(r, "init_process_pid is not a pid");
                r->out->pid = (pid_t)n;
                r->have_pid = true;
        } else {
                /* runc before 1.0 wrote the start time as a string */
                if (!digits(text, len, &r->out->start))
                        return state_fail(r, "init_process_start is not a number of clock ticks");
                r->have_start = true;
        }
        return r->have_pid && r->have_start ? 0 : 1; /* 0: stop reading, done */
}

static int on_number(void *ctx, const char *text, size_t len)
{
        return state_value(ctx, text, len, true);
}

static int on_string(void *ctx, const unsigned char *text, size_t len)
{
        return state_value(ctx, (const char *)text, len, false);
}

static int on_other(void *ctx)
{
        return state_value(ctx, "", 0, false);
}

static int on_boolean(void *ctx, int b)
{
        (void)b;
        return on_other(ctx);
}

static int on_open(void *ctx)
{
        struct state_reader *r = ctx;

        if (r->depth == 1 && r->want != FIELD_NONE)
                return state_fail(r, r->want == FIELD_PID ? "init_process_pid is not a pid"
                                                          : "init_process_start is not a number");
        if (r->depth == 0 && r->have_pid) /* a second document: trailing data */
                return state_fail(r, "trailing data");
        r->depth++;
        return 1;
}

static int on_close(void *ctx)
{
        struct state_reader *r = ctx;

        r->depth--;
        return 1;
}

static int on_key(void *ctx, const unsigned char *key, size_t len)
{
        struct state_reader *r = ctx;
        static const char pid_key[] = "init_process_pid", start_key[] = "init_process_start";

        if (r->depth != 1)
                return 1;
        r->want = FIELD_NONE;
        if (len == sizeof(pid_key) - 1 && memcmp(key, pid_key, len) == 0)
                r->want = FIELD_PID;
        else if (len == sizeof(start_key) - 1 && memcmp(key, start_key, len) == 0)
                r->want = FIELD_START;
        if ((r->want == FIELD_PID && r->have_pid) || (r->want == FIELD_START && r->have_start))
                return state_fail(r, "a duplicate key");
        return 1;
}

static const yajl_callbacks state_callbacks = {
        .yajl_null = on_other,
        .yajl_boolean = on_boolean,
        .yajl_number = on_number,
        .yajl_string = on_string,
        .yajl_start_map = on_open,
        .yajl_map_key = on_key,
        .yajl_end_map = on_close,
        .yajl_start_array = on_open,
        .yajl_end_array = on_close,
};

int runc_state_parse(const char *text, size_t len, struct runc_init *out, struct eg_error *err)
{
        struct state_reader r = {.out = out, .err = err};
        cleanup_yajl_handle yajl_handle h = NULL;
        yajl_status st;

        memset(out, 0, sizeof(*out));
        if (len > RUNC_STATE_SIZE_MAX)
                return eg_error_set(err, EFBIG, "%zu bytes, over the %u-byte limit", len,
                                    RUNC_STATE_SIZE_MAX);
        if ((h = yajl_alloc(&state_callbacks, NULL, &r)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        st = yajl_parse(h, (const unsigned char *)text, len);
        if (st == yajl_status_ok)
                st = yajl_complete_parse(h);
        if (r.failed)
                return -1;
        if (r.have_pid && r.have_start)
                return 0; /* stopped early on purpose, or read to the end */
        if (st == yajl_status_error)
                return eg_error_set(err, EINVAL, "not JSON");
        return eg_error_set(err, EINVAL, "no %s in it",
                            r.have_pid ? "init_process_start (clock ticks)"
                                       : "init_process_pid (a pid)");
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
