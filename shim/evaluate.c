#include "evaluate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../oci/path.h"
#include "../oci/path_trust.h"
#include "../oci/str.h"
#include "argv.h"
#include "ia32_probe.h"
#include "policy_load.h"
#include "runc_path.h"

/* Engines that say who the container is in the spec: containerd's CRI
 * (Kubernetes, k3s) and nerdctl.  Docker's own names come from its store. */
static const char *annotation_of(const struct bundle_facts *f, const char *const keys[])
{
        for (size_t i = 0; keys[i]; i++) {
                const char *v = spec_annotation(&f->spec, keys[i]);
                if (v != NULL && v[0] != '\0')
                        return v;
        }
        return NULL;
}

/* Who the container is and what the image says it is: the caller's word
 * (check's options), then the spec's annotations, then dockerd's store. */
static void engine_context(struct evaluation *ev, const struct evaluation_request *rq)
{
        static const char *const name_keys[] = {"io.kubernetes.cri.container-name", "nerdctl/name",
                                                NULL};
        static const char *const image_keys[] = {"io.kubernetes.cri.image-name", NULL};
        static const char *const pod_keys[] = {"io.kubernetes.cri.sandbox-name", NULL};
        static const char *const namespace_keys[] = {"io.kubernetes.cri.sandbox-namespace", NULL};
        struct decision_context *ctx = &ev->in.ctx;
        const struct moby_facts *m = &ev->moby;

        ctx->name = rq->name;
        ctx->image = rq->image;
        if (ev->in.facts != NULL) {
                if (ctx->name == NULL)
                        ctx->name = annotation_of(&ev->facts, name_keys);
                if (ctx->image == NULL)
                        ctx->image = annotation_of(&ev->facts, image_keys);
                ctx->pod = annotation_of(&ev->facts, pod_keys);
                ctx->pod_namespace = annotation_of(&ev->facts, namespace_keys);
        }

        /* podman's names are in its store, beside the bundle */
        if (ev->in.facts != NULL && podman_spec_is_libpod(&ev->facts.spec)) {
                podman_store_read(ev->bundle_abs, rq->id, &ev->podman);
                ctx->engine = "libpod";
                ctx->engine_status = ev->podman.status;
                ctx->engine_detail = ev->podman.detail;
                if (ctx->name == NULL)
                        ctx->name = str_nonempty(ev->podman.name);
                if (ctx->image == NULL)
                        ctx->image = str_nonempty(ev->podman.image);
                ctx->image_id = str_nonempty(ev->podman.image_id);
                return;
        }
        moby_store_read(ev->policy.docker_root, rq->id, &ev->moby);
        ctx->engine = "moby";
        ctx->engine_status = moby_status_name(m->status);
        ctx->engine_detail = m->detail;
        /* fields are empty unless config.v2.json was read and well formed */
        if (ctx->name == NULL)
                ctx->name = str_nonempty(m->container.name);
        if (ctx->image == NULL)
                ctx->image = str_nonempty(m->container.image_ref);
        ctx->image_id = str_nonempty(m->container.image_id);
        if (ev->in.facts != NULL && (m->has_platform || m->platform_problem[0]))
                facts_declare(&ev->facts, m->has_platform ? &m->platform : NULL,
                              "moby image config", m->platform_problem);
}

/* The bundle as runc will see it, absolute, for messages and records. */
static void bundle_path(struct evaluation *ev, const char *bundle)
{
        const struct runc_argv as_given = {.bundle = bundle};
        char cwd[PATH_MAX];
        struct eg_error err;

        if (getcwd(cwd, sizeof(cwd)) == NULL ||
            runc_argv_bundle_abs(&as_given, cwd, ev->bundle_abs, sizeof(ev->bundle_abs), &err) < 0)
                str_copy(ev->bundle_abs, sizeof(ev->bundle_abs),
                         bundle && bundle[0] ? bundle : ".");
}

/* The bundle runc re-reads and the rootfs it runs from are the ones judged
 * only when nobody else can swap a directory on their way. */
