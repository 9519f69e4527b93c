/* The rules at the engine's API, one function each, then decide.c's policy
 * over their outcomes.  What the runtime reads from the spec is read here
 * from the request: dockerd builds the spec from exactly these fields. */
#include "authz_decide.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../oci/capability.h"
#include "../oci/str.h"
#include "describe.h"
#include "rules.h"

#define LIST_MAX 700

/* HostConfig's fields as dockerd may read them: HostConfig's own, and on
 * Linux up to 26 the same fields at the top level when HostConfig is
 * absent.  Both are read, whichever dockerd takes: the stricter reading. */
struct asked {
        bool privileged;
        const char *runtimes[2];
        const char *isolations[2];
        const struct authz_strv *cap_add[2], *capabilities[2], *security_opt[2];
};

static void gather(const struct authz_body *b, struct asked *a)
{
        const struct authz_hostconfig *h[2] = {&b->host_config, &b->top};

        memset(a, 0, sizeof(*a));
        for (int i = 0; i < 2; i++) {
                a->privileged = a->privileged || h[i]->privileged;
                a->runtimes[i] = h[i]->runtime;
                a->isolations[i] = h[i]->isolation;
                a->cap_add[i] = &h[i]->cap_add;
                a->capabilities[i] = &h[i]->capabilities;
                a->security_opt[i] = &h[i]->security_opt;
        }
}

/* ---- runtime ---- */

static bool trusted(const struct policy *p, const char *name)
{
        for (size_t i = 0; i < p->n_trusted_runtimes; i++)
                if (strcmp(p->trusted_runtimes[i], name) == 0)
                        return true;
        return false;
}

static void rule_runtime(struct decision *d, const struct decision_input *in,
                         const struct authz_facts *f, const struct asked *a)
{
        const struct policy *p = in->policy;
        bool named = false;

        for (int i = 0; i < 2; i++) {
                const char *r = a->runtimes[i];
                if (r == NULL || r[0] == '\0')
                        continue;
                named = true;
                if (!trusted(p, r)) {
                        fail(d, RULE_RUNTIME,
                             "it asks for the runtime \"%.64s\" (%s), which edgeguard does not "
                             "stand in front of: the platform checks would be bypassed",
                             r, i ? "the top-level Runtime" : "HostConfig.Runtime");
                        return;
                }
        }
        if (named) {
                pass(d, RULE_RUNTIME, "a trusted runtime");
                return;
        }
        /* dockerd on Windows reports no DefaultRuntime (its info_windows.go
         * fills none) and runs no runc for edgeguard to stand in front of */
        if (in->host && strcmp(in->host->platform.os, "windows") == 0) {
                skip(d, RULE_RUNTIME,
                     "a Windows host: no runtime for edgeguard to stand in front of");
                return;
        }
        if (!f->daemon.known) {
                skip(d, RULE_RUNTIME, "dockerd's default runtime is not known: %s",
                     f->daemon.detail);
                return;
        }
        if (!trusted(p, f->daemon.default_runtime)) {
                fail(d, RULE_RUNTIME,
                     "no runtime is named, and dockerd's default runtime \"%.64s\" is not one "
                     "edgeguard stands in front of",
                     f->daemon.default_runtime);
                return;
        }
        pass(d, RULE_RUNTIME, "dockerd's default runtime \"%.64s\"", f->daemon.default_runtime);
}

/* ---- hyperv ---- */

static bool hyperv_asked(const struct asked *a)
{
        for (int i = 0; i < 2; i++)
                if (a->isolations[i] && strcasecmp(a->isolations[i], "hyperv") == 0)
                        return true;
        return false;
}

