#include "start_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "../oci/cleanup.h"
#include "../oci/exe.h"
#include "../oci/hooks.h"
#include "../oci/rfc3339.h"
#include "../oci/runc_state.h"
#include "../oci/str.h"
#include "../oci/yajl_cleanup.h"
#include "decision_log.h"
#include "policy_load.h"
#include "report.h"
#include "start_record.h"
#include "version.h"

/* What a lookup found: the file, its identity and platform. */
struct found {
        char file[PATH_MAX];
        char platform[3 * PLATFORM_NAME_MAX];
        unsigned long long dev, ino;
};

static void describe_found(const struct exe_facts *x, int root_fd, enum rootfs_resolver resolver,
                           struct found *out)
{
        struct eg_error err;
        cleanup_close int fd = -1;
        struct stat st;

        memset(out, 0, sizeof(*out));
        str_copy(out->file, sizeof(out->file), x->file);
        if (x->kind != EXE_UNIDENTIFIED && x->platform.arch[0])
                platform_format(&x->platform, out->platform, sizeof(out->platform));
        if (x->file[0] == '\0')
                return;
        fd = rootfs_open(root_fd, x->resolved[0] ? x->resolved : x->file, resolver, &err);
        if (fd >= 0 && fstat(fd, &st) == 0) {
                out->dev = (unsigned long long)st.st_dev;
                out->ino = (unsigned long long)st.st_ino;
        }
}

/* A lookup made as runc's init makes it, through root_fd. */
static void look_up(const struct start_lookup *l, int root_fd, struct exe_facts *x,
                    struct found *out)
{
        enum rootfs_resolver resolver = rootfs_resolver_detect();
        struct exe_query q = {.root_fd = root_fd,
                              .arg0 = l->arg0,
                              .path_env = l->path_env,
                              .cwd = l->cwd && l->cwd[0] ? l->cwd : NULL,
                              .resolver = resolver};

        struct view as_user;

        /* the process is looked up as process.user, as runc's init does;
         * the view is the init's own root, its mounts already in place */
        if (l->cred != NULL) {
                view_init_image(&as_user, root_fd);
                as_user.cred = *l->cred; /* borrowed: as_user is never freed */
                q.view = &as_user;
        }
        exe_facts_reset(x);
        exe_identify(&q, x);
        describe_found(x, root_fd, resolver, out);
}

/* The lookup again, through the init's root; "" in why when it matches.
 * `what` names it in the message: "" for the process, or the hook. */
static void verify(const struct start_lookup *l, const char *what, int root_fd, struct exe_facts *x,
                   struct found *now, char *why, size_t size)
{
        why[0] = '\0';
        look_up(l, root_fd, x, now);
        if (strcmp(now->file, l->file) != 0)
                snprintf(why, size,
                         "%sthe container would now run \"%.300s\", not \"%.300s\", which create "
                         "judged",
                         what, now->file[0] ? now->file : "(nothing found)", l->file);
        else if (strcmp(now->platform, l->platform) != 0)
                snprintf(why, size, "%s%.300s is now %s, not %s as create judged it", what, l->file,
                         now->platform[0] ? now->platform : "unidentified",
                         l->platform[0] ? l->platform : "unidentified");
        else if (now->dev != l->dev || now->ino != l->ino)
                snprintf(why, size,
                         "%s%.300s is not the file create judged (device %llu inode %llu then, "
                         "%llu %llu now: replaced, or under a mount only the container sees)",
                         what, l->file, l->dev, l->ino, now->dev, now->ino);
}

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
        yajl_gen_string(g, (const unsigned char *)k, strlen(k));
        if (v)
                yajl_gen_string(g, (const unsigned char *)v, strlen(v));
        else
                yajl_gen_null(g);
}

static void gen_file(yajl_gen g, const char *k, const char *file, const char *platform)
{
        yajl_gen_string(g, (const unsigned char *)k, strlen(k));
        yajl_gen_map_open(g);
        gen_kv(g, "file", file);
        gen_kv(g, "platform", platform[0] ? platform : NULL);
        yajl_gen_map_close(g);
}

