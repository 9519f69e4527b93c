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
        unsigned gen; /* the slot is in use when it equals the emulator's */
};

/* The emulator's map, an open-addressed table: a spec can hold some 30 000
 * rules in its 1 MiB, and a list searched for each would be quadratic.  A
 * reset (type a) starts a new generation instead of clearing the table.
 * Only entries with a wildcard are kept: an entry for one device decides
 * nothing this header reports and no other rule's validity. */
struct emulator {
        bool default_allow;
        unsigned gen;
        struct entry *slots;
        size_t mask;
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

static size_t slot_of(const struct emulator *e, char type, long long major, long long minor)
{
        uint64_t h = (uint64_t)major * 0x9e3779b97f4a7c15ull ^
                     (uint64_t)minor * 0xc2b2ae3d27d4eb4full ^ (uint64_t)(unsigned char)type;

        return (size_t)(h ^ (h >> 29)) & e->mask;
}

/* The slot holding type:major:minor, or the free one where it would go. */
static struct entry *find(struct emulator *e, char type, long long major, long long minor)
{
        size_t i = slot_of(e, type, major, minor);

        while (e->slots[i].gen == e->gen &&
               !(e->slots[i].type == type && e->slots[i].major == major &&
                 e->slots[i].minor == minor))
                i = (i + 1) & e->mask;
        return &e->slots[i];
}

static unsigned access_of(struct emulator *e, char type, long long major, long long minor)
{
        const struct entry *x = find(e, type, major, minor);

        return x->gen == e->gen ? x->access : 0;
}

/* addRule: merge with the entry of the same type:major:minor.  The table
 * has room for twice the rules, so a free slot is always found. */
static void add(struct emulator *e, const struct entry *r)
{
        struct entry *x = find(e, r->type, r->major, r->minor);

        if (x->gen != e->gen)
                *x = (struct entry){r->type, r->major, r->minor, 0, e->gen};
        x->access |= r->access;
}

/* rmRule: refused when a wider wildcard entry holds any of the access.  An
 * entry emptied stays in its slot with no access (the same as none). */
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
        x = find(e, r->type, r->major, r->minor);
        if (x->gen == e->gen)
                x->access &= ~r->access;
        return true;
}

/* Emulator.Apply; false when runc refuses the rule. */
static bool apply(struct emulator *e, bool allow, const struct entry *r)
{
        if (r->type == 'a') {
                e->default_allow = allow;
                e->gen++;
                return true;
        }
        /* an allow in allow-by-default mode removes a deny exception */
        if (allow == e->default_allow)
                return remove_access(e, r);
        if (r->major == WILDCARD || r->minor == WILDCARD)
                add(e, r);
        return true;
}

/* specconv.AllowedDevices, appended after the spec's rules. */
static const struct entry runc_defaults[] = {
        {'c', WILDCARD, WILDCARD, DEVICE_MKNOD, 0},
        {'b', WILDCARD, WILDCARD, DEVICE_MKNOD, 0},
        {'c', 1, 3, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},          /* null */
        {'c', 1, 8, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},          /* random */
        {'c', 1, 7, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},          /* full */
        {'c', 5, 0, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},          /* tty */
        {'c', 1, 5, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},          /* zero */
        {'c', 1, 9, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},          /* urandom */
        {'c', 136, WILDCARD, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0}, /* pts */
        {'c', 5, 2, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},          /* ptmx */
        {'c', 10, 200, DEVICE_READ | DEVICE_WRITE | DEVICE_MKNOD, 0},       /* net/tun */
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
                              r->minor.present ? r->minor.value : WILDCARD, access_bits(r->access),
                              0};
        return true;
}

/* Which of out's *_by the spec rule x, number i, sets. */
static void note_rule(struct device_cgroup *out, const struct entry *x, size_t i)
{
        if (x->type == 'a')
                out->reset_by = i;
        else if (x->major == WILDCARD && x->minor == WILDCARD)
                *(x->type == 'c' ? &out->char_by : &out->block_by) = i;
}

void device_cgroup_of(const struct spec *s, struct device_cgroup *out)
{
        struct emulator e = {.gen = 1};
        size_t total = s->n_device_rules + N_DEFAULTS, size = 16;

        memset(out, 0, sizeof(*out));
        out->reset_by = out->char_by = out->block_by = (size_t)-1;
        while (size < 2 * total)
                size <<= 1;
        /* calloc: generation 0 is no one's */
        e.slots = calloc(size, sizeof(*e.slots));
        if (e.slots == NULL) {
                out->runc_fails = true;
                snprintf(out->problem, sizeof(out->problem), "out of memory");
                return;
        }
        e.mask = size - 1;
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
                if (spec_rule)
                        note_rule(out, &x, i);
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
        free(e.slots);
        return;
failed:
        out->runc_fails = true;
        free(e.slots);
}
