/* The rules over what a container may do once it runs: its capabilities,
 * whether it is privileged, its seccomp filter, and whether that filter
 * would kill the executable for its architecture. */
#include <stdio.h>
#include <string.h>

#include "../oci/capability.h"
#include "../oci/device_cgroup.h"
#include "../oci/scmp_arch.h"
#include "../oci/str.h"
#include "rules.h"

#define LIST_MAX 700 /* 41 names */

/* The capabilities a spec names, read as runc reads them. */
struct held_caps {
        uint64_t held;    /* in any of the five sets */
        uint64_t granted; /* in a set other than bounding: runc must capset them */
        char misspelt[LIST_MAX];
        char unknown[LIST_MAX];
        size_t misspelt_len, unknown_len;
};

static void read_caps(const struct spec *s, struct held_caps *c)
{
        memset(c, 0, sizeof(*c));
        for (int set = 0; set < SPEC_CAP_SETS; set++) {
                for (size_t i = 0; i < s->caps[set].len; i++) {
                        const char *name = s->caps[set].items[i];
                        char canonical[CAPABILITY_NAME_MAX];
                        int value;
                        /* the right spelling only while the message has room */
                        bool room = c->misspelt_len + 1 < sizeof(c->misspelt);
                        switch (capability_parse(name, &value, room ? canonical : NULL)) {
                        case CAPABILITY_OK:
                                c->held |= capability_bit(value);
                                if (set != SPEC_CAP_BOUNDING)
                                        c->granted |= capability_bit(value);
                                break;
                        case CAPABILITY_MISSPELT:
                                if (room && strstr(c->misspelt, name) == NULL)
                                        str_append(c->misspelt, sizeof(c->misspelt),
                                                   &c->misspelt_len, "%s\"%.40s\"%s%s%s",
                                                   c->misspelt_len ? ", " : "", name,
                                                   canonical[0] ? " (runc reads only " : "",
                                                   canonical, canonical[0] ? ")" : "");
                                break;
                        case CAPABILITY_UNKNOWN:
                                if (strstr(c->unknown, name) == NULL)
                                        str_append(c->unknown, sizeof(c->unknown), &c->unknown_len,
                                                   "%s%.40s", c->unknown_len ? ", " : "", name);
                                break;
                        }
                }
        }
}

/* The allow-list for this container: the policy's, and what the exceptions
 * covering it add; `by` names the first exception that added any. */
static uint64_t allow_list(const struct decision_input *in, const char **by)
{
        const struct policy *p = in->policy;
        const struct decision_context *ctx = &in->ctx;
        uint64_t allowed = p->capabilities;

        *by = NULL;
        for (size_t i = 0; i < p->n_exceptions; i++) {
                const struct policy_exception *e = &p->exceptions[i];
                if (!e->has_capabilities || (e->expires && ctx->now >= e->expires_at) ||
                    !policy_exception_matches(e, ctx->name, ctx->id, ctx->image, ctx->image_id))
                        continue;
                if ((e->capabilities & ~allowed) && *by == NULL)
                        *by = e->reason;
                allowed |= e->capabilities;
        }
        return allowed;
}

/* "CAP_A is WHY" or "CAP_A, CAP_B are WHY" */
static void put_set(char *out, size_t size, size_t *len, uint64_t set, const char *why)
{
        char names[LIST_MAX];

        capability_list(set, names, sizeof(names));
        str_append(out, size, len, "%s%s %s %s", *len ? "; " : "", names,
                   capability_count(set) > 1 ? "are" : "is", why);
}

