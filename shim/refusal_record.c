#include "refusal_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "../oci/cleanup.h"
#include "../oci/rfc3339.h"
#include "../oci/utf8.h"
#include "../oci/yajl_cleanup.h"
#include "decision_log.h"
#include "policy_load.h"
#include "version.h"

#define ARGV_RECORDED_MAX 64 /* the tokens kept; a longer line is marked cut */
#define STRING_MAX        4096

struct out {
        yajl_gen g;
        bool failed;
};

/* Any bytes, as valid UTF-8 (argv is the caller's, not necessarily text). */
static void str(struct out *o, const char *s)
{
        char clean[STRING_MAX];
        size_t n;

        if (s == NULL) {
                o->failed |= yajl_gen_null(o->g) != yajl_gen_status_ok;
                return;
        }
        n = utf8_sanitize(s, clean, sizeof(clean));
        o->failed |= yajl_gen_string(o->g, (const unsigned char *)clean, n) != yajl_gen_status_ok;
}

static void kv(struct out *o, const char *k, const char *v)
{
        str(o, k);
        str(o, v);
}

static void argv_array(struct out *o, int argc, char *const argv[])
{
        str(o, "argv");
        o->failed |= yajl_gen_array_open(o->g) != yajl_gen_status_ok;
        for (int i = 0; i < argc && i < ARGV_RECORDED_MAX; i++)
                str(o, argv[i]);
        o->failed |= yajl_gen_array_close(o->g) != yajl_gen_status_ok;
        if (argc > ARGV_RECORDED_MAX) {
                char n[32];
                snprintf(n, sizeof(n), "%d", argc);
                str(o, "argc");
                o->failed |= yajl_gen_number(o->g, n, strlen(n)) != yajl_gen_status_ok;
        }
}

static long long micros_since(struct timespec start)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (long long)(now.tv_sec - start.tv_sec) * 1000000 +
               (now.tv_nsec - start.tv_nsec) / 1000;
}

int refusal_record_write(const struct runc_argv *args, int argc, char *const argv[],
                         const char *runtime, const char *reason, struct timespec started,
                         struct eg_error *err)
{
        cleanup_yajl_gen yajl_gen g = yajl_gen_alloc(NULL);
        struct out o = {.g = g};
        struct policy p;
        struct eg_error policy_err = {0};
        const char *target = getenv("EDGEGUARD_DECISION_LOG");
        char when[RFC3339_MAX], duration[32];
        struct timespec now;
        const unsigned char *buf;
        cleanup_free char *line = NULL;
        bool named;
        size_t n;
        int rc;

        if (g == NULL)
                return eg_error_set(err, ENOMEM, "allocating the JSON generator");
        /* the policy names the log; unreadable, it still has the default */
        if (policy_load(policy_load_path(&named), named, true, &p, &policy_err) == 0)
                policy_err.msg[0] = '\0';
        if (target == NULL || target[0] == '\0')
                target = p.decision_log;

        clock_gettime(CLOCK_REALTIME, &now);
        rfc3339_format(now, true, when);
        o.failed |= yajl_gen_map_open(g) != yajl_gen_status_ok;
        kv(&o, "time", when);
        kv(&o, "decision", "refuse");
        kv(&o, "rule", "command_line");
        kv(&o, "reason", reason);
        kv(&o, "verb", args->verb);
        kv(&o, "door", "runtime"); /* as policy/record.c's: `why` tells which door decided */
        kv(&o, "id", args->container_id);
        kv(&o, "bundle", args->bundle);
        kv(&o, "runtime", runtime);
        argv_array(&o, argc, argv);
        str(&o, "policy");
        o.failed |= yajl_gen_map_open(g) != yajl_gen_status_ok;
        kv(&o, "source", p.source[0] ? p.source : p.path);
        if (p.sha256[0])
                kv(&o, "sha256", p.sha256);
        if (policy_err.msg[0])
                kv(&o, "error", policy_err.msg);
        o.failed |= yajl_gen_map_close(g) != yajl_gen_status_ok;
        kv(&o, "edgeguard", EDGEGUARD_VERSION);
        snprintf(duration, sizeof(duration), "%lld", micros_since(started));
        str(&o, "duration_us");
        o.failed |= yajl_gen_number(g, duration, strlen(duration)) != yajl_gen_status_ok;
        o.failed |= yajl_gen_map_close(g) != yajl_gen_status_ok;
        if (o.failed || yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok ||
            (line = malloc(n + 1)) == NULL) {
                policy_free(&p);
                return eg_error_set(err, EINVAL, "generating the decision record");
        }
        memcpy(line, buf, n);
        line[n] = '\n';
        rc = decision_log_write(target, line, n + 1, err);
        policy_free(&p);
        return rc;
}
