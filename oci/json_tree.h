/* A small JSON tree for the files edgeguard reads whole: the operator's
 * policy, and (later) the engine's own records.  yajl_tree_parse has no
 * depth limit and keeps duplicate keys; this one caps size and depth,
 * refuses duplicate keys and text two decoders would read differently
 * (json_prescan), and names the JSON path of every fault. */
#ifndef EDGEGUARD_JSON_TREE_H
#define EDGEGUARD_JSON_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum json_type {
        JSON_NULL,
        JSON_BOOL,
        JSON_NUMBER,
        JSON_STRING,
        JSON_OBJECT,
        JSON_ARRAY,
};

struct json_value {
        enum json_type type;
        bool boolean;
        char *text;  /* JSON_STRING: the string (no NUL inside); JSON_NUMBER: as written */
        size_t len;  /* JSON_OBJECT, JSON_ARRAY: members */
        char **keys; /* JSON_OBJECT: len keys, in document order */
        struct json_value *items; /* len values */
};

/* Parses len bytes (at most max_size) nested at most max_depth deep into
 * out; json_free it whether or not this succeeds. */
int json_parse(const char *text, size_t len, size_t max_size, size_t max_depth,
               struct json_value *out, struct eg_error *err);

void json_free(struct json_value *v);

/* The member `key` of an object, NULL when absent or v is not an object. */
const struct json_value *json_get(const struct json_value *v, const char *key);

const char *json_type_name(enum json_type t);

#endif