static void rule_hyperv(struct decision *d, const struct decision_input *in,
                        const struct authz_facts *f, const struct asked *a)
{
        bool chosen = false;

        /* moby's Isolation.IsHyperV and IsDefault compare without case */
        for (int i = 0; i < 2; i++) {
                const char *iso = a->isolations[i];
                if (iso == NULL || iso[0] == '\0' || strcasecmp(iso, "default") == 0)
                        continue;
                chosen = true;
                if (strcasecmp(iso, "hyperv") == 0) {
                        fail(d, RULE_HYPERV,
                             "it asks for Hyper-V isolation (%s \"%.32s\"); only "
                             "process-isolated Windows containers are supported",
                             i ? "the top-level Isolation" : "HostConfig.Isolation", iso);
                        return;
                }
        }
        if (chosen) {
                pass(d, RULE_HYPERV, "process isolation asked for");
                return;
        }
        if (f->daemon.known && strcasecmp(f->daemon.isolation, "hyperv") == 0) {
                fail(d, RULE_HYPERV,
                     "it leaves the isolation to dockerd, whose default is Hyper-V (GET /info); "
                     "only process-isolated Windows containers are supported");
                return;
        }
        /* Windows client editions default to Hyper-V (moby's daemon_windows.go):
         * on a Windows host a default no one could read is refused */
        if (!f->daemon.known && in->host && strcmp(in->host->platform.os, "windows") == 0) {
                fail(d, RULE_HYPERV,
                     "it leaves the isolation to dockerd, whose default could not be known "
                     "(%.200s), and may be Hyper-V (as on Windows client editions)",
                     f->daemon.detail[0] ? f->daemon.detail : "GET /info not answered");
                return;
        }
        pass(d, RULE_HYPERV, "dockerd's default isolation (%s)",
             !f->daemon.known         ? "not known"
             : f->daemon.isolation[0] ? f->daemon.isolation
                                      : "none: a Linux daemon");
}

/* ---- os, arch, emulation ---- */

bool authz_elf_head(const struct platform *p, unsigned char head[BINFMT_BUF_SIZE])
{
        static const struct {
                const char *arch;
                unsigned char bits64, big_endian;
                unsigned short machine;
        } machines[] = {
                {"amd64", 1, 0, 62},    {"386", 0, 0, 3},      {"arm64", 1, 0, 183},
                {"arm", 0, 0, 40},      {"ppc64le", 1, 0, 21}, {"s390x", 1, 1, 22},
                {"riscv64", 1, 0, 243}, {"mips64le", 1, 0, 8}, {"loong64", 1, 0, 258},
        };

        memset(head, 0, BINFMT_BUF_SIZE);
        for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
                bool be = machines[i].big_endian;
                if (strcmp(machines[i].arch, p->arch) != 0)
                        continue;
                memcpy(head, "\177ELF", 4);
                head[4] = machines[i].bits64 ? 2 : 1;
                head[5] = be ? 2 : 1;
                head[6] = 1;            /* EV_CURRENT */
                head[be ? 17 : 16] = 2; /* ET_EXEC */
                head[be ? 19 : 18] = (unsigned char)(machines[i].machine & 0xff);
                head[be ? 18 : 19] = (unsigned char)(machines[i].machine >> 8);
                head[be ? 23 : 20] = 1; /* e_version */
                return true;
        }
        return false;
}

static void judge_platform(struct decision *d, const struct decision_input *in,
                           const struct platform *want, const char *what)
{
        const struct host_facts *host = in->host;
        char text[3 * PLATFORM_NAME_MAX], runs[256];
        unsigned char head[BINFMT_BUF_SIZE];
        enum platform_support support;

        platform_format(want, text, sizeof(text));
        if (want->os[0] && strcmp(want->os, host->platform.os) != 0) {
                fail(d, RULE_OS, "%s is for %s (%s)", what, want->os, text);
                skip(d, RULE_ARCH, "%s is for another OS (see os)", text);
                return;
        }
        pass(d, RULE_OS, "a %s image on a %s host", want->os[0] ? want->os : host->platform.os,
             host->platform.os);
        if (want->arch[0] == '\0') {
                fail(d, RULE_UNKNOWN, "%s names no architecture", what);
                return;
        }
        describe_host_runs(host, want, runs, sizeof(runs));
        support = host_runs(host, want);
        if (support != PLATFORM_UNSUPPORTED) {
                pass(d, RULE_ARCH, "%s is %s, which this host runs %s", what, text,
                     support == PLATFORM_NATIVE ? "natively" : "as a compatible architecture");
                return;
        }
        d->emulator = authz_elf_head(want, head) ? binfmt_match(&host->binfmt, head, "") : NULL;
        if (d->emulator == NULL) {
                fail(d, RULE_ARCH, "%s is %s, which this host does not run: it runs %s", what, text,
                     runs);
                skip(d, RULE_EMULATION, "no binfmt_misc entry matches %s ELF executables", text);
                return;
        }
        pass(d, RULE_ARCH, "%s is %s: not a platform this host runs (%s), but emulated", what, text,
             runs);
        fail(d, RULE_EMULATION,
             "%s is %s, which this host runs only under emulation: binfmt_misc entry %s hands "
             "its executables to %s",
             what, text, d->emulator->name, d->emulator->interpreter);
}

