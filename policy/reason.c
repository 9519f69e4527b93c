/* The one sentence a person needs: what was found, what the host runs,
 * which rule decided, and what to do about it. */
#include <stdio.h>
#include <string.h>

#include "../oci/str.h"
#include "../oci/utf8.h"
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
        if (ctx->id == NULL || ctx->id[0] == '\0') /* the engine plugin: not created yet */
                put(t, "a new container");
        else
                put(t, "container \"%.128s\"", ctx->id);
        if (ctx->name && (ctx->id == NULL || strcmp(ctx->name, ctx->id) != 0))
                put(t, " (name %.128s", ctx->name);
        if (ctx->image)
                put(t, "%simage %.200s",
                    ctx->name && (ctx->id == NULL || strcmp(ctx->name, ctx->id) != 0) ? ", " : " (",
                    ctx->image);
        if ((ctx->name && (ctx->id == NULL || strcmp(ctx->name, ctx->id) != 0)) || ctx->image)
                put(t, ")");
}

static bool host_matters(enum rule r)
{
        return r == RULE_OS || r == RULE_ARCH || r == RULE_EMULATION || r == RULE_WINDOWS_BUILD;
}

/* containerd's CRI (Kubernetes, k3s) marks its containers: there is no
 * `docker pull` to suggest. */
static bool under_cri(const struct decision_input *in)
{
        return in->facts &&
               (spec_annotation(&in->facts->spec, "io.kubernetes.cri.container-type") ||
                spec_annotation(&in->facts->spec, "io.kubernetes.cri.sandbox-id"));
}

/* podman (libpod) made the spec: its own pull, not docker's. */
static bool under_podman(const struct decision_input *in)
{
        return in->ctx.engine && strcmp(in->ctx.engine, "libpod") == 0;
}

/* How to get a program built for p, in parentheses: the build setting
 * that states its level or variant, and how to pull it. */
static void build_and_pull_hint(struct text *t, const struct decision_input *in,
                                const struct platform *p, bool pull)
{
        int level = platform_variant_level(p->variant);
        struct platform published = *p;
        char name[4 * PLATFORM_NAME_MAX];
        size_t before = t->len;

        put(t, " (");
        if (strcmp(p->arch, "amd64") == 0 && level >= 2)
                put(t, "Go: GOAMD64=%s; C: -march=x86-64-%s", p->variant, p->variant);
        else if (strcmp(p->arch, "amd64") == 0 && level == 1)
                put(t, "Go: GOAMD64=v1; C: -march=x86-64");
        else if (strcmp(p->arch, "arm") == 0 && level >= 5)
                put(t, "Go: GOARM=%d; C: -march=armv%d", level > 7 ? 7 : level, level);
        /* registries publish linux/amd64, not one image per x86-64 level */
        if (strcmp(published.arch, "amd64") == 0)
                published.variant[0] = '\0';
        platform_format(&published, name, sizeof(name));
        if (pull && under_cri(in))
                put(t, "%sits manifest list must offer %s for this node",
                    t->len > before + 2 ? "; " : "", name);
        else if (pull)
                put(t, "%s%s pull --platform %s %.200s", t->len > before + 2 ? "; " : "",
                    under_podman(in) ? "podman" : "docker", name,
                    in->ctx.image ? in->ctx.image : "IMAGE");
        if (t->len == before + 2) { /* nothing to say */
                t->len = before;
                t->buf[before] = '\0';
                return;
        }
        put(t, ")");
}

/* The rule arch refused: a mislabelled image, a level or variant too
 * high, or another architecture altogether. */
static void arch_advice(struct text *t, const struct decision *d, const struct decision_input *in,
                        const char *policy)
{
        const struct bundle_facts *f = in->facts;
        const struct host_facts *h = in->host;
        char want[4 * PLATFORM_NAME_MAX], got[4 * PLATFORM_NAME_MAX];
        struct platform target = h->platform;

        platform_format(&d->subject, got, sizeof(got));
        if (f && f->has_declared && f->declared.arch[0] &&
            strcmp(d->subject_source, "executable") == 0 &&
            host_runs(h, &f->declared) != PLATFORM_UNSUPPORTED) {
                platform_format(&f->declared, want, sizeof(want));
                put(t,
                    "The image is mislabelled: it declares %s (%s) but its executable is %s; "
                    "pulling it again brings the same binary: it must be rebuilt for %s",
                    want, f->declared_source, got, want);
                build_and_pull_hint(t, in, &f->declared, false);
                put(t, ", or except this container from rule \"arch\" in %s.", policy);
                return;
        }
        /* The same architecture: the level or variant decided, so name it
         * exactly.  Another: images are published as linux/amd64, not per
         * x86-64 level. */
        if (strcmp(d->subject.arch, target.arch) != 0 && strcmp(target.arch, "amd64") == 0)
                target.variant[0] = '\0';
        if (strcmp(target.arch, "arm") == 0 && platform_variant_level(target.variant) > 7)
                str_copy(target.variant, sizeof(target.variant), "v7"); /* no arm/v8 images */
        target.os_version[0] = '\0';
        platform_format(&target, want, sizeof(want));
        if (strcmp(d->subject.arch, "amd64") == 0 && strcmp(target.arch, "amd64") == 0) {
                /* one linux/amd64 image for every level: pulling brings this one back */
                put(t, "Rebuild it for %s", want);
                build_and_pull_hint(t, in, &target, false);
        } else {
                put(t, "Use an image built for %s", want);
                build_and_pull_hint(t, in, &target, true);
        }
        put(t, ", or except this container from rule \"arch\" in %s.", policy);
}