/* One decision record for the start, in the decision log. */
static void log_start(const struct runc_argv *args, const char *verb, bool allow,
                      const char *reason, const struct start_record *r, const struct found *now,
                      struct timespec started)
{
        cleanup_yajl_gen yajl_gen g = yajl_gen_alloc(NULL);
        const char *target = getenv("EDGEGUARD_DECISION_LOG");
        char time_text[RFC3339_MAX];
        struct timespec t, mono;
        struct policy p;
        struct eg_error err;
        bool named;
        const unsigned char *buf;
        size_t len;
        cleanup_free char *line = NULL;

        if (g == NULL)
                return;
        (void)policy_load(policy_load_path(&named), named, false, &p, &err);
        if (target == NULL || target[0] == '\0')
                target = p.decision_log;
        clock_gettime(CLOCK_REALTIME, &t);
        clock_gettime(CLOCK_MONOTONIC, &mono);
        rfc3339_format(t, true, time_text);
        yajl_gen_config(g, yajl_gen_validate_utf8, 0); /* the strings were valid when recorded */
        yajl_gen_map_open(g);
        gen_kv(g, "time", time_text);
        gen_kv(g, "decision", allow ? "allow" : "refuse");
        gen_kv(g, "rule", allow ? NULL : "start");
        gen_kv(g, "reason", reason);
        gen_kv(g, "verb", verb);
        gen_kv(g, "door", "runtime"); /* as policy/record.c's: `why` tells which door decided */
        gen_kv(g, "id", args->container_id);
        gen_kv(g, "bundle", r ? r->bundle : NULL);
        if (r) {
                gen_file(g, "judged", r->process.file, r->process.platform);
                if (now)
                        gen_file(g, "found", now->file, now->platform);
        }
        gen_kv(g, "edgeguard", EDGEGUARD_VERSION);
        yajl_gen_string(g, (const unsigned char *)"duration_us", 11);
        yajl_gen_integer(g, (long long)(mono.tv_sec - started.tv_sec) * 1000000 +
                                    (mono.tv_nsec - started.tv_nsec) / 1000);
        yajl_gen_map_close(g);
        if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok &&
            (line = malloc(len + 1)) != NULL) {
                memcpy(line, buf, len);
                line[len] = '\n';
                (void)decision_log_write(target, line, len + 1, &err);
        }
        policy_free(&p);
}

int start_check_record(const struct runc_argv *args, const struct evaluation *ev,
                       struct timespec ev_started, struct eg_error *err)
{
        const struct bundle_facts *f = &ev->facts;
        const struct spec_hook_list *hooks = &f->spec.hooks[SPEC_HOOK_START_CONTAINER];
        struct recorded {
                struct found found[1 + START_RECORD_HOOKS_MAX];
                char names[START_RECORD_HOOKS_MAX][PATH_MAX];
        };
        /* malloc'd: PATH_MAX strings for each of 33 lookups (270 KB) */
        cleanup_free struct recorded *w = NULL;
        struct found *found;
        struct start_record r = {0};
        cleanup_free struct exe_facts *x = NULL;
        cleanup_close int bundle_fd = -1, root_fd = -1;
        struct view user;
        int status;

