/* The policy file: a JSON tree checked key by key against what each key
 * may hold. */
#include "policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../oci/capability.h"
#include "../oci/host.h"
#include "../oci/json_tree.h"
#include "../oci/rfc3339.h"
#include "../oci/str.h"

static const char *const rule_names[RULE_COUNT] = {
        [RULE_POLICY] = "policy",
        [RULE_HOST] = "host",
        [RULE_CONFIG] = "config",
        [RULE_BUNDLE] = "bundle",
        [RULE_OS] = "os",
        [RULE_HYPERV] = "hyperv",
        [RULE_ARCH] = "arch",
        [RULE_EMULATION] = "emulation",
        [RULE_UNKNOWN] = "unknown",
        [RULE_METADATA] = "metadata",
        [RULE_PRIVILEGED] = "privileged",
        [RULE_CAPABILITIES] = "capabilities",
        [RULE_SECCOMP] = "seccomp",
        [RULE_WINDOWS_BUILD] = "windows_build",
        [RULE_INTERPRETER] = "interpreter",
        [RULE_HOOKS] = "hooks",
        [RULE_RUNTIME] = "runtime",
        [RULE_CERTAIN_FAILURE] = "certain_failure",
};

const char *rule_name(enum rule r)
{
        return (unsigned)r < RULE_COUNT ? rule_names[r] : "none";
}

size_t rule_name_width(void)
{
        size_t width = 0;

        for (int r = 0; r < RULE_COUNT; r++)
                if (strlen(rule_names[r]) > width)
                        width = strlen(rule_names[r]);
        return width;
}

bool rule_is_fact(enum rule r)
{
        return r < RULE_CONFIG || r == RULE_CERTAIN_FAILURE;
}

int rule_from_name(const char *name)
{
        for (int r = RULE_CONFIG; r < RULE_COUNT; r++)
                if (!rule_is_fact((enum rule)r) && strcmp(rule_names[r], name) == 0)
                        return r;
        return -1;
}

static bool glob_match(const char *pattern, const char *s)
{
        return s != NULL && fnmatch(pattern, s, 0) == 0;
}

bool policy_exception_matches(const struct policy_exception *e, const char *name, const char *id,
                              const char *image, const char *image_id)
{
        return (e->name == NULL || glob_match(e->name, name) || glob_match(e->name, id)) &&
               (e->image == NULL || glob_match(e->image, image) || glob_match(e->image, image_id));
}

static int set_string(char **dst, const char *src, struct eg_error *err)
{
        free(*dst);
        if ((*dst = strdup(src)) == NULL)
                return eg_error_set(err, 0, "out of memory");
        return 0;
}

int policy_defaults(struct policy *p, struct eg_error *err)
{
        memset(p, 0, sizeof(*p));
        str_copy(p->source, sizeof(p->source), "built-in defaults");
        for (int r = 0; r < RULE_COUNT; r++)
                p->modes[r] = MODE_ENFORCE;
        p->modes[RULE_UNKNOWN] = MODE_OFF;
        p->modes[RULE_METADATA] = MODE_OFF;
        p->modes[RULE_PRIVILEGED] = MODE_OFF;
        p->modes[RULE_CAPABILITIES] = MODE_OFF;
        p->modes[RULE_SECCOMP] = MODE_OFF;
        p->repeat_window = POLICY_REPEAT_WINDOW_DEFAULT;
        p->n_trusted_runtimes = 1;
        if (set_string(&p->trusted_runtimes[0], POLICY_TRUSTED_RUNTIME_DEFAULT, err) < 0)
                return -1;
        if (set_string(&p->docker_root, POLICY_DOCKER_ROOT_DEFAULT, err) < 0)
                return -1;
        return set_string(&p->decision_log, POLICY_DEFAULT_DECISION_LOG, err);
}

const char *const policy_docker_hooks[] = {"/usr/bin/dockerd", "/usr/sbin/dockerd",
                                           "/usr/local/bin/dockerd", NULL};

