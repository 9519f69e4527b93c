#include "evaluate.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../oci/str.h"
#include "argv.h"
#include "policy_load.h"

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
        struct decision_context *ctx = &ev->in.ctx;
        const struct moby_facts *m = &ev->moby;

        ctx->name = rq->name;
        ctx->image = rq->image;
        if (ev->in.facts != NULL) {
                if (ctx->name == NULL)
                        ctx->name = annotation_of(&ev->facts, name_keys);
                if (ctx->image == NULL)
                        ctx->image = annotation_of(&ev->facts, image_keys);
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

struct evaluation *evaluate(const struct evaluation_request *rq)
{
        /* Not calloc: the members are filled below by their readers (policy,
         * host, facts, moby, bundle_abs, decision), each of which resets its
         * part first; zeroing 100 KB twice was a sixth of a create's cost. */
        struct evaluation *ev = malloc(sizeof(*ev));
        struct host_sources sources;
        const char *host = rq->host;
        const char *bundle = rq->bundle && rq->bundle[0] ? rq->bundle : ".";
        struct eg_error err = {0};

        if (ev == NULL)
                return NULL;
        ev->in = (struct decision_input){.policy = &ev->policy};
        ev->policy_error[0] = ev->host_error[0] = ev->config_error[0] = '\0';
        if (policy_load(rq->policy_path, rq->policy_named, true, &ev->policy, &err) < 0) {
                str_copy(ev->policy_error, sizeof(ev->policy_error), err.msg);
                ev->in.policy_error = ev->policy_error;
        }

        if (host == NULL && ev->policy.has_host) {
                char text[3 * PLATFORM_NAME_MAX];
                platform_format(&ev->policy.host, text, sizeof(text));
                if (host_simulate(text, &ev->host, &err) == 0)
                        ev->in.host = &ev->host;
        } else if (host != NULL) {
                if (host_simulate(host, &ev->host, &err) == 0)
                        ev->in.host = &ev->host;
        } else {
                host_sources_default(&sources);
                if (host_detect(&sources, &ev->host, &err) == 0)
                        ev->in.host = &ev->host;
        }
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
