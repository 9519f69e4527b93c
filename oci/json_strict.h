/* The strict JSON reader core shared by the typed readers (spec_parse.c
 * for config.json, authz_json.c for the AuthZ plugin's requests) and the
 * generic tree (json_tree.c): one size cap and json_prescan before yajl,
 * a bounded stack of open containers that knows the JSON path of every
 * fault, duplicate keys refused per object (Go's encoding/json keeps the
 * last one, a first-wins reader would judge another value), keys that Go
 * folds onto a field read here refused (gofold.h), and one message shape:
 * "<path>: <what> (byte N)".
 *
 * Portable C (no Linux-only headers): the plugin's request reader is also
 * built with mingw. */
#ifndef EDGEGUARD_JSON_STRICT_H
#define EDGEGUARD_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl_parse.h>

#include "error.h"
#include "spec_keyset.h"

#define JSON_STRICT_KEY_SHOWN 48

/* Where the values of a container land, in the reader's own terms: kind
 * and child are the reader's enums (kind 0 must mean "not read: any
 * value", child 0 "a subtree nothing is read from"), offset and aux are
 * the reader's to interpret. */
struct json_strict_slot {
        int kind;
        int child;
        size_t offset;
        size_t aux;
};

struct json_strict_frame {
        int node; /* the reader's node enum */
        bool is_array;
        uint32_t map_id;              /* objects: for the duplicate-key set */
        size_t index;                 /* arrays: the element being read */
        struct json_strict_slot slot; /* objects: the current key's value; arrays: every element */
        /* objects: the current key's first bytes as read (made printable
         * only for a message: most keys never are in one) and its length */
        unsigned char key[JSON_STRICT_KEY_SHOWN];
        size_t key_len;
};

/* Embedded in each reader's parser; the reader points stack at
 * max_depth + 1 frames and sets top (the slot of the document itself). */
struct json_strict {
        yajl_handle handle;
        struct eg_error *err;
        bool failed;
        struct json_strict_frame *stack;
        size_t depth, max_depth;
        struct json_strict_slot top;
        struct spec_keyset keys;
        uint32_t next_map_id;
};

/* Size cap and json_prescan: 0, or -1 with err set.  Before any
 * allocation sized by the text. */
int json_strict_check(const char *text, size_t len, size_t max, struct eg_error *err);

/* Runs yajl over text with callbacks (whose ctx is ctx), then frees the
 * key set.  Returns 0, or -1 with js->err set: the callback's fault, or
 * yajl's syntax error with the path where it was found. */
int json_strict_run(struct json_strict *js, const yajl_callbacks *callbacks, void *ctx,
                    const char *text, size_t len);

/* Sets js->err to "<path>: <fmt> (byte N)" and marks the parse failed.
 * Returns 0, which is what a yajl callback returns to cancel the parse. */
__attribute__((format(printf, 2, 3))) int json_strict_fail(struct json_strict *js, const char *fmt,
                                                           ...);

/* The slot the next value lands in: the document's, or the open
 * container's.  (These four are inline: they run for every value of a
 * document, a few thousand in docker's default config.json.) */
static inline const struct json_strict_slot *json_strict_current(const struct json_strict *js)
{
        return js->depth == 0 ? &js->top : &js->stack[js->depth - 1].slot;
}

/* Opens a container (node, its slot); 0 (failed) past max_depth. */
static inline int json_strict_push(struct json_strict *js, int node, bool is_array,
                                   struct json_strict_slot slot)
{
        struct json_strict_frame *f;

        if (js->depth >= js->max_depth)
                return json_strict_fail(js, "nested deeper than %zu levels", js->max_depth);
        f = &js->stack[js->depth++];
        f->node = node;
        f->is_array = is_array;
        f->map_id = is_array ? 0 : ++js->next_map_id;
        f->index = 0;
        f->slot = slot;
        f->key_len = 0;
        return 1;
}

/* After a whole value: an array moves to its next element, an object
 * waits for its next key.  Returns 1. */
static inline int json_strict_value_done(struct json_strict *js)
{
        if (js->depth > 0) {
                struct json_strict_frame *f = &js->stack[js->depth - 1];
                if (f->is_array)
                        f->index++;
                else
                        f->slot = (struct json_strict_slot){0, 0, 0, 0};
        }
        return 1;
}

/* Closes the open container (which is then a whole value).  Returns 1. */
static inline int json_strict_pop(struct json_strict *js)
{
        js->depth--;
        return json_strict_value_done(js);
}

/* A key of the open object: kept for messages, refused when the object
 * already has it.  With fields (a table of structs of `stride` bytes whose
 * first member is the field's `const char *name`, ended by a NULL name),
 * *match is the field named exactly by key, or NULL; a key Go would fold
 * onto a field's name is refused, naming `reader` (the Go program that
 * would decode it: "runc", "dockerd"; NULL for documents only edgeguard
 * reads).  Returns 1, or 0 (failed). */
int json_strict_key(struct json_strict *js, const unsigned char *key, size_t len,
                    const void *fields, size_t stride, const char *reader, const void **match);

#endif