void policy_free(struct policy *p)
{
        for (size_t i = 0; i < p->n_hooks; i++)
                free(p->hooks[i]);
        free(p->hooks);
        p->hooks = NULL;
        p->n_hooks = 0;
        for (size_t i = 0; i < p->n_exceptions; i++) {
                free(p->exceptions[i].name);
                free(p->exceptions[i].image);
                free(p->exceptions[i].reason);
        }
        free(p->exceptions);
        free(p->runtime);
        free(p->decision_log);
        free(p->docker_root);
        for (size_t i = 0; i < p->n_trusted_runtimes; i++)
                free(p->trusted_runtimes[i]);
        p->n_trusted_runtimes = 0;
        p->exceptions = NULL;
        p->n_exceptions = 0;
        p->runtime = p->decision_log = p->docker_root = NULL;
}

/* ---- typed access with the key's path in every message ---- */

__attribute__((format(printf, 3, 4))) static int bad(struct eg_error *err, const char *where,
                                                     const char *fmt, ...)
{
        char what[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        return eg_error_set(err, 0, "%s: %s", where, what);
}

static const char *want_string(const struct json_value *v, const char *where, struct eg_error *err)
{
        if (v->type != JSON_STRING) {
                bad(err, where, "%s where a string is expected", json_type_name(v->type));
                return NULL;
        }
        return v->text;
}

/* Index of value in choices, or -1 after setting err. */
static int want_choice(const struct json_value *v, const char *where, const char *const choices[],
                       struct eg_error *err)
{
        const char *s = want_string(v, where, err);
        char list[128] = "";

        if (s == NULL)
                return -1;
        for (int i = 0; choices[i]; i++) {
                if (strcmp(s, choices[i]) == 0)
                        return i;
                snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
                         i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
        }
        return bad(err, where, "\"%.64s\" is not %s", s, list);
}

/* A whole number of seconds, 0..max, written as a plain JSON integer. */
static int want_seconds(const struct json_value *v, const char *where, long max, long *out,
                        struct eg_error *err)
{
        char *end;
        long n;

        if (v->type != JSON_NUMBER)
                return bad(err, where, "%s where a number of seconds is expected",
                           json_type_name(v->type));
        errno = 0;
        n = strtol(v->text, &end, 10);
        if (*end != '\0' || errno != 0 || n < 0 || n > max)
                return bad(err, where, "%.32s is not a whole number of seconds from 0 to %ld",
                           v->text, max);
        *out = n;
        return 0;
}

static int want_mode(const struct json_value *v, const char *where, bool off_allowed,
                     enum rule_mode *out, struct eg_error *err)
{
        static const char *const with_off[] = {"enforce", "audit", "off", NULL};
        static const char *const without_off[] = {"enforce", "audit", NULL};
        int i = want_choice(v, where, off_allowed ? with_off : without_off, err);

        if (i < 0)
                return -1;
        *out = (enum rule_mode)i;
        return 0;
}

/* Refuses keys outside `known` (a misspelt setting must not pass unseen);
 * "comment" is allowed everywhere, as JSON has no comments. */
static int only_keys(const struct json_value *o, const char *where, const char *const known[],
                     struct eg_error *err)
{
        for (size_t i = 0; i < o->len; i++) {
                bool found = strcmp(o->keys[i], "comment") == 0;
                for (size_t k = 0; known[k] && !found; k++)
                        found = strcmp(o->keys[i], known[k]) == 0;
                if (!found)
                        return bad(err, where, "unknown key \"%.64s\"", o->keys[i]);
        }
        return 0;
}

/* ---- the sections ---- */

struct explicit_modes {
        bool set[RULE_COUNT];
        enum rule_mode mode[RULE_COUNT];
};

static int read_rules(const struct json_value *v, struct explicit_modes *m, struct eg_error *err)
{
        char where[96];

        if (v->type != JSON_OBJECT)
                return bad(err, "rules", "%s where an object is expected", json_type_name(v->type));
        for (size_t i = 0; i < v->len; i++) {
                int r = rule_from_name(v->keys[i]);
                snprintf(where, sizeof(where), "rules.%.64s", v->keys[i]);
                if (r < 0 && strcmp(v->keys[i], "comment") == 0)
                        continue;
                if (r < 0 && strcmp(v->keys[i], rule_names[RULE_CERTAIN_FAILURE]) == 0)
                        return bad(err, "rules",
                                   "%s has no mode: what will certainly fail is "
                                   "refused whatever the policy says",
                                   v->keys[i]);
                if (r < 0)
                        return bad(err, "rules",
                                   "unknown rule \"%.64s\" (rules are config, bundle, os, hyperv, "
                                   "arch, emulation, unknown, metadata, privileged, capabilities, "
                                   "seccomp, windows_build, interpreter, runtime)",
                                   v->keys[i]);
                if (want_mode(&v->items[i], where, true, &m->mode[r], err) < 0)
                        return -1;
                m->set[r] = true;
        }
        return 0;
}

/* A shorthand for one rule's mode; both it and rules.<rule> is ambiguous. */
static int shorthand(struct explicit_modes *m, enum rule r, enum rule_mode mode, const char *key,
                     struct eg_error *err)
{
        if (m->set[r])
                return bad(err, key, "also set as rules.%s: keep one", rule_name(r));
        m->set[r] = true;
        m->mode[r] = mode;
        return 0;
}

/* Keys that each set one rule's mode: one of two words, or true/false. */
struct shorthand_key {
        const char *key;
        enum rule rule;
        bool boolean;
        enum rule_mode modes[2]; /* for "allow"/false, "refuse"/true */
};

static const struct shorthand_key shorthands[] = {
        {"unknown", RULE_UNKNOWN, false, {MODE_OFF, MODE_ENFORCE}},
        {"privileged", RULE_PRIVILEGED, false, {MODE_OFF, MODE_ENFORCE}},
        {"allow_emulation", RULE_EMULATION, true, {MODE_ENFORCE, MODE_OFF}},
        {"seccomp_required", RULE_SECCOMP, true, {MODE_OFF, MODE_ENFORCE}},
};

static int read_shorthand(const struct json_value *v, const struct shorthand_key *k,
                          struct explicit_modes *m, struct eg_error *err)
{
        static const char *const words[] = {"allow", "refuse", NULL};
        int i;

        if (k->boolean) {
                if (v->type != JSON_BOOL)
                        return bad(err, k->key, "%s where true or false is expected",
                                   json_type_name(v->type));
                i = v->boolean;
        } else if ((i = want_choice(v, k->key, words, err)) < 0) {
                return -1;
        }
        return shorthand(m, k->rule, k->modes[i], k->key, err);
}

static int read_exception_rules(const struct json_value *v, const char *where,
                                struct policy_exception *e, struct eg_error *err)
{
        char item[96];

        if (v->type != JSON_ARRAY || v->len == 0)
                return bad(err, where, "a non-empty array of rule names is expected");
        for (size_t i = 0; i < v->len; i++) {
                const char *name;
                int r;
                snprintf(item, sizeof(item), "%.60s[%zu]", where, i);
                if ((name = want_string(&v->items[i], item, err)) == NULL)
                        return -1;
                if ((r = rule_from_name(name)) < 0 &&
                    strcmp(name, rule_names[RULE_CERTAIN_FAILURE]) == 0)
                        return bad(err, item,
                                   "%s cannot be excepted: runc would fail whatever the policy "
                                   "says",
                                   name);
                if (r < 0)
                        return bad(err, item, "unknown rule \"%.64s\"", name);
                if (r == RULE_CONFIG)
                        return bad(err, item,
                                   "the config rule cannot be excepted: a config.json edgeguard "
                                   "cannot read exactly as runc does has nothing to except");
                e->rules |= 1u << r;
        }
        return 0;
}

/* "docker-default", or an array of capability names (and "docker-default")
 * spelt as runc reads them: a name runc would drop must not be allowed. */
static int read_capabilities(const struct json_value *v, const char *where, uint64_t *out,
                             struct eg_error *err)
{
        char item[96], canonical[CAPABILITY_NAME_MAX];

        *out = 0;
        if (v->type == JSON_STRING && strcmp(v->text, "docker-default") == 0) {
                *out = capability_docker_default();
                return 0;
        }
        if (v->type != JSON_ARRAY)
                return bad(err, where,
                           "%s where \"docker-default\" or an array of capability names is "
                           "expected",
                           v->type == JSON_STRING ? "another string" : json_type_name(v->type));
        for (size_t i = 0; i < v->len; i++) {
                const char *name;
                int value;
                snprintf(item, sizeof(item), "%.60s[%zu]", where, i);
                if ((name = want_string(&v->items[i], item, err)) == NULL)
                        return -1;
                if (strcmp(name, "docker-default") == 0) {
                        *out |= capability_docker_default();
                        continue;
                }
                switch (capability_parse(name, &value, canonical)) {
                case CAPABILITY_OK:
                        *out |= capability_bit(value);
                        break;
                case CAPABILITY_MISSPELT:
                        if (canonical[0])
                                return bad(err, item,
                                           "\"%.64s\" is not spelt as runc reads it: write "
                                           "\"%s\"",
                                           name, canonical);
                        return bad(err, item,
                                   "\"%.64s\" is not a capability name as runc reads it "
                                   "(CAP_ and the upper-case name)",
                                   name);
                case CAPABILITY_UNKNOWN:
                        return bad(err, item, "\"%.64s\" is not a capability libcap knows", name);
                }
        }
        return 0;
}

static int read_exception(const struct json_value *v, size_t index, struct policy_exception *e,
                          struct eg_error *err)
{
        static const char *const keys[] = {"name",    "image",        "rules", "reason",
                                           "expires", "capabilities", NULL};
        const struct json_value *f;
        const char *s;
        char where[64], field[96];

        snprintf(where, sizeof(where), "exceptions[%zu]", index);
        if (v->type != JSON_OBJECT)
                return bad(err, where, "%s where an object is expected", json_type_name(v->type));
        if (only_keys(v, where, keys, err) < 0)
                return -1;
        for (int i = 0; i < 2; i++) {
                const char *key = i ? "image" : "name";
                char **dst = i ? &e->image : &e->name;
                if ((f = json_get(v, key)) == NULL)
                        continue;
                snprintf(field, sizeof(field), "%s.%s", where, key);
                if ((s = want_string(f, field, err)) == NULL)
                        return -1;
                if (s[0] == '\0')
                        return bad(err, field, "an empty pattern matches nothing");
                if (set_string(dst, s, err) < 0)
                        return -1;
        }
        if (e->name == NULL && e->image == NULL)
                return bad(err, where,
                           "needs \"name\" or \"image\" (or both) to say what it covers");
        if ((f = json_get(v, "capabilities")) != NULL) {
                snprintf(field, sizeof(field), "%s.capabilities", where);
                if (read_capabilities(f, field, &e->capabilities, err) < 0)
                        return -1;
                e->has_capabilities = true;
        }
        snprintf(field, sizeof(field), "%s.rules", where);
        if ((f = json_get(v, "rules")) == NULL && !e->has_capabilities)
                return bad(err, where,
                           "needs \"rules\" (the rules it excepts) or \"capabilities\" "
                           "(what it adds to the allow-list)");
        if (f != NULL && read_exception_rules(f, field, e, err) < 0)
                return -1;
        snprintf(field, sizeof(field), "%s.reason", where);
        if ((f = json_get(v, "reason")) == NULL)
                return bad(err, where, "needs \"reason\": why it is allowed, for the record");
        if ((s = want_string(f, field, err)) == NULL)
                return -1;
        if (s[0] == '\0')
                return bad(err, field, "is empty");
        if (set_string(&e->reason, s, err) < 0)
                return -1;
        if ((f = json_get(v, "expires")) != NULL) {
                snprintf(field, sizeof(field), "%s.expires", where);
                if ((s = want_string(f, field, err)) == NULL)
                        return -1;
                if (rfc3339_parse(s, &e->expires_at, err) < 0)
                        return eg_error_prefix(err, "%s", field);
                e->expires = true;
                str_copy(e->expires_text, sizeof(e->expires_text), s);
        }
        return 0;
}

static int read_exceptions(const struct json_value *v, struct policy *p, struct eg_error *err)
{
        if (v->type != JSON_ARRAY)
                return bad(err, "exceptions", "%s where an array is expected",
                           json_type_name(v->type));
        if (v->len > POLICY_EXCEPTIONS_MAX)
                return bad(err, "exceptions", "%zu entries, over the limit of %d", v->len,
                           POLICY_EXCEPTIONS_MAX);
        if (v->len == 0)
                return 0;
        if ((p->exceptions = calloc(v->len, sizeof(*p->exceptions))) == NULL)
                return eg_error_set(err, 0, "out of memory");
        for (size_t i = 0; i < v->len; i++) {
                p->n_exceptions = i + 1;
                if (read_exception(&v->items[i], i, &p->exceptions[i], err) < 0)
                        return -1;
        }
        return 0;
}

/* dockerd's runtime names: what --add-runtime and daemon.json "runtimes"
 * accept, non-empty; none listed means no runtime is trusted. */
static int read_runtimes(const struct json_value *v, struct policy *p, struct eg_error *err)
{
        char item[64];

        if (v->type != JSON_ARRAY)
                return bad(err, "trusted_runtimes",
                           "%s where an array of runtime names is expected",
                           json_type_name(v->type));
        if (v->len > POLICY_TRUSTED_RUNTIMES_MAX)
                return bad(err, "trusted_runtimes", "%zu entries, over the limit of %d", v->len,
                           POLICY_TRUSTED_RUNTIMES_MAX);
        for (size_t i = 0; i < p->n_trusted_runtimes; i++)
                free(p->trusted_runtimes[i]);
        p->n_trusted_runtimes = 0;
        for (size_t i = 0; i < v->len; i++) {
                const char *s;
                snprintf(item, sizeof(item), "trusted_runtimes[%zu]", i);
                if ((s = want_string(&v->items[i], item, err)) == NULL)
                        return -1;
                if (s[0] == '\0')
                        return bad(err, item,
                                   "an empty name: dockerd's default runtime is judged "
                                   "by its name (GET /info)");
                p->trusted_runtimes[i] = NULL;
                if (set_string(&p->trusted_runtimes[i], s, err) < 0)
                        return -1;
                p->n_trusted_runtimes = i + 1;
        }
        return 0;
}

static int read_path_setting(const struct json_value *v, const char *key, bool log_forms,
                             char **dst, struct eg_error *err)
{
        const char *s = want_string(v, key, err);

        if (s == NULL)
                return -1;
        if (s[0] != '/' && !(log_forms && (strcmp(s, "-") == 0 || strcmp(s, "syslog") == 0)))
                return bad(err, key, "\"%.64s\" is not an absolute path%s", s,
                           log_forms ? ", \"-\" or \"syslog\"" : "");
        return set_string(dst, s, err);
}

static int read_hooks(const struct json_value *v, struct policy *p, struct eg_error *err)
{
        char item[32];
        const char *s;

        if (v->type != JSON_ARRAY)
                return bad(err, "hooks", "%s where an array of absolute paths is expected",
                           json_type_name(v->type));
        if (v->len > POLICY_HOOKS_MAX)
                return bad(err, "hooks", "%zu entries, over the limit of %d", v->len,
                           POLICY_HOOKS_MAX);
        if (v->len == 0)
                return 0;
        if ((p->hooks = calloc(v->len, sizeof(*p->hooks))) == NULL)
                return eg_error_set(err, 0, "out of memory");
        for (size_t i = 0; i < v->len; i++) {
                snprintf(item, sizeof(item), "hooks[%zu]", i);
                p->n_hooks = i + 1;
                if ((s = want_string(&v->items[i], item, err)) == NULL)
                        return -1;
                if (s[0] != '/')
                        return bad(err, item, "\"%.64s\" is not an absolute path", s);
                if (set_string(&p->hooks[i], s, err) < 0)
                        return -1;
        }
        return 0;
}

static int read_top(const struct json_value *top, struct policy *p, struct eg_error *err)
{
        static const char *const keys[] = {"mode",
                                           "rules",
                                           "runtime",
                                           "decision_log",
                                           "unknown",
                                           "allow_emulation",
                                           "host",
                                           "exceptions",
                                           "docker_root",
                                           "repeat_window",
                                           "capabilities",
                                           "privileged",
                                           "seccomp_required",
                                           "hooks",
                                           "trusted_runtimes",
                                           NULL};
        struct explicit_modes m = {0};
        enum rule_mode global = MODE_ENFORCE;
        const struct json_value *v;

        if (top->type != JSON_OBJECT)
                return bad(err, "the document", "%s where an object is expected",
                           json_type_name(top->type));
        if (only_keys(top, "the document", keys, err) < 0)
                return -1;
        if ((v = json_get(top, "mode")) && want_mode(v, "mode", false, &global, err) < 0)
                return -1;
        if ((v = json_get(top, "rules")) && read_rules(v, &m, err) < 0)
                return -1;
        for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++)
                if ((v = json_get(top, shorthands[i].key)) != NULL &&
                    read_shorthand(v, &shorthands[i], &m, err) < 0)
                        return -1;
        if ((v = json_get(top, "capabilities")) != NULL) {
                if (read_capabilities(v, "capabilities", &p->capabilities, err) < 0)
                        return -1;
                p->has_capabilities = true;
                p->modes[RULE_CAPABILITIES] = MODE_ENFORCE; /* an allow-list is meant to hold */
        }
        if ((v = json_get(top, "runtime")) &&
            read_path_setting(v, "runtime", false, &p->runtime, err) < 0)
                return -1;
        if ((v = json_get(top, "decision_log")) &&
            read_path_setting(v, "decision_log", true, &p->decision_log, err) < 0)
                return -1;
        if ((v = json_get(top, "docker_root")) &&
            read_path_setting(v, "docker_root", false, &p->docker_root, err) < 0)
                return -1;
        if ((v = json_get(top, "repeat_window")) &&
            want_seconds(v, "repeat_window", POLICY_REPEAT_WINDOW_MAX, &p->repeat_window, err) < 0)
                return -1;
        if ((v = json_get(top, "host")) != NULL) {
                const char *s = want_string(v, "host", err);
                struct platform userland;
                if (s == NULL)
                        return -1;
                if (strlen(s) >= sizeof(p->host_text))
                        return bad(err, "host", "\"%.64s...\" is too long", s);
                if (host_parse_stated(s, &p->host, &userland, err) < 0)
                        return eg_error_prefix(err, "host");
                /* the OS is not guessed here: a policy names the host it is for */
                if (strncasecmp(s, p->host.os, strlen(p->host.os)) != 0)
                        return bad(err, "host", "\"%.64s\" names no OS: write OS/ARCH[/VARIANT]",
                                   s);
                str_copy(p->host_text, sizeof(p->host_text), s);
                p->has_host = true;
        }
        if ((v = json_get(top, "exceptions")) && read_exceptions(v, p, err) < 0)
                return -1;
        if ((v = json_get(top, "hooks")) && read_hooks(v, p, err) < 0)
                return -1;
        if ((v = json_get(top, "trusted_runtimes")) && read_runtimes(v, p, err) < 0)
                return -1;

        for (int r = RULE_CONFIG; r < RULE_COUNT; r++) {
                if (m.set[r])
                        p->modes[r] = m.mode[r];
                else if (p->modes[r] == MODE_ENFORCE)
                        p->modes[r] = global;
        }
        return 0;
}

int policy_parse(const char *text, size_t len, const char *source, struct policy *p,
                 struct eg_error *err)
{
        struct json_value top;
        int ret;

        if (policy_defaults(p, err) < 0)
                return -1;
        str_copy(p->path, sizeof(p->path), source);
        str_copy(p->source, sizeof(p->source), source);
        ret = json_parse(text, len, POLICY_SIZE_MAX, POLICY_DEPTH_MAX, &top, err);
        if (ret == 0)
                ret = read_top(&top, p, err);
        json_free(&top);
        return ret;
}
