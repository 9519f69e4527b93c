/* The hooks rule: every host hook's program is allow-listed (dockerd's own
 * network hook always is), and every startContainer hook's program, found
 * in the container like the process, is one this host runs.  Host hooks run
 * as root after the decision and could rewrite what was judged; a
 * startContainer hook is a program from the image run before the process. */
#include <stdio.h>
#include <string.h>

#include "../oci/str.h"
#include "rules.h"

#define DOCKER_HOOK_ARG0 "libnetwork-setkey"

/* The allow-list entry that covers h, NULL when none. */
static const char *allowed_by(const struct hook_fact *h, const struct policy *p)
{
        if (h->program[0] != '/')
                return NULL;
        /* dockerd's paths only as dockerd's network hook, not as any command */
        for (size_t i = 0; policy_docker_hooks[i]; i++)
                if (strcmp(h->program, policy_docker_hooks[i]) == 0 && h->arg0 &&
                    strcmp(h->arg0, DOCKER_HOOK_ARG0) == 0)
                        return "dockerd's network hook";
        for (size_t i = 0; i < p->n_hooks; i++)
                if (strcmp(h->program, p->hooks[i]) == 0)
                        return "the policy's hooks";
        return NULL;
}

static void name_hook(const struct hook_fact *h, char *out, size_t size)
{
        snprintf(out, size, "hooks.%s[%zu] \"%.200s\"", spec_hook_kind_name(h->kind), h->index,
                 h->path);
}

/* Why h may not run, into out; "" when it may. */
static void judge(const struct hook_fact *h, const struct decision_input *in, char *out,
                  size_t size)
{
        char name[256], want[3 * PLATFORM_NAME_MAX];

        out[0] = '\0';
        name_hook(h, name, sizeof(name));
        if (hooks_runs_on_host(h->kind)) {
                if (allowed_by(h, in->policy) != NULL)
                        return;
                if (h->program[0] == '\0')
                        snprintf(out, size, "%s: the host program cannot be told (%.300s)", name,
                                 h->reason);
                else if (strcmp(h->program, h->path) != 0)
                        snprintf(out, size, "%s (%.200s%s%.40s) is a host hook not allow-listed",
                                 name, h->program, h->arg0 ? " " : "", h->arg0 ? h->arg0 : "");
                else
                        snprintf(out, size, "%s is a host hook not allow-listed", name);
                return;
        }
        if (h->kind_found == EXE_UNIDENTIFIED || h->platform.arch[0] == '\0') {
                snprintf(out, size, "%s runs in the container, and could not be identified: %.300s",
                         name, h->reason[0] ? h->reason : "no platform");
                return;
        }
        if (in->host == NULL || host_runs(in->host, &h->platform) != PLATFORM_UNSUPPORTED)
                return;
        platform_format(&h->platform, want, sizeof(want));
        snprintf(out, size, "%s runs in the container: %.200s is %s, which this host does not run",
                 name, h->program, want);
}

void rule_hooks(struct decision *d, const struct decision_input *in)
{
        const struct hook_facts *hf = &in->facts->hooks;
        size_t kept = hf->n < HOOKS_MAX ? hf->n : HOOKS_MAX;
        char text[sizeof(d->results[0].detail)] = "", why[1024], name[256];
        size_t len = 0;

        if (hf->n == 0) {
                pass(d, RULE_HOOKS, "no hooks");
                return;
        }
        if (hf->n > HOOKS_MAX) {
                fail(d, RULE_HOOKS, "%zu hooks, over the limit of %d", hf->n, HOOKS_MAX);
                return;
        }
        for (size_t i = 0; i < kept; i++) {
                judge(&hf->items[i], in, why, sizeof(why));
                if (why[0])
                        str_append(text, sizeof(text), &len, "%s%s", len ? "; " : "", why);
        }
        if (len) {
                fail(d, RULE_HOOKS, "%s", text);
                return;
        }
        for (size_t i = 0; i < kept; i++) {
                const struct hook_fact *h = &hf->items[i];
                name_hook(h, name, sizeof(name));
                if (hooks_runs_on_host(h->kind))
                        str_append(text, sizeof(text), &len, "%s%s (%s)", len ? "; " : "", name,
                                   allowed_by(h, in->policy));
                else
                        str_append(text, sizeof(text), &len, "%s%s (%s, in the container)",
                                   len ? "; " : "", name, h->platform.arch);
        }
        pass(d, RULE_HOOKS, "%s", text);
}
