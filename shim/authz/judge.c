#include "judge.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../oci/cleanup.h"
#include "../../oci/facts.h"
#include "../../oci/str.h"
#include "../../policy/record.h"
#include "../decision_log.h"
#include "../policy_load.h"
#include "../repeat_state.h"
#include "../version.h"
#include "docker_api.h"
#include "image_binaries.h"

/* GET /info changes only with dockerd's configuration: asked again after
 * this many seconds, not on every create. */
#define INFO_TTL_S 10

static pthread_mutex_t info_lock = PTHREAD_MUTEX_INITIALIZER;
static struct authz_daemon info_cache;
static time_t info_at;

/* The repeat table's lock wait uses a process-wide timer signal, and two
 * records must not be counted at once: one decision logs at a time. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

const char *judge_endpoint_name(enum authz_endpoint e)
{
        switch (e) {
        case AUTHZ_CREATE:
                return "create";
        case AUTHZ_EXEC:
                return "exec";
        case AUTHZ_START_LEGACY:
                return "start";
        case AUTHZ_OTHER:
                break;
        }
        return "other";
}

static void daemon_facts(const struct judge_config *cfg, int timeout_ms, struct authz_daemon *out)
{
        time_t now = time(NULL);

        if (cfg->docker_socket == NULL) {
                if (cfg->daemon)
                        *out = *cfg->daemon;
                else
                        *out = (struct authz_daemon){.detail = "offline: dockerd not asked"};
                return;
        }
        pthread_mutex_lock(&info_lock);
        if (info_at == 0 || now - info_at >= INFO_TTL_S || now < info_at || !info_cache.known) {
                pthread_mutex_unlock(&info_lock);
                if (timeout_ms <= 0) {
                        *out = (struct authz_daemon){.detail = "GET /info: no time left"};
                        return;
                }
                docker_api_info(cfg->docker_socket, timeout_ms, out);
                pthread_mutex_lock(&info_lock);
                info_cache = *out;
                info_at = now;
        } else {
                *out = info_cache;
        }
        pthread_mutex_unlock(&info_lock);
}

static void image_facts(const struct judge_config *cfg, int timeout_ms, const char *ref,
                        struct authz_image *out)
{
        if (ref == NULL || ref[0] == '\0') {
                *out = (struct authz_image){.status = AUTHZ_IMAGE_NOT_ASKED};
        } else if (cfg->docker_socket) {
                docker_api_image(cfg->docker_socket, ref, timeout_ms, out);
        } else if (cfg->image) {
                *out = *cfg->image;
        } else {
                *out = (struct authz_image){.status = AUTHZ_IMAGE_FAILED};
                snprintf(out->detail, sizeof(out->detail),
                         "offline (check): dockerd not asked; give --image-platform");
        }
}

/* Who asked, and IoT Edge's labels, for the record's engine.detail. */
static void engine_detail(const struct authz_request *rq, const struct authz_body *b, char *out,
                          size_t size)
{
        static const char edge[] = "net.azure-devices.edge.";
        size_t len = 0;

        out[0] = '\0';
        if (rq->user && rq->user[0])
                str_append(out, size, &len, "user %.200s (%.40s)", rq->user,
                           rq->authn_method ? rq->authn_method : "?");
        for (size_t i = 0; b && i < b->n_labels; i++)
                if (strncmp(b->labels[i].key, edge, sizeof(edge) - 1) == 0)
                        str_append(out, size, &len, "%s%.80s=%.120s", len ? "; " : "",
                                   b->labels[i].key, b->labels[i].value);
}

static long long micros_since(struct timespec start)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (long long)(now.tv_sec - start.tv_sec) * 1000000 +
               (now.tv_nsec - start.tv_nsec) / 1000;
}

/* Everything one decision needs, on the heap: a thread's stack is small.
 * The allow-list needs only the members before `body`: the rest (100 KB)
 * is zeroed only for a call that is judged. */
struct work {
        struct authz_request rq;
        struct authz_uri uri;
        char request_error[EG_ERROR_MSG_MAX];
        enum authz_endpoint endpoint;
        struct authz_body body;
        struct authz_facts facts;
        struct policy policy;
        struct host_facts simulated;
        struct bundle_facts declared; /* only for the record's "declared" */
        struct bundle_facts binaries; /* the image's, when its layers were read */
        char binaries_error[EG_ERROR_MSG_MAX];
        struct decision_input in;
        struct decision d;
        char policy_error[EG_ERROR_MSG_MAX];
        char host_error[EG_ERROR_MSG_MAX];
        char detail[600];
        char id[256];
};

/* The envelope and the URI: all the allow-list needs.  False when the
 * call is allowed at once. */
