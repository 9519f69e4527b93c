#include "log_select.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/rfc3339.h"
#include "../oci/str.h"
#include "../oci/utf8.h"

/* Grows *items (of size each) to hold at least n + 1, doubling up to max:
 * a log that names few containers costs little. */
static bool grow(void **items, size_t size, size_t n, size_t *cap, size_t max)
{
        size_t want = *cap ? *cap * 2 : 8;
        void *p;

        if (n < *cap)
                return true;
        if (want > max)
                want = max;
        if (want <= n || (p = realloc(*items, want * size)) == NULL)
                return false;
        *items = p;
        *cap = want;
        return true;
}

int log_filter_since(const char *text, time_t now, time_t *out, struct eg_error *err)
{
        static const struct {
                char unit;
                long seconds;
        } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
        char *end;
        long long n;

        if (text[0] >= '0' && text[0] <= '9' && strlen(text) < 12) {
                errno = 0;
                n = strtoll(text, &end, 10);
                for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                        if (errno == 0 && end[0] == units[i].unit && end[1] == '\0' &&
                            n <= LLONG_MAX / units[i].seconds) {
                                *out = now - (time_t)(n * units[i].seconds);
                                return 0;
                        }
        }
        if (rfc3339_parse(text, out, err) == 0)
                return 0;
        return eg_error_set(err, EINVAL,
                            "\"%.64s\" is neither an RFC 3339 time (2026-11-30T10:00:00Z) nor a "
                            "duration (30s, 10m, 2h, 7d)",
                            text);
}

static bool is_hex(const char *s)
{
        return s[0] != '\0' && str_is_lower_hex(s, strlen(s));
}

static bool same_image(const char *who, const char *image)
{
        size_t n = strlen(who);

        return strcmp(who, image) == 0 ||
               (strncmp(who, image, n) == 0 && strcmp(image + n, ":latest") == 0);
}

/* Equal, or a prefix of hex digits (as docker takes an id). */
static bool id_is(const char *who, const char *id)
{
        size_t n = strlen(who);

        return strcmp(who, id) == 0 || (is_hex(who) && strncmp(who, id, n) == 0);
}

static const char *without_sha256(const char *s)
{
        return strncmp(s, "sha256:", 7) == 0 ? s + 7 : s;
}

bool log_filter_who(const char *who, const struct log_entry *e)
{
        if (who == NULL)
                return true;
        if (e->name &&
            (strcmp(e->name, who) == 0 || (e->name[0] == '/' && strcmp(e->name + 1, who) == 0) ||
             (who[0] == '/' && strcmp(e->name, who + 1) == 0)))
                return true;
        if (e->id && id_is(who, e->id))
                return true;
        if (e->image && same_image(who, e->image))
                return true;
        if (e->image_id && id_is(without_sha256(who), without_sha256(e->image_id)))
                return true;
        return e->pod && strcmp(e->pod, who) == 0;
}

void log_select_init(struct log_selection *s, const struct log_filter *f)
{
        memset(s, 0, sizeof(*s));
        s->filter = f;
}

void log_select_free(struct log_selection *s)
{
        for (size_t i = 0; i < s->n_groups; i++)
                free(s->groups[i].hits);
        free(s->groups);
        free(s->aliases);
        memset(s, 0, sizeof(*s));
}

__attribute__((format(printf, 2, 3))) static void note(struct log_selection *s, const char *fmt,
                                                       ...)
{
        va_list ap;

        s->faulty++;
        if (s->n_notes >= LOG_SELECT_NOTES_MAX)
                return;
        va_start(ap, fmt);
        vsnprintf(s->notes[s->n_notes++], sizeof(s->notes[0]), fmt, ap);
        va_end(ap);
}

/* The name a record that carries only an id was seen with before. */
static const char *alias_name(const struct log_selection *s, const char *id)
{
        for (size_t i = 0; i < s->n_aliases; i++) {
                const struct log_alias *a =
                        &s->aliases[(s->next_alias + LOG_SELECT_ALIASES_MAX - 1 - i) %
                                    LOG_SELECT_ALIASES_MAX];
                if (strcmp(a->id, id) == 0)
                        return a->name;
        }
        return NULL;
}