static void rules_platform(struct decision *d, const struct decision_input *in,
                           const struct authz_facts *f, const char *image)
{
        const struct authz_image *img = &f->image;
        char what[320];

        if (in->host == NULL)
                return;
        if (f->uri && f->uri->has_platform && f->uri->platform[0]) {
                struct platform asked;
                struct eg_error err;
                if (platform_parse(f->uri->platform, &asked, &err) < 0) {
                        fail(d, RULE_UNKNOWN, "the platform query \"%.64s\" cannot be read: %s",
                             f->uri->platform, err.msg);
                        return;
                }
                judge_platform(d, in, &asked, "the platform asked for (the platform query)");
                if (d->results[RULE_OS].outcome == OUTCOME_FAIL ||
                    d->results[RULE_ARCH].outcome == OUTCOME_FAIL)
                        return;
        }
        switch (img->status) {
        case AUTHZ_IMAGE_READ:
                if (f->binaries != NULL) { /* the runtime's rules over its binaries */
                        decide_executables(d, f->binaries, in->host);
                        return;
                }
                snprintf(what, sizeof(what), "the image %.200s", image ? image : "");
                judge_platform(d, in, &img->platform, what);
                if (d->results[RULE_UNKNOWN].outcome == OUTCOME_FAIL)
                        return;
                /* only the label was judged: a lying image would pass it */
                if (f->binaries_error)
                        fail(d, RULE_UNKNOWN,
                             "the image's binaries could not be read (%.600s): only the platform "
                             "dockerd says the image is was judged; the runtime judges the "
                             "binaries when the container starts",
                             f->binaries_error);
                else
                        pass(d, RULE_UNKNOWN, "the image's platform, from dockerd");
                return;
        case AUTHZ_IMAGE_ABSENT:
                pass(d, RULE_UNKNOWN,
                     "dockerd has no image %.200s: it refuses the create itself, and the "
                     "runtime judges what is created after a pull",
                     image ? image : "");
                return;
        case AUTHZ_IMAGE_FAILED:
                fail(d, RULE_UNKNOWN, "the image's platform could not be asked of dockerd: %s",
                     img->detail);
                return;
        case AUTHZ_IMAGE_NOT_ASKED:
                fail(d, RULE_UNKNOWN, "the request names no image");
                return;
        }
}

/* Process isolation runs only the host's own Windows build (hcsshim's
 * 0xc0370101), as the runtime's rule windows_build says. */
static void rule_windows_build(struct decision *d, const struct decision_input *in,
                               const struct authz_facts *f, const struct asked *a)
{
        const struct authz_image *img = &f->image;
        long want = platform_windows_build(img->os_version);
        long have = in->host ? platform_windows_build(in->host->platform.os_version) : 0;
        const char *match;

        if (img->status != AUTHZ_IMAGE_READ || strcmp(img->platform.os, "windows") != 0) {
                skip(d, RULE_WINDOWS_BUILD, "not a Windows image");
                return;
        }
        if (d->results[RULE_HYPERV].outcome == OUTCOME_FAIL || hyperv_asked(a)) {
                skip(d, RULE_WINDOWS_BUILD, "Hyper-V isolation runs other builds (see hyperv)");
                return;
        }
        if (want == 0 || have == 0) {
                skip(d, RULE_WINDOWS_BUILD, "the %s Windows build is not known",
                     want == 0 ? "image's" : "host's");
                return;
        }
        if ((match = windows_builds_match(have, want)) != NULL) {
                pass(d, RULE_WINDOWS_BUILD, "the image is Windows build %ld, this host %ld: %s",
                     want, have, match);
                return;
        }
        fail(d, RULE_WINDOWS_BUILD,
             "the image is Windows build %ld (os.version %.40s) but this host is build %ld: "
             "process isolation runs only the host's own build (hcsshim fails with 0xc0370101)",
             want, img->os_version, have);
}

/* ---- privileged, capabilities, seccomp ---- */