static void trust_paths(struct evaluation *ev)
{
        struct bundle_facts *f = &ev->facts;
        char rootfs[PATH_MAX], problem[sizeof(f->path_problem) - 32];
        struct eg_error err;
        uid_t uid = geteuid();

        f->paths_checked = true;
        if (!path_trusted(ev->bundle_abs, uid, true, problem, sizeof(problem))) {
                snprintf(f->path_problem, sizeof(f->path_problem), "the bundle's path: %s",
                         problem);
                return;
        }
        /* runc: filepath.Join(bundle, root.path) unless absolute */
        if (f->spec.root_path == NULL || f->spec.root_path[0] == '\0' ||
            path_join_clean(ev->bundle_abs, f->spec.root_path, rootfs, sizeof(rootfs), &err) < 0)
                return; /* nothing to run from: the exe facts say so */
        /* not the rootfs itself: a user namespace's is its mapped root's
         * (runc's userns tests chown it), and what is inside it is the
         * image's, verified again at start */
        if (!path_trusted(rootfs, uid, false, problem, sizeof(problem)))
                snprintf(f->path_problem, sizeof(f->path_problem), "the rootfs' path: %s", problem);
}

/* The runc that main() will exec, found the same way (EDGEGUARD_RUNC over
 * the policy's "runtime"), for its ELF header: the userland's platform.
 * NULL when none is found (main then refuses on its own). */
static const char *runtime_path(const struct policy *p)
{
        const char *configured = getenv("EDGEGUARD_RUNC");
        struct eg_error err;

        if (configured == NULL || configured[0] == '\0')
                configured = p->runtime;
        return runc_path_find(configured, runc_default_paths, "/proc/self/exe", &err);
}

int evaluate_host(const struct policy *p, const char *host, struct host_facts *out,
                  struct eg_error *err)
{
        struct host_sources sources;

        if (host == NULL && p->has_host)
                return host_simulate(p->host_text, out, err);
        if (host != NULL)
                return host_simulate(host, out, err);
        host_sources_default(&sources);
        sources.probe_ia32 = ia32_probe_cached;
        sources.runtime = runtime_path(p);
        return host_detect(&sources, out, err);
}

struct evaluation *evaluate(const struct evaluation_request *rq)
{
        /* Not calloc: the members are filled below by their readers (policy,
         * host, facts, moby, bundle_abs, decision), each of which resets its
         * part first; zeroing 100 KB twice was a sixth of a create's cost. */
        struct evaluation *ev = malloc(sizeof(*ev));
        const char *host = rq->host;
        const char *bundle = rq->bundle && rq->bundle[0] ? rq->bundle : ".";
        struct eg_error err = {0};

        if (ev == NULL)
                return NULL;
        ev->in = (struct decision_input){.policy = &ev->policy};
        ev->policy_error[0] = ev->host_error[0] = ev->config_error[0] = '\0';
        if (rq->preread != NULL) {
                ev->policy = rq->preread->policy;
                memset(&rq->preread->policy, 0, sizeof(rq->preread->policy));
                if (rq->preread->status < 0) {
                        str_copy(ev->policy_error, sizeof(ev->policy_error), rq->preread->error);
                        ev->in.policy_error = ev->policy_error;
                }
        } else if (policy_load(rq->policy_path, rq->policy_named, true, &ev->policy, &err) < 0) {
                str_copy(ev->policy_error, sizeof(ev->policy_error), err.msg);
                ev->in.policy_error = ev->policy_error;
        }

        if (evaluate_host(&ev->policy, host, &ev->host, &err) == 0)
                ev->in.host = &ev->host;
        if (ev->in.host == NULL) {
                str_copy(ev->host_error, sizeof(ev->host_error), err.msg);
                ev->in.host_error = ev->host_error;
        }

        bundle_path(ev, rq->bundle);
        if (facts_gather(bundle, rootfs_resolver_detect(), &ev->facts, &err) < 0) {
                str_copy(ev->config_error, sizeof(ev->config_error), err.msg);
                ev->in.config_error = ev->config_error;
        } else {
                ev->in.facts = &ev->facts;
                trust_paths(ev);
        }

        ev->in.ctx.id = rq->id;
        ev->in.ctx.bundle = ev->bundle_abs;
        ev->in.ctx.caller_uid = geteuid();
        ev->in.ctx.now = time(NULL);
        engine_context(ev, rq);
        decide(&ev->in, &ev->decision);
        return ev;
}

void evaluation_free(struct evaluation *ev)
{
        if (ev == NULL)
                return;
        facts_free(&ev->facts);
        policy_free(&ev->policy);
        free(ev);
}
