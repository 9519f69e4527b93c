/* The one sentence a person needs: what was found, what the host runs,
 * which rule decided, and what to do about it. */
#include <stdio.h>
#include <string.h>

#include "../oci/str.h"
#include "decision.h"
#include "describe.h"

const char *verdict_name(enum verdict v)
{
        switch (v) {
        case VERDICT_ALLOW:
                return "allow";
        case VERDICT_AUDIT:
                return "audit";
        case VERDICT_REFUSE:
                return "refuse";
        }
        return "?";
}

const char *action_name(enum action a)
{
        switch (a) {
        case ACTION_NONE:
                return "none";
        case ACTION_REFUSE:
                return "refuse";
        case ACTION_AUDIT:
                return "audit";
        case ACTION_NOTE:
                return "note";
        case ACTION_EXCEPTED:
                return "excepted";
        }
        return "?";
}

const char *outcome_name(enum outcome o)
{
        switch (o) {
        case OUTCOME_SKIPPED:
                return "skipped";
        case OUTCOME_PASS:
                return "pass";
        case OUTCOME_FAIL:
                return "fail";
        }
        return "?";
}

struct text {
        char *buf;
        size_t size, len;
};

#define put(t, ...) str_append((t)->buf, (t)->size, &(t)->len, __VA_ARGS__)

static void who(struct text *t, const struct decision_context *ctx)
{
        put(t, "container \"%.128s\"", ctx->id ? ctx->id : "");
        if (ctx->name && (ctx->id == NULL || strcmp(ctx->name, ctx->id) != 0))
                put(t, " (name %.128s", ctx->name);
        if (ctx->image)
                put(t, "%s image %.200s", ctx->name ? "," : " (", ctx->image);
        if ((ctx->name && (ctx->id == NULL || strcmp(ctx->name, ctx->id) != 0)) || ctx->image)
                put(t, ")");
}

static bool host_matters(enum rule r)
{
        return r == RULE_OS || r == RULE_ARCH || r == RULE_EMULATION;
}

static void advice(struct text *t, const struct decision *d, const struct decision_input *in)
{
        enum rule r = d->rule;
        const char *policy = in->policy->path[0] ? in->policy->path : POLICY_DEFAULT_PATH;
        char host[3 * PLATFORM_NAME_MAX] = "this host's platform";
        /* the engine in front: podman's own pull under podman */
        const char *pull_cmd =
                in->ctx.engine && strcmp(in->ctx.engine, "libpod") == 0 ? "podman" : "docker";

        if (in->host) {
                struct platform pull = in->host->platform;
                /* images are published as linux/amd64, not per x86-64 level */
                if (strcmp(pull.arch, "amd64") == 0)
                        pull.variant[0] = '\0';
                platform_format(&pull, host, sizeof(host));
        }
        switch (r) {
        case RULE_POLICY:
                put(t,
                    "Fix or remove %s; until then no container can be created (delete, kill "
                    "and state still work).",
                    policy);
                break;
        case RULE_HOST:
                put(t, "Set \"host\" in %s to this host's OS/ARCH[/VARIANT].", policy);
                break;
        case RULE_CONFIG:
                put(t, "Fix config.json: edgeguard refuses what runc could read differently.");
                break;
        case RULE_BUNDLE:
                put(t,
                    "Make the bundle directory and config.json writable only by their owner "
                    "(chmod go-w), or except this container from rule \"bundle\" in %s.",
                    policy);
                break;
        case RULE_OS:
                put(t, "Use an image for %s.", host);
                break;
        case RULE_HYPERV:
                put(t, "Run it process-isolated (docker run --isolation=process).");
                break;
        case RULE_ARCH:
                if (d->seccomp_gap) {
                        put(t,
                            "Add %s to the seccomp profile's architectures, or except this "
                            "container from rule \"arch\" in %s.",
                            d->seccomp_gap, policy);
                        break;
                }
                put(t,
                    "Use an image built for %s (%s pull --platform %s IMAGE), or except "
                    "this container from rule \"arch\" in %s.",
                    host, pull_cmd, host, policy);
                break;
        case RULE_EMULATION:
                put(t,
                    "Set \"allow_emulation\": true in %s to run it under emulation, or use an "
                    "image built for %s.",
                    policy, host);
                break;
        case RULE_UNKNOWN:
                put(t, "Fix the image's entrypoint, or set \"unknown\": \"allow\" in %s.", policy);
                break;
        case RULE_METADATA:
                put(t,
                    "Fix the image's platform metadata, or set \"rules\": {\"metadata\": "
                    "\"off\"} in %s.",
                    policy);
                break;
        case RULE_PRIVILEGED:
                put(t,
                    "Run it without --privileged, granting only the capabilities and devices "
                    "it needs (--cap-add, --device), or except it from rule \"privileged\" in "
                    "%s.",
                    policy);
                break;
        case RULE_CAPABILITIES:
                put(t,
                    "Drop what it does not need (--cap-drop, or CapDrop in the module's "
                    "createOptions), or allow it in \"capabilities\" in %s (for this module "
                    "alone: an exception with \"capabilities\").",
                    policy);
                break;
        case RULE_SECCOMP:
                put(t,
                    "Run it under a seccomp profile (drop seccomp=unconfined and "
                    "--privileged: the engine's default applies), or except it from rule "
                    "\"seccomp\" in %s.",
                    policy);
                break;
        case RULE_COUNT:
                break;
        }
}