/* Docker's spelling of a capability ("net_admin", "CAP_NET_ADMIN") as
 * runc reads it, upper case with CAP_ (moby's caps.NormalizeLegacyCapabilities). */
static void docker_cap_name(const char *in, char out[CAPABILITY_NAME_MAX])
{
        size_t o = 0;
        bool prefixed = strncasecmp(in, "CAP_", 4) == 0;

        if (!prefixed)
                memcpy(out, "CAP_", 4), o = 4;
        for (size_t i = 0; in[i] && o + 1 < CAPABILITY_NAME_MAX; i++)
                out[o++] = (char)toupper((unsigned char)in[i]);
        out[o] = '\0';
}

static uint64_t all_caps(const struct decision_input *in)
{
        int last = in->host && in->host->cap_last >= 0 ? in->host->cap_last : CAPABILITY_AUDIT_READ;
        return capability_all_up_to(last);
}

/* Adds each name of v to *held; names no one knows go to unknown. */
static void add_caps(const struct decision_input *in, const struct authz_strv *v, uint64_t *held,
                     char *unknown, size_t size, size_t *len)
{
        for (size_t i = 0; i < v->len; i++) {
                char name[CAPABILITY_NAME_MAX];
                int value;
                if (strcasecmp(v->items[i], "ALL") == 0) {
                        *held |= all_caps(in);
                        continue;
                }
                docker_cap_name(v->items[i], name);
                if (capability_parse(name, &value, NULL) == CAPABILITY_OK)
                        *held |= capability_bit(value);
                else
                        str_append(unknown, size, len, "%s%.40s", *len ? ", " : "", v->items[i]);
        }
}

/* The policy's allow-list and what the exceptions covering the container
 * add to it (as privilege.c's, for a container that has no spec yet). */
static uint64_t allow_list(const struct decision_input *in)
{
        const struct policy *p = in->policy;
        const struct decision_context *ctx = &in->ctx;
        uint64_t allowed = p->capabilities;

        for (size_t i = 0; i < p->n_exceptions; i++) {
                const struct policy_exception *e = &p->exceptions[i];
                if (e->has_capabilities && !(e->expires && ctx->now >= e->expires_at) &&
                    policy_exception_matches(e, ctx->name, ctx->id, ctx->image, ctx->image_id))
                        allowed |= e->capabilities;
        }
        return allowed;
}

static void rule_capabilities(struct decision *d, const struct decision_input *in,
                              const struct asked *a)
{
        char unknown[LIST_MAX] = "", names[LIST_MAX];
        size_t ulen = 0;
        uint64_t held = 0, base = capability_docker_default();

        /* HostConfig.Capabilities (API 1.40) replaces the default set */
        for (int i = 0; i < 2; i++)
                if (a->capabilities[i]->present) {
                        base = 0;
                        add_caps(in, a->capabilities[i], &held, unknown, sizeof(unknown), &ulen);
                }
        held |= base;
        for (int i = 0; i < 2; i++)
                add_caps(in, a->cap_add[i], &held, unknown, sizeof(unknown), &ulen);
        if (a->privileged)
                held |= all_caps(in);
        if (unknown[0]) {
                fail(d, RULE_CAPABILITIES, "no such capability: %s", unknown);
                return;
        }
        if (in->policy->has_capabilities) {
                uint64_t beyond = held & ~allow_list(in);
                if (beyond) {
                        capability_list(beyond, names, sizeof(names));
                        fail(d, RULE_CAPABILITIES, "%s %s beyond the allow-list%s", names,
                             capability_count(beyond) > 1 ? "are" : "is",
                             a->privileged ? " (--privileged grants every capability)" : "");
                        return;
                }
        }
        pass(d, RULE_CAPABILITIES, "%d held%s", capability_count(held),
             in->policy->has_capabilities ? ", all within the allow-list" : "");
}

/* moby's parseSecurityOpt: "seccomp=V", or the older "seccomp:V". */
static bool seccomp_unconfined(const struct authz_strv *v)
{
        for (size_t i = 0; i < v->len; i++) {
                const char *o = v->items[i];
                const char *sep = strchr(o, '=') ? strchr(o, '=') : strchr(o, ':');
                if (sep && (size_t)(sep - o) == 7 && strncmp(o, "seccomp", 7) == 0 &&
                    strcmp(sep + 1, "unconfined") == 0)
                        return true;
        }
        return false;
}

