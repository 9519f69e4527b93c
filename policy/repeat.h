/* Repeated identical refusals.  IoT Edge's edgeAgent restarts a failing
 * module with a back-off, for ever in newer versions; one full record per
 * attempt would bury everything else in the decision log.  So the first
 * refusal of an episode is logged in full, and after it the 2nd, 4th,
 * 8th, ... (each saying how many there have been), and at least one line
 * per window while it goes on.  An episode ends after a quiet window; the
 * next refusal then also reports what the last lines of the previous
 * episode did not.  Pure: the table is read and written by the caller. */
#ifndef EDGEGUARD_REPEAT_H
#define EDGEGUARD_REPEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "decision.h"

#define REPEAT_KEY_SIZE    33 /* 32 hex digits and the terminator */
#define REPEAT_ENTRIES_MAX 256
#define REPEAT_STATE_MAX   (REPEAT_ENTRIES_MAX * 160 + 64) /* bytes of the formatted table */

struct repeat_entry {
        char key[REPEAT_KEY_SIZE];
        unsigned long count;  /* refusals in this episode */
        unsigned long logged; /* the count when the last line was written */
        time_t first, last_seen, last_line;
};

struct repeat_table {
        size_t n;
        struct repeat_entry entries[REPEAT_ENTRIES_MAX];
};

/* What to log about this refusal. */
struct repeat_note {
        bool write;             /* log this one */
        unsigned long count;    /* its number in the episode, from 1 */
        unsigned long unlogged; /* refusals before it since the last line, not logged */
        time_t first;           /* when the episode began */
        /* the episode before, when its last refusals were never logged */
        unsigned long previous_count, previous_unlogged;
        time_t previous_first, previous_last;
};

/* Identical means: the same verdict and rule, the same container name
 * (the id when there is none) and image, and the same finding.  The
 * reason itself names the container id, which changes when a module is
 * recreated, so it is not part of the key. */
void repeat_key(const struct decision_input *in, const struct decision *d,
                char key[REPEAT_KEY_SIZE]);

/* Reads the table's text; lines that are not well formed are skipped (the
 * table only saves log lines: losing it costs a repeated line, nothing more). */
void repeat_table_parse(const char *text, size_t len, struct repeat_table *t);

/* Formats the table into out (REPEAT_STATE_MAX bytes); returns the length. */
size_t repeat_table_format(const struct repeat_table *t, char *out, size_t size);

/* Counts one refusal at now into the table and says whether to log it.
 * A full table forgets the entry seen longest ago. */
void repeat_observe(struct repeat_table *t, const char *key, time_t now, long window,
                    struct repeat_note *note);

#endif