static bool first_look(struct work *w, const char *envelope, size_t len)
{
        struct eg_error err = {0};

        w->request_error[0] = '\0';
        w->endpoint = AUTHZ_CREATE; /* unreadable: judged as the strictest call */
        if (envelope == NULL) {
                memset(&w->rq, 0, sizeof(w->rq)); /* authz_request_free'd below */
                eg_error_set(&err, 0, "the AuthZ request is over %u bytes", AUTHZ_ENVELOPE_MAX);
        }
        if (envelope == NULL || authz_request_parse(envelope, len, &w->rq, &err) < 0) {
                memset(&w->uri, 0, sizeof(w->uri));
                str_copy(w->request_error, sizeof(w->request_error), err.msg);
                return true;
        }
        if (w->rq.uri == NULL || authz_uri_parse(w->rq.uri, &w->uri, &err) < 0) {
                snprintf(w->request_error, sizeof(w->request_error), "%s",
                         w->rq.uri ? err.msg : "the AuthZ request has no RequestUri");
                return true;
        }
        w->endpoint = authz_endpoint_of(w->rq.method, &w->uri);
        return w->endpoint != AUTHZ_OTHER;
}

/* The body of a call that is judged. */
static void read_body(struct work *w)
{
        struct eg_error err = {0};
        struct authz_facts *f = &w->facts;

        f->endpoint = w->endpoint;
        if (w->request_error[0])
                return;
        f->uri = &w->uri;
        if (!w->rq.has_body) {
                snprintf(w->request_error, sizeof(w->request_error),
                         "dockerd sent no body with this %s (it sends none of 1 MiB or more, "
                         "and none when not application/json): there is nothing to judge",
                         judge_endpoint_name(f->endpoint));
                return;
        }
        if (f->endpoint == AUTHZ_START_LEGACY) {
                f->start_body = w->rq.body;
                f->start_body_len = w->rq.body_len;
                return;
        }
        if (authz_body_parse((const char *)w->rq.body, w->rq.body_len, f->endpoint, &w->body,
                             &err) < 0) {
                snprintf(w->request_error, sizeof(w->request_error), "the %s body: %.900s",
                         judge_endpoint_name(f->endpoint), err.msg);
                return;
        }
        f->body = &w->body;
}

static void context(struct work *w)
{
        struct decision_context *ctx = &w->in.ctx;
        const char *path = w->uri.path;

        ctx->door = "authz";
        ctx->id = "";
        ctx->bundle = NULL;
        ctx->now = time(NULL);
        ctx->engine = "docker-api";
        ctx->engine_status = judge_endpoint_name(w->facts.endpoint);
        if (w->facts.endpoint == AUTHZ_CREATE) {
                ctx->name = w->uri.has_name ? str_nonempty(w->uri.name) : NULL;
        } else if (w->facts.endpoint == AUTHZ_EXEC || w->facts.endpoint == AUTHZ_START_LEGACY) {
                /* /containers/{id or name}/exec or /start */
                size_t n = strlen(path) - strlen("/containers/") -
                           strlen(w->facts.endpoint == AUTHZ_EXEC ? "/exec" : "/start");
                snprintf(w->id, sizeof(w->id), "%.*s", (int)(n < 255 ? n : 255),
                         path + strlen("/containers/"));
                ctx->id = w->id; /* what the exec names: an id or a name */
        }
        ctx->image = w->facts.body ? str_nonempty(w->body.image) : NULL;
        engine_detail(&w->rq, w->facts.body, w->detail, sizeof(w->detail));
        ctx->engine_detail = w->detail;
}

/* What is left of the budget for a request's calls into dockerd. */
static int remaining_ms(const struct judge_config *cfg, struct timespec started)
{
        return cfg->timeout_ms - (int)(micros_since(started) / 1000);
}

/* The image's binaries, read from dockerd's store as `check --image`
 * reads them (no time bound: local files, the facts path's own limits). */
static void binaries(struct work *w)
{
        const struct authz_daemon *dd = &w->facts.daemon;
        struct eg_error err = {0};
        int rc;

        if (!dd->known) {
                snprintf(w->binaries_error, sizeof(w->binaries_error),
                         "where dockerd keeps its images is not known: %.300s", dd->detail);
        } else if (w->facts.image.id[0] == '\0') {
                snprintf(w->binaries_error, sizeof(w->binaries_error),
                         "dockerd's image inspect gave no Id");
        } else if ((rc = image_binaries_gather(dd->root, dd->driver, w->facts.image.id, &w->body,
                                               &w->binaries, &err)) == 0) {
                w->facts.binaries = &w->binaries;
                return;
        } else if (rc > 0) {
                return;
        } else {
                str_copy(w->binaries_error, sizeof(w->binaries_error), err.msg);
        }
        w->facts.binaries_error = w->binaries_error;
}