static void privilege_asked(struct decision *d, const struct decision_input *in,
                            const struct asked *a)
{
        if (a->privileged)
                fail(d, RULE_PRIVILEGED,
                     "privileged: it asks for --privileged (every capability and device, no "
                     "seccomp filter, no masked paths)");
        else
                pass(d, RULE_PRIVILEGED, "not privileged");
        rule_capabilities(d, in, a);
        if (a->privileged)
                fail(d, RULE_SECCOMP, "no seccomp filter (--privileged)");
        else if (seccomp_unconfined(a->security_opt[0]) || seccomp_unconfined(a->security_opt[1]))
                fail(d, RULE_SECCOMP, "no seccomp filter (seccomp=unconfined)");
        else
                pass(d, RULE_SECCOMP, "the engine's seccomp profile applies");
}

/* ---- the decision ---- */

static void judge_create(struct decision *d, const struct decision_input *in,
                         const struct authz_facts *f)
{
        struct asked a;

        gather(f->body, &a);
        rule_runtime(d, in, f, &a);
        rule_hyperv(d, in, f, &a);
        rules_platform(d, in, f, f->body->image);
        rule_windows_build(d, in, f, &a);
        privilege_asked(d, in, &a);
}

static void judge_exec(struct decision *d, const struct authz_facts *f)
{
        if (f->body->privileged)
                fail(d, RULE_PRIVILEGED,
                     "an exec with Privileged: true (docker exec --privileged) runs with every "
                     "capability");
        else
                pass(d, RULE_PRIVILEGED, "an exec without Privileged");
}

/* A start below API 1.24 is allowed only with an empty object (or null)
 * as its body: anything else would replace the HostConfig that was judged
 * at create, the runtime first (`--runtime runc` after the fact). */
static void judge_start_legacy(struct decision *d, const struct authz_facts *f)
{
        const unsigned char *p = f->start_body, *end = p + f->start_body_len;
        char text[8];
        size_t n = 0;

        pass(d, RULE_CONFIG, "a start below API 1.24, its body read as bytes");
        for (; p < end && n < sizeof(text) - 1; p++)
                if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
                        text[n++] = (char)*p;
        text[n] = '\0';
        if (p == end && (strcmp(text, "{}") == 0 || strcmp(text, "null") == 0)) {
                pass(d, RULE_RUNTIME, "a start below API 1.24 without settings");
                return;
        }
        fail(d, RULE_RUNTIME,
             "a start at API %s carries a body, which dockerd below API 1.24 applies as the "
             "container's HostConfig (its runtime, privileges and capabilities) after the "
             "create was judged; give those settings to the create (API 1.24 or later)",
             f->uri && f->uri->version[0] ? f->uri->version : "below 1.24");
}

void authz_decide(const struct decision_input *in, const struct authz_facts *f,
                  struct decision *out)
{
        memset(out, 0, sizeof(*out));
        out->subject_source = "";
        if (in->policy_error)
                fail(out, RULE_POLICY, "%s", in->policy_error);
        else
                pass(out, RULE_POLICY, "%s", in->policy->source);
        if (in->host == NULL) {
                fail(out, RULE_HOST, "%s", in->host_error ? in->host_error : "not detected");
        } else {
                char text[256];
                describe_host(in->host, text, sizeof(text));
                pass(out, RULE_HOST, "%s", text);
        }
        for (int r = RULE_CONFIG; r < RULE_COUNT; r++)
                skip(out, (enum rule)r, "%s",
                     f->request_error ? "the request could not be read"
                                      : "not judged at the engine's API for this call");
        skip(out, RULE_BUNDLE, "no bundle yet: the runtime judges it");
        if (f->request_error) {
                fail(out, RULE_CONFIG, "%s", f->request_error);
        } else if (f->endpoint == AUTHZ_START_LEGACY) {
                judge_start_legacy(out, f);
        } else if (f->body != NULL) {
                pass(out, RULE_CONFIG, "the request read as dockerd reads it");
                if (f->endpoint == AUTHZ_CREATE)
                        judge_create(out, in, f);
                else
                        judge_exec(out, f);
        } else {
                fail(out, RULE_CONFIG, "no body to judge");
        }
        decision_apply_policy(out, in->policy, &in->ctx);
        decision_compose_reason(in, out);
}
