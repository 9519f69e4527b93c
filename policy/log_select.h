/* `edgeguard why`'s choice of records: which lines of the decision log
 * concern the module asked about and pass the filters, grouped by
 * container, the latest few of each kept as positions in the files (never
 * the lines themselves: memory stays bounded whatever the log holds). */
#ifndef EDGEGUARD_LOG_SELECT_H
#define EDGEGUARD_LOG_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "../oci/error.h"
#include "log_entry.h"
#include "log_reader.h"

#define LOG_SELECT_GROUPS_MAX 256  /* containers told; the rest are counted */
#define LOG_SELECT_LAST_MAX   1000 /* --last */
#define LOG_SELECT_NOTES_MAX  8    /* faulty lines named; the rest are counted */
/* Containers whose name is remembered by id, the latest first, for the
 * records that carry only the id (start's): a device runs dozens. */
#define LOG_SELECT_ALIASES_MAX 1024
#define LOG_SELECT_KEY_MAX     256

struct log_filter {
        const char *who; /* a name, id or id prefix, image, image id, pod; NULL: every one */
        bool has_since;
        time_t since;         /* records at or after this second */
        const char *decision; /* "allow", "audit", "refuse"; NULL: any */
        const char *rule;     /* the deciding rule's name; NULL: any */
        size_t last;          /* records kept per container, 1 to LOG_SELECT_LAST_MAX */
};

/* "2026-11-30T10:00:00Z" (RFC 3339), or a duration before now: a number
 * and s, m, h or d ("10m", "36h", "7d"). */
int log_filter_since(const char *text, time_t now, time_t *out, struct eg_error *err);

/* Whether the record is about `who`: its name (docker's, with or without
 * the leading '/'), its id or an id prefix (as docker takes one: hex
 * only), its image reference (":latest" implied, as docker does), its image
 * id (with or without "sha256:", or a prefix) or its Kubernetes pod. */
bool log_filter_who(const char *who, const struct log_entry *e);

struct log_hit {
        int file;           /* the caller's index of the file read */
        off_t offset;       /* where the line starts */
        size_t len;         /* without its '\n' */
        unsigned long line; /* its number, from 1 */
};

struct log_group {
        char key[LOG_SELECT_KEY_MAX]; /* the name, else the id, else the image */
        unsigned long count, by_verdict[3];
        char first_time[40];
        struct log_hit *hits; /* a ring of filter->last; the latest at hits[(next-1) % last] */
        size_t n_hits, next;
        unsigned long order; /* the serial of its latest record: groups are told in this order */
};

/* A container id seen with a name, in any record read (filtered or not). */
struct log_alias {
        char id[72];
        char name[LOG_SELECT_KEY_MAX];
};

struct log_selection {
        const struct log_filter *filter;
        struct log_alias *aliases; /* grows to a ring of LOG_SELECT_ALIASES_MAX */
        size_t n_aliases, next_alias, aliases_cap;
        struct log_group *groups; /* grows up to LOG_SELECT_GROUPS_MAX */
        size_t n_groups, groups_cap;
        unsigned long groups_dropped; /* records of containers beyond LOG_SELECT_GROUPS_MAX */
        unsigned long lines, records, matched, faulty, serial;
        char notes[LOG_SELECT_NOTES_MAX][EG_ERROR_MSG_MAX + 320];
        size_t n_notes;
        bool out_of_memory;
};

void log_select_init(struct log_selection *s, const struct log_filter *f);
void log_select_free(struct log_selection *s);

/* Takes one line of file `file` (named `file_name` in notes): a faulty line
 * (too long, not JSON, not a record) is noted with its number and skipped. */
void log_select_line(struct log_selection *s, int file, const char *file_name,
                     const struct log_line *line);

/* The group's kept records, oldest first: i from 0 to n_hits - 1. */
const struct log_hit *log_group_hit(const struct log_group *g, const struct log_filter *f,
                                    size_t i);

#endif