static void advice(struct text *t, const struct decision *d, const struct decision_input *in)
{
        enum rule r = d->rule;
        const char *policy = in->policy->path[0] ? in->policy->path : POLICY_DEFAULT_PATH;
        char host[4 * PLATFORM_NAME_MAX] = "this host's platform";

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
                if (in->ctx.door && strcmp(in->ctx.door, "authz") == 0)
                        put(t,
                            "Send the API request as dockerd reads it: one spelling of each key, "
                            "a JSON body under 1 MiB.");
                else
                        put(t, "Fix config.json: edgeguard refuses what runc could read "
                               "differently.");
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
                if (d->seccomp_gap && in->host && in->host->userland.arch[0] &&
                    strcmp(in->host->userland.arch, in->host->platform.arch) != 0) {
                        /* the engine's default profile is its own (32-bit) arch's */
                        char userland[4 * PLATFORM_NAME_MAX];
                        platform_format(&in->host->userland, userland, sizeof(userland));
                        put(t,
                            "This host's runc and engine are %s, under an %s kernel: use an image "
                            "built for %s, or a seccomp profile that lists %s (the engine's "
                            "default lists its own architecture only), or except this container "
                            "from rule \"arch\" in %s.",
                            userland, in->host->platform.arch, userland, d->seccomp_gap, policy);
                        break;
                }
                if (d->seccomp_gap) {
                        put(t,
                            "Add %s to the seccomp profile's architectures, or except this "
                            "container from rule \"arch\" in %s.",
                            d->seccomp_gap, policy);
                        break;
                }
                if (in->host)
                        arch_advice(t, d, in, policy);
                else
                        put(t, "Use an image built for this host's platform.");
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
        case RULE_HOOKS:
                put(t,
                    "Remove the hook from the container's spec, add its program to \"hooks\" "
                    "in %s if it is a host hook you trust, or except this container from rule "
                    "\"hooks\".",
                    policy);
                break;
        case RULE_INTERPRETER:
                put(t,
                    "Put the interpreter it names into the image (a glibc program needs a "
                    "glibc base image, not musl/Alpine; the loader must be built for the same "
                    "platform as the program), fix the script's #! line, or set rule "
                    "\"interpreter\" to audit or off in %s.",
                    policy);
                break;
        case RULE_WINDOWS_BUILD: {
                long build = in->host ? platform_windows_build(in->host->platform.os_version) : 0;
                put(t,
                    "Use the image's variant for Windows build %ld (os.version 10.0.%ld.*%s), or "
                    "except this container from rule \"windows_build\" in %s.",
                    build, build,
                    build == 17763   ? "; tag ltsc2019"
                    : build == 20348 ? "; tag ltsc2022"
                    : build == 26100 ? "; tag ltsc2025"
                                     : "",
                    policy);
                break;
        }
        case RULE_RUNTIME:
                put(t,
                    "Leave --runtime (HostConfig.Runtime) out to use the default runtime, or add "
                    "the runtime to \"trusted_runtimes\" in %s.",
                    policy);
                break;
        case RULE_CERTAIN_FAILURE:
                put(t, "Drop those capabilities (--cap-drop, or CapDrop in the module's "
                       "createOptions), or give the engine them in its own bounding set (CapBnd in "
                       "/proc/PID/status of dockerd or containerd); no policy setting can let this "
                       "container start.");
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
        /* names from the image and the spec are in it: no raw control
         * character reaches a terminal, the runc log or a log reader */
        if (utf8_needs_cleaning(out->reason)) {
                char clean[sizeof(out->reason)];
                utf8_sanitize_visible(out->reason, clean, sizeof(clean));
                memcpy(out->reason, clean, sizeof(clean));
        }
}