static void rule_capabilities(struct decision *d, const struct decision_input *in,
                              const struct held_caps *c)
{
        const struct host_facts *host = in->host;
        const struct policy *p = in->policy;
        char text[sizeof(d->results[0].detail)] = "", names[LIST_MAX];
        size_t len = 0;
        uint64_t beyond = 0, unknown_to_kernel = 0, not_grantable = 0, allowed = 0;
        const char *added_by = NULL;

        if (!in->facts->spec.has_capabilities) {
                pass(d, RULE_CAPABILITIES, "none: the spec has no process.capabilities");
                return;
        }
        if (p->has_capabilities) {
                allowed = allow_list(in, &added_by);
                beyond = c->held & ~allowed;
        }
        if (host && host->cap_last >= 0)
                unknown_to_kernel = c->held & ~capability_all_up_to(host->cap_last);
        if (host && host->has_cap_bounding)
                not_grantable = c->granted & ~host->cap_bounding & ~unknown_to_kernel;

        if (beyond)
                put_set(text, sizeof(text), &len, beyond, "beyond the allow-list");
        if (c->misspelt[0])
                str_append(text, sizeof(text), &len,
                           "%snot capability names as runc reads them: %s (runc drops them with "
                           "a warning)",
                           len ? "; " : "", c->misspelt);
        if (c->unknown[0])
                str_append(text, sizeof(text), &len, "%sno such capability: %s", len ? "; " : "",
                           c->unknown);
        if (unknown_to_kernel) {
                char last[CAPABILITY_NAME_MAX];
                capability_name(host->cap_last, last);
                capability_list(unknown_to_kernel, names, sizeof(names));
                str_append(text, sizeof(text), &len,
                           "%sunknown to this kernel (its last is %s): %s (runc drops them "
                           "with a warning)",
                           len ? "; " : "", last, names);
        }
        if (not_grantable) {
                capability_list(not_grantable, names, sizeof(names));
                fail(d, RULE_CERTAIN_FAILURE,
                     "%s %s not in the bounding set runc inherits from the engine: runc would "
                     "fail with \"unable to apply caps: operation not permitted\" (no policy "
                     "setting or exception changes that)",
                     names, capability_count(not_grantable) > 1 ? "are" : "is");
        }
        if (len) {
                fail(d, RULE_CAPABILITIES, "%s", text);
                return;
        }
        capability_list(c->held, names, sizeof(names));
        len = 0;
        str_append(text, sizeof(text), &len, "%d held", capability_count(c->held));
        if (capability_count(c->held) <= 16 && c->held)
                str_append(text, sizeof(text), &len, " (%s)", names);
        if (p->has_capabilities)
                str_append(text, sizeof(text), &len, ", all within the allow-list%s%.160s%s",
                           added_by ? " and what the exception \"" : "", added_by ? added_by : "",
                           added_by ? "\" adds" : "");
        pass(d, RULE_CAPABILITIES, "%s", text);
}

/* " after linux.resources.devices[N]", or "" when runc's own rules decided */
static void rule_index(size_t at, char out[64])
{
        out[0] = '\0';
        if (at != (size_t)-1)
                snprintf(out, 64, " after linux.resources.devices[%zu]", at);
}

/* "every device is allowed (...)" or "every character device is allowed
 * (...)", from the rules as runc's device filter applies them; "" when
 * the filter holds. */
static void device_findings(const struct spec *s, char *out, size_t size)
{
        struct device_cgroup dc;
        char by[64], c[4], b[4];
        size_t len = 0;

        out[0] = '\0';
        device_cgroup_of(s, &dc);
        if (dc.runc_fails) {
                snprintf(out, size, "device rules runc refuses (it would fail): %s", dc.problem);
                return;
        }
        if (dc.every_device) {
                rule_index(dc.reset_by, by);
                snprintf(out, size,
                         "every device is allowed (the device cgroup is allow-by-default%s)", by);
                return;
        }
        device_access_text(dc.every_char, c);
        device_access_text(dc.every_block, b);
        if (dc.every_char & (DEVICE_READ | DEVICE_WRITE)) {
                rule_index(dc.char_by, by);
                str_append(out, size, &len, "every character device is allowed (c *:* %s%s)", c,
                           by);
        }
        if (dc.every_block & (DEVICE_READ | DEVICE_WRITE)) {
                rule_index(dc.block_by, by);
                str_append(out, size, &len, "%severy block device is allowed (b *:* %s%s)",
                           len ? "; " : "", b, by);
        }
}

static bool sysfs_writable(const struct spec *s)
{
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                bool ro = false;
                if (m->type == NULL || strcmp(m->type, "sysfs") != 0)
                        continue;
                for (size_t o = 0; o < m->options.len; o++)
                        ro = ro || strcmp(m->options.items[o], "ro") == 0;
                if (!ro)
                        return true;
        }
        return false;
}

