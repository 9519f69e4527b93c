#include "device_cgroup.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WILDCARD (-1LL)

struct entry {
        char type; /* 'c' or 'b' */
        long long major, minor;
        unsigned access;
};

struct emulator {
        bool default_allow;
        struct entry *entries;
        size_t n, cap;
};

static unsigned access_bits(const char *s)
{
        unsigned bits = 0;

        /* devices.Permissions.toSet: other letters are ignored */
        for (; s && *s; s++)
                bits |= *s == 'r'   ? DEVICE_READ
                        : *s == 'w' ? DEVICE_WRITE
                        : *s == 'm' ? DEVICE_MKNOD
                                    : 0;
        return bits;
}

void device_access_text(unsigned bits, char out[4])
{
        size_t o = 0;

        if (bits & DEVICE_READ)
                out[o++] = 'r';
        if (bits & DEVICE_WRITE)
                out[o++] = 'w';
        if (bits & DEVICE_MKNOD)
                out[o++] = 'm';
        out[o] = '\0';
}

static struct entry *find(struct emulator *e, char type, long long major, long long minor)
{
        for (size_t i = 0; i < e->n; i++)
                if (e->entries[i].type == type && e->entries[i].major == major &&
                    e->entries[i].minor == minor)
                        return &e->entries[i];
        return NULL;
}

static unsigned access_of(struct emulator *e, char type, long long major, long long minor)
{
        const struct entry *x = find(e, type, major, minor);

        return x ? x->access : 0;
}

/* addRule: merge with the entry of the same type:major:minor.  The caller
 * sized entries for every rule, so there is always room. */
static void add(struct emulator *e, const struct entry *r)
{
        struct entry *x = find(e, r->type, r->major, r->minor);

        if (x != NULL) {
                x->access |= r->access;
        } else if (e->n < e->cap) {
                e->entries[e->n++] = *r;
        }
}

/* rmRule: refused when a wider wildcard entry holds any of the access. */
static bool remove_access(struct emulator *e, const struct entry *r)
{
        const long long partial[3][2] = {
                {WILDCARD, r->minor}, {r->major, WILDCARD}, {WILDCARD, WILDCARD}};
        struct entry *x;

        for (size_t i = 0; i < 3; i++) {
                if (partial[i][0] == r->major && partial[i][1] == r->minor)
                        continue;
                if (access_of(e, r->type, partial[i][0], partial[i][1]) & r->access)
                        return false;
        }
        if ((x = find(e, r->type, r->major, r->minor)) != NULL) {
                x->access &= ~r->access;
                if (x->access == 0)
                        *x = e->entries[--e->n];
        }
        return true;
}

/* Emulator.Apply; false when runc refuses the rule. */
static bool apply(struct emulator *e, bool allow, const struct entry *r)
{
        if (r->type == 'a') {
                e->default_allow = allow;
                e->n = 0;
                return true;
        }
        /* an allow in allow-by-default mode removes a deny exception */
        if (allow == e->default_allow)
                return remove_access(e, r);
        add(e, r);
        return true;
}

/* specconv.AllowedDevices, appended after the spec's rules. */
static const struct entry runc_defaults[] = {
        {'c', WILDCARD, WILDCARD, DEVICE_MKNOD},
        {'b', WILDCARD, WILDCARD, DEVICE_MKNOD},
        {'c', 1, 3, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},          /* null */
        {'c', 1, 8, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},          /* random */
        {'c', 1, 7, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},          /* full */
        {'c', 5, 0, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},          /* tty */
        {'c', 1, 5, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},          /* zero */
        {'c', 1, 9, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},          /* urandom */
        {'c', 136, WILDCARD, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD}, /* pts */
        {'c', 5, 2, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},          /* ptmx */
        {'c', 10, 200, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD},       /* net/tun */
};

#define N_DEFAULTS (sizeof(runc_defaults) / sizeof(runc_defaults[0]))

/* The spec rule as runc's specconv converts it; false when it refuses. */
static bool spec_entry(const struct spec_device_rule *r, size_t i, struct entry *out,
                       struct device_cgroup *dc)
{
        const char *type = r->type && r->type[0] ? r->type : "a";

        if (strlen(type) != 1 || strchr("abc", type[0]) == NULL) {
                snprintf(dc->problem, sizeof(dc->problem),
                         "linux.resources.devices[%zu]: type \"%.20s\" is not a, b or c", i, type);
                return false;
        }
        if (r->access == NULL || r->access[0] == '\0') {
                snprintf(dc->problem, sizeof(dc->problem),
                         "linux.resources.devices[%zu]: empty access (runc: \"device access at "
                         "%zu field cannot be empty\")",
                         i, i);
                return false;
        }
        *out = (struct entry){type[0], r->major.present ? r->major.value : WILDCARD,
                              r->minor.present ? r->minor.value : WILDCARD, access_bits(r->access)};
        return true;
}

static bool touches_every(const struct entry *x)
{
        return x->type == 'a' || (x->major == WILDCARD && x->minor == WILDCARD);
}

void device_cgroup_of(const struct spec *s, struct device_cgroup *out)
{
        struct emulator e = {0};
        size_t total = s->n_device_rules + N_DEFAULTS;

        memset(out, 0, sizeof(*out));
        out->decided_by = (size_t)-1;
        e.entries = malloc(total * sizeof(*e.entries));
        if (e.entries == NULL) {
                out->runc_fails = true;
                snprintf(out->problem, sizeof(out->problem), "out of memory");
                return;
        }
        e.cap = total;
        for (size_t i = 0; i < total; i++) {
                bool spec_rule = i < s->n_device_rules;
                struct entry x;
                bool allow = true;
                if (spec_rule) {
                        if (!spec_entry(&s->device_rules[i], i, &x, out))
                                goto failed;
                        allow = s->device_rules[i].allow;
                } else {
                        x = runc_defaults[i - s->n_device_rules];
                }
                if (!apply(&e, allow, &x)) {
                        snprintf(out->problem, sizeof(out->problem),
                                 "%s%zu%s: removes access a wider wildcard rule grants (runc: "
                                 "\"cannot punch hole in existing wildcard rule\")",
                                 spec_rule ? "linux.resources.devices[" : "runc's default rule ",
                                 spec_rule ? i : i - s->n_device_rules, spec_rule ? "]" : "");
                        goto failed;
                }
                if (spec_rule && touches_every(&x))
                        out->decided_by = i;
        }
        out->every_device = e.default_allow;
        if (e.default_allow) {
                unsigned all = DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD;
                out->every_char = all & ~access_of(&e, 'c', WILDCARD, WILDCARD);
                out->every_block = all & ~access_of(&e, 'b', WILDCARD, WILDCARD);
        } else {
                out->every_char = access_of(&e, 'c', WILDCARD, WILDCARD);
                out->every_block = access_of(&e, 'b', WILDCARD, WILDCARD);
        }
        free(e.entries);
        return;
failed:
        out->runc_fails = true;
        free(e.entries);
}
