/* Deciding over real bundles in unit tests: a bundle directory with
 * Debian's busybox for an architecture, a simulated host adjusted per
 * case, a policy parsed from text; then the verdict, the reason and the
 * record checked.  Shared by the decide and privilege tests. */
#ifndef EDGEGUARD_TEST_SCENE_H
#define EDGEGUARD_TEST_SCENE_H

#include <sys/stat.h>
#include <unistd.h>

#include "../oci/json_tree.h"
#include "../policy/decision.h"
#include "../policy/explain.h"
#include "../policy/record.h"
#include "harness.h"

static char bundle[160];
static struct decision d;
static char record[16384];
static char explanation[16384]; /* check's text */

/* A bundle whose /bin/busybox is Debian's for debarch ("" for none). */
static void make_bundle(const char *debarch, const char *extra_json)
{
        char src[512], text[4096];
        FILE *f;

        harness_sh("rm -rf '%s'/rootfs && mkdir -p '%s'/rootfs/bin", bundle, bundle);
        if (debarch[0]) {
                snprintf(src, sizeof(src), "%s/%s/busybox-static", harness_foreign_dir(), debarch);
                harness_sh("install -m 0755 '%s' '%s/rootfs/bin/busybox'", src, bundle);
        }
        snprintf(text, sizeof(text),
                 "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/busybox\",\"true\"],"
                 "\"cwd\":\"/\",\"env\":[\"PATH=/bin\"]},\"root\":{\"path\":\"rootfs\"}%s%s}",
                 extra_json[0] ? "," : "", extra_json);
        snprintf(src, sizeof(src), "%s/config.json", bundle);
        f = fopen(src, "we");
        CHECK(f != NULL);
        if (f) {
                fputs(text, f);
                fclose(f);
        }
        chmod(src, 0644);
        chmod(bundle, 0755);
}

/* A bundle whose config.json is tests/data/spec/FIXTURE.json run through
 * the jq filter `edit` (root.path and process.args made to fit, hooks
 * removed), with
 * /bin/busybox Debian's for debarch. */
static inline void make_fixture_bundle(const char *debarch, const char *fixture, const char *edit)
{
        make_bundle(debarch, "");
        /* dockerd's network hook names its own pid, gone here: the hooks
         * tests put hooks back where they mean to */
        harness_sh("jq 'del(.hooks) | .root.path = \"rootfs\" | .process.args = [\"/bin/busybox\", "
                   "\"true\"] | "
                   ".process.env = [\"PATH=/bin\"] | .process.cwd = \"/\" | %s' "
                   "tests/data/spec/%s.json >'%s/config.json'",
                   edit && edit[0] ? edit : ".", fixture, bundle);
}

struct scene {
        const char *host;   /* simulated */
        const char *policy; /* JSON text, NULL for the defaults */
        const char *name, *image;
        time_t now;
        struct binfmt_entry *binfmt; /* one entry to add to the host */
        enum host_aarch32 aarch32;
        uint32_t scmp_native;  /* runc's own seccomp arch; 0: the simulated platform's */
        int cap_last;          /* the kernel's last capability; 0: not known */
        uint64_t cap_bounding; /* the bounding set runc inherits; 0: not known */
};

static void decide_scene(const struct scene *s)
{
        struct bundle_facts facts;
        struct host_facts host;
        struct policy p;
        struct eg_error err = {0}, ferr = {0}, perr = {0};
        struct decision_input in = {0};
        struct record_extra x = {.verb = "create", .version = "test", .duration_us = 5};
        char *line = NULL;
        size_t len;
        int facts_ok;

        CHECK(host_simulate(s->host, &host, &err) == 0);
        if (s->aarch32)
                host.aarch32 = s->aarch32;
        if (s->scmp_native)
                host.scmp_native = s->scmp_native;
        if (s->cap_last)
                host.cap_last = s->cap_last;
        if (s->cap_bounding) {
                host.has_cap_bounding = true;
                host.cap_bounding = s->cap_bounding;
        }
        if (s->binfmt) {
                host.binfmt.mounted = host.binfmt.enabled = true;
                host.binfmt.entries[0] = *s->binfmt;
                host.binfmt.n = 1;
        }
        if (s->policy) {
                if (policy_parse(s->policy, strlen(s->policy), "/test/policy.json", &p, &perr) < 0)
                        in.policy_error = perr.msg;
        } else {
                CHECK(policy_defaults(&p, &err) == 0);
        }
        facts_ok = facts_gather(bundle, ROOTFS_AUTO, &facts, &ferr) == 0;
        in.facts = facts_ok ? &facts : NULL;
        in.config_error = facts_ok ? NULL : ferr.msg;
        in.host = &host;
        in.policy = &p;
        in.ctx = (struct decision_context){.id = "ctr1",
                                           .bundle = bundle,
                                           .name = s->name,
                                           .image = s->image,
                                           .now = s->now ? s->now : 1800000000};
        decide(&in, &d);

        x.time.tv_sec = 1800000000;
        record[0] = '\0';
        CHECK(record_format(&in, &d, &x, &line, &len, &err) == 0);
        if (line) {
                CHECK(len == strlen(line) && line[len - 1] == '\n');
                snprintf(record, sizeof(record), "%s", line);
                free(line);
        }
        explanation[0] = '\0';
        CHECK(explain_format(&in, &d, &line, &err) == 0);
        if (line)
                snprintf(explanation, sizeof(explanation), "%s", line);
        free(line);
        facts_free(&facts);
        policy_free(&p);
}

static void expect(enum verdict v, enum rule r, const char *words)
{
        if (d.verdict != v || d.rule != r) {
                printf("#   got %s by %s, expected %s by %s\n", verdict_name(d.verdict),
                       rule_name(d.rule), verdict_name(v), rule_name(r));
                harness_case_failed = 1;
        }
        for (const char *w = words; w && *w; w += strlen(w) + 1) {
                if (strstr(d.reason, w) == NULL) {
                        printf("#   reason lacks \"%s\":\n#   %s\n", w, d.reason);
                        harness_case_failed = 1;
                }
        }
}

/* The record is one JSON object holding path1[.path2] with string value
 * `value`, null for NULL, anything else for "*". */
static void expect_record(const char *path1, const char *path2, const char *value)
{
        struct json_value v;
        struct eg_error err = {0};
        const struct json_value *f;

        CHECK(json_parse(record, strlen(record), sizeof(record), 16, &v, &err) == 0);
        f = json_get(&v, path1);
        if (path2)
                f = json_get(f, path2);
        if (f == NULL || (value && strcmp(value, "*") == 0 ? f->type == JSON_NULL
                          : value ? f->type != JSON_STRING || strcmp(f->text, value) != 0
                                  : f->type != JSON_NULL)) {
                printf("#   record %s%s%s is not \"%s\": %s", path1, path2 ? "." : "",
                       path2 ? path2 : "", value ? value : "null", record);
                harness_case_failed = 1;
        }
        json_free(&v);
}

#define WORDS(...) (const char *)(__VA_ARGS__ "\0")

#endif