static void rule_privileged(struct decision *d, const struct decision_input *in,
                            const struct held_caps *c)
{
        const struct spec *s = &in->facts->spec;
        char text[sizeof(d->results[0].detail)] = "";
        char devices[400];
        size_t len = 0;
        int last = in->host && in->host->cap_last >= 0 && in->host->cap_last < CAPABILITY_AUDIT_READ
                           ? in->host->cap_last
                           : CAPABILITY_AUDIT_READ;
        uint64_t all = capability_all_up_to(last);
        bool every_cap;

        every_cap = (c->held & all) == all;
        if (every_cap)
                str_append(text, sizeof(text), &len, "it holds every capability (%d)",
                           capability_count(c->held));
        device_findings(s, devices, sizeof(devices));
        if (devices[0])
                str_append(text, sizeof(text), &len, "%s%s", len ? "; " : "", devices);
        if (len) {
                size_t also = len;
                if (!spec_seccomp_filtered(s))
                        str_append(text, sizeof(text), &len, "%s no seccomp filter",
                                   len == also ? "; also:" : ",");
                if (s->masked_paths.len == 0)
                        str_append(text, sizeof(text), &len, "%s no masked paths",
                                   len == also ? "; also:" : ",");
                if (s->readonly_paths.len == 0)
                        str_append(text, sizeof(text), &len, "%s no read-only paths",
                                   len == also ? "; also:" : ",");
                if (sysfs_writable(s))
                        str_append(text, sizeof(text), &len, "%s /sys writable",
                                   len == also ? "; also:" : ",");
                if (s->n_devices)
                        str_append(text, sizeof(text), &len, "%s %zu device nodes",
                                   len == also ? "; also:" : ",", s->n_devices);
                fail(d, RULE_PRIVILEGED, "privileged: %s", text);
                return;
        }
        pass(d, RULE_PRIVILEGED,
             "not privileged: %d capabilities, %zu device cgroup rules, %s, %zu masked paths",
             capability_count(c->held), s->n_device_rules,
             spec_seccomp_filtered(s) ? "a seccomp filter" : "no seccomp filter",
             s->masked_paths.len);
}

static bool allows_by_default(const char *action)
{
        return action &&
               (strcmp(action, "SCMP_ACT_ALLOW") == 0 || strcmp(action, "SCMP_ACT_LOG") == 0);
}

static void rule_seccomp(struct decision *d, const struct decision_input *in)
{
        const struct spec *s = &in->facts->spec;
        char archs[256];

        if (!s->has_seccomp) {
                fail(d, RULE_SECCOMP,
                     "no seccomp filter (no linux.seccomp: seccomp=unconfined or --privileged)");
                return;
        }
        if (!spec_seccomp_filtered(s)) {
                fail(d, RULE_SECCOMP,
                     "no seccomp filter: linux.seccomp has no defaultAction and no syscalls, "
                     "which runc reads as seccomp disabled");
                return;
        }
        if (allows_by_default(s->seccomp_default_action)) {
                fail(d, RULE_SECCOMP,
                     "the seccomp filter's defaultAction is %s: every system call it does not "
                     "name is allowed",
                     s->seccomp_default_action);
                return;
        }
        seccomp_arch_names(s, archs, sizeof(archs));
        pass(d, RULE_SECCOMP, "defaultAction %.40s, architectures %s",
             s->seccomp_default_action ? s->seccomp_default_action : "(none)",
             archs[0] ? archs : "(runc's own only)");
}

void rules_privilege(struct decision *d, const struct decision_input *in)
{
        struct held_caps c;

        pass(d, RULE_CERTAIN_FAILURE, "nothing known to make runc fail");
        if (strcmp(in->facts->spec_os, "windows") == 0) {
                /* Linux's capabilities, seccomp and devices mean nothing there */
                skip(d, RULE_PRIVILEGED, "a Windows container");
                skip(d, RULE_CAPABILITIES, "a Windows container");
                skip(d, RULE_SECCOMP, "a Windows container");
                return;
        }
        read_caps(&in->facts->spec, &c);
        rule_privileged(d, in, &c);
        rule_capabilities(d, in, &c);
        rule_seccomp(d, in);
}

void seccomp_arch_names(const struct spec *s, char *out, size_t size)
{
        size_t len = 0;

        out[0] = '\0';
        for (size_t i = 0; i < s->seccomp_architectures.len; i++)
                str_append(out, size, &len, "%s%.40s", i ? " " : "",
                           s->seccomp_architectures.items[i]);
}

const char *seccomp_arch_gap(const struct spec *s, uint32_t runtime_native,
                             const struct platform *p)
{
        uint32_t token = scmp_arch_of_platform(p);

        if (!spec_seccomp_filtered(s) || token == 0 || token == runtime_native)
                return NULL;
        for (size_t i = 0; i < s->seccomp_architectures.len; i++)
                if (scmp_arch_from_spec_name(s->seccomp_architectures.items[i]) == token)
                        return NULL;
        return scmp_arch_spec_name(token);
}