static void refusal(struct text *t, const struct decision_input *in, const struct decision *d)
{
        const struct rule_result *res = &d->results[d->rule];
        char host[256];

        put(t, "%s ", d->verdict == VERDICT_AUDIT ? "audit: would refuse" : "refused");
        who(t, &in->ctx);
        put(t, ": %s", res->detail);
        if (host_matters(d->rule) && in->host) {
                describe_host(in->host, host, sizeof(host));
                put(t, "; this host is %s", host);
        }
        if (res->expired)
                put(t, "; the exception for it (\"%.160s\") expired at %s", res->expired->reason,
                    res->expired->expires_text);
        put(t, " [rule %s%s]. ", rule_name(d->rule),
            d->verdict == VERDICT_AUDIT ? ", audit mode" : "");
        /* an image that is labelled right but built wrong is the usual
         * puzzle behind such a refusal: say so, whatever metadata's mode */
        if (d->rule != RULE_METADATA && d->results[RULE_METADATA].outcome == OUTCOME_FAIL)
                put(t, "Its metadata is wrong too: %s. ", d->results[RULE_METADATA].detail);
        if (d->verdict == VERDICT_REFUSE)
                advice(t, d, in);
}

static void allowance(struct text *t, const struct decision_input *in, const struct decision *d)
{
        put(t, "allowed ");
        who(t, &in->ctx);
        if (d->results[RULE_ARCH].outcome == OUTCOME_PASS)
                put(t, ": %s", d->results[RULE_ARCH].detail);
}

/* Every rule that failed without deciding: excepted, noted, audited. */
static void the_rest(struct text *t, const struct decision *d)
{
        for (int r = 0; r < RULE_COUNT; r++) {
                const struct rule_result *res = &d->results[r];
                if (res->outcome != OUTCOME_FAIL || (enum rule)r == d->rule)
                        continue;
                if (res->action == ACTION_EXCEPTED)
                        put(t, "; excepted from rule %s (\"%.160s\"%s%s): %s",
                            rule_name((enum rule)r), res->exception->reason,
                            res->exception->expires ? ", until " : "",
                            res->exception->expires ? res->exception->expires_text : "",
                            res->detail);
                else if (res->action == ACTION_NOTE || res->action == ACTION_AUDIT)
                        put(t, "; %s (rule %s): %s",
                            res->action == ACTION_AUDIT ? "audit" : "noted",
                            rule_name((enum rule)r), res->detail);
        }
}

void decision_compose_reason(const struct decision_input *in, struct decision *out)
{
        struct text t = {out->reason, sizeof(out->reason), 0};

        out->reason[0] = '\0';
        if (out->rule != RULE_COUNT)
                refusal(&t, in, out);
        else
                allowance(&t, in, out);
        if (out->verdict != VERDICT_REFUSE)
                the_rest(&t, out);
        while (t.len > 0 && t.buf[t.len - 1] == ' ')
                t.buf[--t.len] = '\0';
}
