#include "repeat.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/sha256.h"
#include "../oci/str.h"

#define STATE_HEADER "edgeguard-repeats 1\n"

void repeat_key(const struct decision_input *in, const struct decision *d,
                char key[REPEAT_KEY_SIZE])
{
        const char *who = in->ctx.name && in->ctx.name[0] ? in->ctx.name : in->ctx.id;
        const char *detail = d->rule < RULE_COUNT ? d->results[d->rule].detail : d->reason;
        char text[DECISION_REASON_MAX + 1024];
        char digest[SHA256_HEX_SIZE];
        int n;

        /* NUL-separated, so that no two different tuples give one text */
        n = snprintf(text, sizeof(text), "%s%c%d%c%.256s%c%.512s%c%s", verdict_name(d->verdict), 0,
                     (int)d->rule, 0, who ? who : "", 0, in->ctx.image ? in->ctx.image : "", 0,
                     detail);
        /* Kubernetes: one container name in two pods (or one pod name in
         * two namespaces) is two restart loops.  Appended only when known,
         * so the keys of other engines' refusals stay what they were. */
        if (n >= 0 && (size_t)n < sizeof(text) && (in->ctx.pod || in->ctx.pod_namespace))
                n += snprintf(text + n, sizeof(text) - (size_t)n, "%c%.256s%c%.256s", 0,
                              in->ctx.pod ? in->ctx.pod : "", 0,
                              in->ctx.pod_namespace ? in->ctx.pod_namespace : "");
        if (n < 0)
                n = 0;
        sha256_hex(text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1, digest);
        str_copy(key, REPEAT_KEY_SIZE, digest);
}

static bool parse_number(const char **p, const char *end, unsigned long long *out)
{
        unsigned long long v = 0;
        const char *s = *p;

        if (s >= end || *s < '0' || *s > '9')
                return false;
        for (; s < end && *s >= '0' && *s <= '9'; s++) {
                if (v > (UINT64_MAX - 9) / 10)
                        return false;
                v = v * 10 + (unsigned long long)(*s - '0');
        }
        *out = v;
        *p = s;
        return true;
}

/* "KEY COUNT LOGGED FIRST LAST_SEEN LAST_LINE" */
static bool parse_line(const char *s, const char *end, struct repeat_entry *e)
{
        unsigned long long v[5];

        if (end - s < REPEAT_KEY_SIZE || s[REPEAT_KEY_SIZE - 1] != ' ' ||
            !str_is_lower_hex(s, REPEAT_KEY_SIZE - 1))
                return false;
        memcpy(e->key, s, REPEAT_KEY_SIZE - 1);
        e->key[REPEAT_KEY_SIZE - 1] = '\0';
        s += REPEAT_KEY_SIZE;
        for (int i = 0; i < 5; i++) {
                if (i > 0 && (s >= end || *s++ != ' '))
                        return false;
                if (!parse_number(&s, end, &v[i]))
                        return false;
        }
        if (s != end || v[0] == 0 || v[1] > v[0] || v[2] > (unsigned long long)INT64_MAX ||
            v[3] > (unsigned long long)INT64_MAX || v[4] > (unsigned long long)INT64_MAX)
                return false;
        e->count = (unsigned long)v[0];
        e->logged = (unsigned long)v[1];
        e->first = (time_t)v[2];
        e->last_seen = (time_t)v[3];
        e->last_line = (time_t)v[4];
        return true;
}

void repeat_table_parse(const char *text, size_t len, struct repeat_table *t)
{
        const char *s = text, *end = text + len;
        size_t header = sizeof(STATE_HEADER) - 1;

        t->n = 0;
        if (len < header || memcmp(text, STATE_HEADER, header) != 0)
                return;
        s += header;
        while (s < end && t->n < REPEAT_ENTRIES_MAX) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                if (nl == NULL)
                        break; /* a torn last line */
                if (parse_line(s, nl, &t->entries[t->n]))
                        t->n++;
                s = nl + 1;
        }
}

size_t repeat_table_format(const struct repeat_table *t, char *out, size_t size)
{
        size_t len = 0;

        str_append(out, size, &len, "%s", STATE_HEADER);
        for (size_t i = 0; i < t->n; i++) {
                const struct repeat_entry *e = &t->entries[i];
                str_append(out, size, &len, "%s %lu %lu %lld %lld %lld\n", e->key, e->count,
                           e->logged, (long long)e->first, (long long)e->last_seen,
                           (long long)e->last_line);
        }
        return len;
}

static bool power_of_two(unsigned long n)
{
        return n != 0 && (n & (n - 1)) == 0;
}

static struct repeat_entry *find_or_add(struct repeat_table *t, const char *key)
{
        size_t oldest = 0;

        for (size_t i = 0; i < t->n; i++) {
                if (strcmp(t->entries[i].key, key) == 0)
                        return &t->entries[i];
                if (t->entries[i].last_seen < t->entries[oldest].last_seen)
                        oldest = i;
        }
        if (t->n == REPEAT_ENTRIES_MAX) {
                memset(&t->entries[oldest], 0, sizeof(t->entries[oldest]));
                str_copy(t->entries[oldest].key, REPEAT_KEY_SIZE, key);
                return &t->entries[oldest];
        }
        memset(&t->entries[t->n], 0, sizeof(t->entries[t->n]));
        str_copy(t->entries[t->n].key, REPEAT_KEY_SIZE, key);
        return &t->entries[t->n++];
}

void repeat_observe(struct repeat_table *t, const char *key, time_t now, long window,
                    struct repeat_note *note)
{
        struct repeat_entry *e = find_or_add(t, key);

        memset(note, 0, sizeof(*note));
        /* a clock set back counts as a new episode rather than a negative gap */
        if (e->count == 0 || now < e->last_seen || now - e->last_seen > window) {
                if (e->count > e->logged) {
                        note->previous_count = e->count;
                        note->previous_unlogged = e->count - e->logged;
                        note->previous_first = e->first;
                        note->previous_last = e->last_seen;
                }
                e->count = e->logged = 1;
                e->first = e->last_seen = e->last_line = now;
                note->write = true;
                note->count = 1;
                note->first = now;
                return;
        }
        if (e->count < ULONG_MAX)
                e->count++;
        e->last_seen = now;
        note->count = e->count;
        note->first = e->first;
        if (power_of_two(e->count) || now - e->last_line >= window) {
                note->write = true;
                note->unlogged = e->count - e->logged - 1;
                e->logged = e->count;
                e->last_line = now;
        }
}
