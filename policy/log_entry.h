/* One line of the decision log read back: the record's fields that `why`
 * selects and tells by.  The writers are policy/record.c (both doors),
 * shim/refusal_record.c (rule "command_line") and shim/start_check.c (verb
 * "start", rule "start"); README "The decision log" lists the fields. */
#ifndef EDGEGUARD_LOG_ENTRY_H
#define EDGEGUARD_LOG_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../oci/json_tree.h"
#include "decision.h"

/* The deepest record nests four levels (examined[].interpreter); room for
 * more without letting a hostile line recurse far. */
#define LOG_ENTRY_DEPTH_MAX 16

struct log_entry {
        struct json_value root;
        time_t time; /* seconds of "time" */
        enum verdict verdict;
        /* NULL when absent, null or not a string */
        const char *time_text, *decision, *rule, *reason, *verb, *door;
        const char *id, *name, *image, *image_id, *pod;
        long long repeat_count; /* repeat.count; 0 when absent */
        const char *repeat_since;
        long long repeat_unlogged;
};

/* Parses one line (len bytes, no '\n').  A line that is not a JSON object,
 * or has no valid "time" or "decision", is refused with the reason in err.
 * log_entry_free e either way. */
int log_entry_parse(const char *text, size_t len, struct log_entry *e, struct eg_error *err);

void log_entry_free(struct log_entry *e);

/* A string member of an object value, NULL when absent or not a string. */
const char *log_entry_string(const struct json_value *v, const char *key);

/* The member's text when it is a non-negative integer; -1 otherwise. */
long long log_entry_count(const struct json_value *v, const char *key);

#endif
