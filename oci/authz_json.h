/* Between authz_request.c and authz_json.c: the table-driven yajl pass
 * that reads the envelope and the API bodies. */
#ifndef EDGEGUARD_AUTHZ_JSON_H
#define EDGEGUARD_AUTHZ_JSON_H

#include <stddef.h>

#include "authz_request.h"

#define AJ_NO_FLAG ((size_t)-1)

enum aj_node {
        AJ_NODE_SKIP,
        AJ_NODE_ENVELOPE,
        AJ_NODE_CREATE,
        AJ_NODE_HOSTCONFIG,
        AJ_NODE_EXEC,
        AJ_NODE_LABELS,
        AJ_NODE_STRINGS,
};

enum aj_kind {
        AJ_ANY,      /* not read: any value */
        AJ_OBJECT,   /* object or null */
        AJ_STRING,   /* string or null */
        AJ_BASE64,   /* string or null, decoded into authz_request.body */
        AJ_BOOL,     /* true, false or null */
        AJ_STRINGS,  /* array of strings, or null */
        AJ_STRSLICE, /* moby's strslice: a string, an array of strings, or null */
        AJ_STRINGS_ITEM,
        AJ_LABEL_VALUE,
};

/* A field of a struct node: offset of its value, and of its has_ flag
 * (AJ_NO_FLAG for none), in the struct being filled. */
struct aj_field {
        const char *name;
        enum aj_kind kind;
        enum aj_node child;
        size_t offset, flag;
};

/* Parses len bytes (at most max) whose top object is `top` into base (a
 * struct authz_request or struct authz_body); strings go to *strings (one
 * allocation of len + 1 bytes, *used counting), labels to body. */
int authz_json_parse(const char *text, size_t len, size_t max, enum aj_node top, void *base,
                     char **strings, size_t *used, struct authz_body *body, struct eg_error *err);

#endif
