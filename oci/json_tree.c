#include "json_tree.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json_strict.h"

/* The core's frames keep the path and the key set; values[i] is the
 * container stack[i] fills. */
struct tree_parser {
        struct json_strict js;
        struct json_value *root;
        struct json_value **values;
};

#define tree_fail(p, ...) json_strict_fail(&(p)->js, __VA_ARGS__)

/* Room for one more of `len` elements; capacities are powers of two from
 * 4, so len alone says when the array is full. */
static bool room_for_one(void **items, size_t len, size_t elem)
{
        size_t cap = len == 0 ? 4 : len * 2;
        void *n;

        if (len != 0 && (len < 4 || (len & (len - 1)) != 0))
                return true;
        if ((n = realloc(*items, cap * elem)) == NULL)
                return false;
        *items = n;
        return true;
}

/* Where the next value goes: the root, the next array element, or the
 * value of the key just read. */
static struct json_value *next_value(struct tree_parser *p)
{
        struct json_value *c;

        if (p->js.depth == 0)
                return p->root;
        c = p->values[p->js.depth - 1];
        if (c->type == JSON_OBJECT)
                return &c->items[c->len - 1];
        if (!room_for_one((void **)&c->items, c->len, sizeof(*c->items))) {
                tree_fail(p, "out of memory");
                return NULL;
        }
        memset(&c->items[c->len], 0, sizeof(*c->items));
        return &c->items[c->len++];
}

static char *tree_strdup(struct tree_parser *p, const unsigned char *s, size_t len)
{
        char *c;

        if (memchr(s, '\0', len) != NULL) {
                tree_fail(p, "a string holding NUL (\\u0000)");
                return NULL;
        }
        if ((c = malloc(len + 1)) == NULL) {
                tree_fail(p, "out of memory");
                return NULL;
        }
        memcpy(c, s, len);
        c[len] = '\0';
        return c;
}

static int on_scalar(struct tree_parser *p, enum json_type type, bool b, const unsigned char *s,
                     size_t len)
{
        struct json_value *v = next_value(p);

        if (v == NULL)
                return 0;
        v->type = type;
        v->boolean = b;
        if (s != NULL && (v->text = tree_strdup(p, s, len)) == NULL)
                return 0;
        return json_strict_value_done(&p->js);
}

static int on_null(void *ctx)
{
        return on_scalar(ctx, JSON_NULL, false, NULL, 0);
}

static int on_boolean(void *ctx, int b)
{
        return on_scalar(ctx, JSON_BOOL, b != 0, NULL, 0);
}

static int on_number(void *ctx, const char *s, size_t len)
{
        return on_scalar(ctx, JSON_NUMBER, false, (const unsigned char *)s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
        return on_scalar(ctx, JSON_STRING, false, s, len);
}

static int open_container(struct tree_parser *p, enum json_type type)
{
        struct json_value *v;

        /* the depth first: no value for a container that cannot open */
        if (p->js.depth >= p->js.max_depth)
                return json_strict_push(&p->js, (int)type, type == JSON_ARRAY,
                                        (struct json_strict_slot){0, 0, 0, 0});
        if ((v = next_value(p)) == NULL)
                return 0;
        v->type = type;
        p->values[p->js.depth] = v;
        return json_strict_push(&p->js, (int)type, type == JSON_ARRAY,
                                (struct json_strict_slot){0, 0, 0, 0});
}

static int on_start_map(void *ctx)
{
        return open_container(ctx, JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
        return open_container(ctx, JSON_ARRAY);
}

static int on_end(void *ctx)
{
        struct tree_parser *p = ctx;

        return json_strict_pop(&p->js);
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
        struct tree_parser *p = ctx;
        struct json_value *o = p->values[p->js.depth - 1];
        const void *unused;
        char *k;

        /* any key is read: no field table, no folding */
        if (!json_strict_key(&p->js, key, len, NULL, 0, NULL, &unused))
                return 0;
        if ((k = tree_strdup(p, key, len)) == NULL)
                return 0;
        if (!room_for_one((void **)&o->items, o->len, sizeof(*o->items)) ||
            !room_for_one((void **)&o->keys, o->len, sizeof(*o->keys))) {
                free(k);
                return tree_fail(p, "out of memory");
        }
        memset(&o->items[o->len], 0, sizeof(*o->items));
        o->keys[o->len++] = k;
        return 1;
}

static const yajl_callbacks tree_callbacks = {
        .yajl_null = on_null,
        .yajl_boolean = on_boolean,
        .yajl_number = on_number,
        .yajl_string = on_string,
        .yajl_start_map = on_start_map,
        .yajl_map_key = on_map_key,
        .yajl_end_map = on_end,
        .yajl_start_array = on_start_array,
        .yajl_end_array = on_end,
};

int json_parse(const char *text, size_t len, size_t max_size, size_t max_depth,
               struct json_value *out, struct eg_error *err)
{
        struct tree_parser p = {.root = out};
        cleanup_free struct json_strict_frame *stack = NULL;
        cleanup_free struct json_value **values = NULL;

        memset(out, 0, sizeof(*out));
        if (json_strict_check(text, len, max_size, err) < 0)
                return -1;
        stack = calloc(max_depth + 1, sizeof(*stack));
        values = calloc(max_depth + 1, sizeof(*values));
        if (stack == NULL || values == NULL)
                return eg_error_set(err, 0, "out of memory");
        p.values = values;
        p.js = (struct json_strict){.err = err, .stack = stack, .max_depth = max_depth};
        return json_strict_run(&p.js, &tree_callbacks, &p, text, len);
}

void json_free(struct json_value *v)
{
        free(v->text);
        for (size_t i = 0; i < v->len; i++) {
                if (v->keys)
                        free(v->keys[i]);
                if (v->items)
                        json_free(&v->items[i]);
        }
        free(v->keys);
        free(v->items);
        memset(v, 0, sizeof(*v));
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
        if (v == NULL || v->type != JSON_OBJECT)
                return NULL;
        for (size_t i = 0; i < v->len; i++)
                if (strcmp(v->keys[i], key) == 0)
                        return &v->items[i];
        return NULL;
}

const char *json_type_name(enum json_type t)
{
        switch (t) {
        case JSON_NULL:
                return "null";
        case JSON_BOOL:
                return "a boolean";
        case JSON_NUMBER:
                return "a number";
        case JSON_STRING:
                return "a string";
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        }
        return "?";
}