static void gather(struct work *w, const struct judge_config *cfg, struct timespec started)
{
        struct eg_error err = {0};

        w->in.policy = &w->policy;
        if (policy_load(cfg->policy_path, cfg->policy_named, true, &w->policy, &err) < 0) {
                str_copy(w->policy_error, sizeof(w->policy_error), err.msg);
                w->in.policy_error = w->policy_error;
        }
        if (w->policy.has_host && !cfg->host_wins) {
                char text[3 * PLATFORM_NAME_MAX];
                platform_format(&w->policy.host, text, sizeof(text));
                if (host_simulate(text, &w->simulated, &err) == 0) {
                        w->in.host = &w->simulated;
                } else {
                        str_copy(w->host_error, sizeof(w->host_error), err.msg);
                        w->in.host_error = w->host_error;
                }
        } else {
                w->in.host = cfg->host;
                w->in.host_error = cfg->host_error;
        }
        if (w->facts.request_error == NULL && w->facts.endpoint == AUTHZ_CREATE) {
                image_facts(cfg, remaining_ms(cfg, started), w->body.image, &w->facts.image);
                daemon_facts(cfg, remaining_ms(cfg, started), &w->facts.daemon);
        }
        if (w->facts.image.status == AUTHZ_IMAGE_READ && cfg->docker_socket &&
            image_binaries_readable())
                binaries(w);
        if (w->facts.binaries != NULL) {
                w->in.facts = &w->binaries; /* the record names the executable */
        } else if (w->facts.image.status == AUTHZ_IMAGE_READ) {
                w->declared.has_declared = true;
                w->declared.declared = w->facts.image.platform;
                str_copy(w->declared.declared_source, sizeof(w->declared.declared_source),
                         "dockerd image inspect");
                w->in.facts = &w->declared;
        }
}

static void log_decision(struct work *w, struct timespec started, struct judge_answer *ans,
                         const struct judge_config *cfg)
{
        struct record_extra x = {.verb = judge_endpoint_name(w->facts.endpoint),
                                 .version = EDGEGUARD_VERSION};
        cleanup_free char *line = NULL;
        struct eg_error err = {0};
        const char *target = w->policy.decision_log;
        char key[REPEAT_KEY_SIZE];
        struct repeat_note note;
        size_t len;

        clock_gettime(CLOCK_REALTIME, &x.time);
        if (cfg->decision_log_default && strcmp(target, POLICY_DEFAULT_DECISION_LOG) == 0)
                target = cfg->decision_log_default;
        if (!cfg->write_log) {
                x.duration_us = -1;
                if (record_format(&w->in, &w->d, &x, &ans->record, &ans->record_len, &err) < 0)
                        ans->record = NULL;
                return;
        }
        pthread_mutex_lock(&log_lock);
        if (w->d.verdict != VERDICT_ALLOW && target[0] == '/' && w->policy.repeat_window > 0) {
                repeat_key(&w->in, &w->d, key);
                repeat_state_observe(target, key, x.time.tv_sec, w->policy.repeat_window, &note);
                if (!note.write) {
                        pthread_mutex_unlock(&log_lock);
                        return;
                }
                x.repeat = &note;
        }
        x.duration_us = micros_since(started);
        if (record_format(&w->in, &w->d, &x, &line, &len, &err) < 0 ||
            decision_log_write(target, line, len, &err) < 0)
                snprintf(ans->msg + strlen(ans->msg), sizeof(ans->msg) - strlen(ans->msg),
                         " (the decision log could not be written: %.200s)", err.msg);
        pthread_mutex_unlock(&log_lock);
}

void judge_request(const struct judge_config *cfg, const char *envelope, size_t len,
                   struct judge_answer *ans)
{
        struct timespec started;
        cleanup_free struct work *w = malloc(sizeof(*w));

        clock_gettime(CLOCK_MONOTONIC, &started);
        memset(ans, 0, sizeof(*ans));
        if (w == NULL) {
                snprintf(ans->msg, sizeof(ans->msg), "edgeguard-authz: out of memory");
                return;
        }
        if (!first_look(w, envelope, len)) {
                ans->allow = true;
                authz_request_free(&w->rq);
                return;
        }
        memset(&w->body, 0, sizeof(*w) - offsetof(struct work, body));
        read_body(w);
        ans->judged = true;
        if (w->request_error[0])
                w->facts.request_error = w->request_error;
        context(w);
        gather(w, cfg, started);
        authz_decide(&w->in, &w->facts, &w->d);
        ans->allow = w->d.verdict != VERDICT_REFUSE;
        str_copy(ans->msg, sizeof(ans->msg), w->d.reason);
        log_decision(w, started, ans, cfg);
        image_binaries_free(&w->binaries);
        authz_body_free(&w->body);
        authz_request_free(&w->rq);
        policy_free(&w->policy);
}