        if (ev->in.facts == NULL || !f->exe_checked || f->spec.has_windows || f->spec.args.len == 0)
                return 0; /* nothing was looked up in a rootfs: nothing to verify */
        bundle_fd = open(ev->bundle_abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        root_fd = bundle_fd < 0
                          ? -1
                          : openat(bundle_fd, f->spec.root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return eg_error_set_errno(err, errno, "refusing: opening the rootfs again");
        if ((w = malloc(sizeof(*w))) == NULL)
                return eg_error_set(err, ENOMEM, "refusing: out of memory");
        found = w->found;
        describe_found(&f->exe, root_fd, rootfs_resolver_detect(), &found[0]);
        r.bundle = ev->bundle_abs;
        r.process = (struct start_lookup){.arg0 = f->spec.args.items[0],
                                          .path_env = spec_env(&f->spec, "PATH"),
                                          .cwd = f->spec.cwd ? f->spec.cwd : "",
                                          .file = found[0].file,
                                          .platform = found[0].platform,
                                          .dev = found[0].dev,
                                          .ino = found[0].ino};
        /* a spec whose user the view could not take was refused at create */
        view_init_image(&user, -1);
        r.has_user = view_set_cred(&user, &f->spec, err) == 0;
        r.user = user.cred;
        /* the hooks rule refuses more than START_RECORD_HOOKS_MAX (HOOKS_MAX) */
        for (size_t i = 0; i < hooks->len && i < START_RECORD_HOOKS_MAX; i++) {
                struct start_lookup *l = &r.hooks[r.n_hooks++];
                if (x == NULL && (x = malloc(sizeof(*x))) == NULL)
                        return eg_error_set(err, ENOMEM, "refusing: out of memory");
                hooks_lookup_name(hooks->items[i].path ? hooks->items[i].path : "", w->names[i],
                                  sizeof(w->names[i]));
                *l = (struct start_lookup){.arg0 = w->names[i], .cwd = r.process.cwd};
                look_up(l, root_fd, x, &found[1 + i]);
                l->file = found[1 + i].file;
                l->platform = found[1 + i].platform;
                l->dev = found[1 + i].dev;
                l->ino = found[1 + i].ino;
        }
        status = start_record_write(args->root, args->container_id, &r, err);
        view_free(&user);
        if (status < 0) {
                char reason[EG_ERROR_MSG_MAX + 64];
                eg_error_prefix(err, "refusing: cannot record what create judged, for start to "
                                     "verify");
                snprintf(reason, sizeof(reason), "%s", err->msg);
                log_start(args, args->verb, false, reason, NULL, NULL, ev_started);
                return -1;
        }
        return 0;
}

int start_check(const struct runc_argv *args, struct timespec started)
{
        struct start_record r;
        struct runc_init init;
        struct eg_error err = {0};
        static struct found now, hook_now; /* 8 KB of paths: off the stack */
        char why[EG_ERROR_MSG_MAX + 64], message[sizeof(why) + 128];
        cleanup_close int root_fd = -1;
        cleanup_free struct exe_facts *x = NULL;
        int status = 0;

        if (start_record_read(args->root, args->container_id, &r, &err) < 0) {
                start_record_free(&r);
                if (err.errnum == ENOENT)
                        return 0; /* not created through edgeguard: nothing was judged */
                snprintf(why, sizeof(why), "reading what create judged: %s", err.msg);
                goto refuse;
        }
        if (runc_state_read(args->root ? args->root : RUNC_ROOT_DEFAULT, args->container_id, &init,
                            &err) < 0 &&
            err.errnum == ENOENT) {
                /* runc has no such container: its start fails on its own,
                 * with runc's message, and starts nothing */
                start_record_free(&r);
                return 0;
        }
        if (err.msg[0] || (root_fd = runc_init_root(&init, &err)) < 0) {
                snprintf(why, sizeof(why), "cannot look into the container before it starts: %s",
                         err.msg);
                goto refuse;
        }
        if ((x = malloc(sizeof(*x))) == NULL) {
                snprintf(why, sizeof(why), "out of memory");
                goto refuse;
        }
        verify(&r.process, "", root_fd, x, &now, why, sizeof(why));
        for (size_t i = 0; i < r.n_hooks && !why[0]; i++) {
                char what[64];
                snprintf(what, sizeof(what), "hooks.startContainer[%zu]: ", i);
                verify(&r.hooks[i], what, root_fd, x, &hook_now, why, sizeof(why));
        }
        if (why[0])
                goto refuse;
        log_start(args, "start", true, "the program is the one create judged", &r, &now, started);
        start_record_free(&r);
        return 0;
refuse:
        snprintf(message, sizeof(message), "refusing to start container %.64s: %s",
                 args->container_id, why);
        log_start(args, "start", false, message, r.bundle ? &r : NULL,
                  r.bundle && root_fd >= 0 ? &now : NULL, started);
        start_record_free(&r);
        status = report_failure(args, message);
        return status;
}