static void remember_alias(struct log_selection *s, const struct log_entry *e)
{
        struct log_alias *a;
        const char *known;

        if (!str_nonempty(e->id) || !str_nonempty(e->name) || strlen(e->id) >= sizeof(a->id))
                return;
        if ((known = alias_name(s, e->id)) != NULL && strcmp(known, e->name) == 0)
                return;
        /* filled in order until full, then a ring: next_alias == n_aliases
         * while it grows */
        if (s->n_aliases < LOG_SELECT_ALIASES_MAX &&
            !grow((void **)&s->aliases, sizeof(*s->aliases), s->n_aliases, &s->aliases_cap,
                  LOG_SELECT_ALIASES_MAX)) {
                s->out_of_memory = true;
                return;
        }
        a = &s->aliases[s->next_alias];
        str_copy(a->id, sizeof(a->id), e->id);
        str_copy(a->name, sizeof(a->name), e->name);
        s->next_alias = (s->next_alias + 1) % LOG_SELECT_ALIASES_MAX;
        if (s->n_aliases < LOG_SELECT_ALIASES_MAX)
                s->n_aliases++;
}

static struct log_group *find_group(struct log_selection *s, const char *key)
{
        for (size_t i = 0; i < s->n_groups; i++)
                if (strcmp(s->groups[i].key, key) == 0)
                        return &s->groups[i];
        return NULL;
}

/* The module a record belongs to: by name (IoT Edge re-creates a module's
 * container under the same name), else by id, else by image. */
static const char *group_key(const struct log_entry *e)
{
        if (str_nonempty(e->name))
                return e->name;
        if (str_nonempty(e->id))
                return e->id;
        if (str_nonempty(e->image))
                return e->image;
        return "(a record naming no container)";
}

static struct log_group *new_group(struct log_selection *s, const char *key)
{
        struct log_group *g;

        if (s->n_groups == LOG_SELECT_GROUPS_MAX)
                return NULL;
        if (!grow((void **)&s->groups, sizeof(*s->groups), s->n_groups, &s->groups_cap,
                  LOG_SELECT_GROUPS_MAX)) {
                s->out_of_memory = true;
                return NULL;
        }
        g = &s->groups[s->n_groups];
        memset(g, 0, sizeof(*g));
        if ((g->hits = calloc(s->filter->last, sizeof(*g->hits))) == NULL) {
                s->out_of_memory = true;
                return NULL;
        }
        s->n_groups++;
        str_copy(g->key, sizeof(g->key), key);
        return g;
}

static bool passes(const struct log_selection *s, const struct log_entry *e)
{
        const struct log_filter *f = s->filter;

        if (f->decision && strcmp(e->decision, f->decision) != 0)
                return false;
        if (f->rule && (e->rule == NULL || strcmp(e->rule, f->rule) != 0))
                return false;
        if (f->has_since && e->time < f->since)
                return false;
        return log_filter_who(f->who, e);
}

static void keep(struct log_selection *s, const struct log_entry *e, int file,
                 const struct log_line *line)
{
        const char *key = group_key(e);
        struct log_group *g = find_group(s, key);
        const size_t last = s->filter->last;

        if (g == NULL && (g = new_group(s, key)) == NULL) {
                s->groups_dropped++;
                return;
        }
        if (g->count++ == 0)
                str_copy(g->first_time, sizeof(g->first_time), e->time_text);
        g->by_verdict[e->verdict]++;
        g->hits[g->next] = (struct log_hit){
                .file = file, .offset = line->offset, .len = line->len, .line = line->number};
        g->next = (g->next + 1) % last;
        if (g->n_hits < last)
                g->n_hits++;
        g->order = ++s->serial;
}

void log_select_line(struct log_selection *s, int file, const char *file_name,
                     const struct log_line *line)
{
        struct log_entry e;
        struct eg_error err = {0};
        char where[320];

        if (line->kind == LOG_LINE_END)
                return;
        s->lines++;
        utf8_sanitize_visible(file_name, where, sizeof(where));
        if (line->kind == LOG_LINE_TOO_LONG) {
                note(s, "%s:%lu: a line of %zu bytes, over the %u-byte limit: skipped", where,
                     line->number, line->len, LOG_LINE_MAX);
                return;
        }
        if (line->len == 0) /* an empty line says nothing; not a fault */
                return;
        if (log_entry_parse(line->text, line->len, &e, &err) < 0) {
                note(s, "%s:%lu: not a decision record: %s", where, line->number, err.msg);
                log_entry_free(&e);
                return;
        }
        s->records++;
        /* start's record names only the id: it belongs to the module
         * that id was created as, whatever the filters kept of that */
        remember_alias(s, &e);
        if (e.name == NULL && e.id != NULL)
                e.name = alias_name(s, e.id);
        if (passes(s, &e)) {
                s->matched++;
                keep(s, &e, file, line);
        }
        log_entry_free(&e);
}

const struct log_hit *log_group_hit(const struct log_group *g, const struct log_filter *f, size_t i)
{
        size_t oldest = g->n_hits < f->last ? 0 : g->next;

        return &g->hits[(oldest + i) % f->last];
}
