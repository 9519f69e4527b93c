#include "json_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_prescan.h"
#include "json_syntax.h"
#include "spec_keyset.h"
#include "yajl_cleanup.h"

struct tree_frame {
        struct json_value *v;
        uint32_t map_id;
};

struct tree_parser {
        struct json_value *root;
        bool root_done;
        size_t depth, max_depth;
        struct tree_frame *stack;
        struct spec_keyset keys;
        uint32_t next_map_id;
        yajl_handle handle;
        struct eg_error *err;
        bool failed;
};

/* "exceptions[2].rules": where the parser is, for messages. */
static void tree_path(const struct tree_parser *p, char *out, size_t size)
{
        size_t o = 0;

        out[0] = '\0';
        for (size_t i = 0; i < p->depth && o < size; i++) {
                const struct json_value *v = p->stack[i].v;
                int n = 0;
                if (v->len == 0)
                        break;
                if (v->type == JSON_ARRAY)
                        n = snprintf(out + o, size - o, "[%zu]", v->len - 1);
                else
                        n = snprintf(out + o, size - o, "%s%.48s", o ? "." : "",
                                     v->keys[v->len - 1]);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
        if (o == 0)
                snprintf(out, size, "the document");
}

__attribute__((format(printf, 2, 3))) static int tree_fail(struct tree_parser *p, const char *fmt,
                                                           ...)
{
        char what[256], where[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        tree_path(p, where, sizeof(where));
        eg_error_set(p->err, 0, "%s: %s (byte %zu)", where, what,
                     p->handle ? yajl_get_bytes_consumed(p->handle) : 0);
        p->failed = true;
        return 0;
}

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

        if (p->depth == 0) {
                p->root_done = true;
                return p->root;
        }
        c = p->stack[p->depth - 1].v;
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
        return 1;
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

        if (p->depth >= p->max_depth)
                return tree_fail(p, "nested deeper than %zu levels", p->max_depth);
        if ((v = next_value(p)) == NULL)
                return 0;
        v->type = type;
        p->stack[p->depth].v = v;
        p->stack[p->depth].map_id = type == JSON_OBJECT ? ++p->next_map_id : 0;
        p->depth++;
        return 1;
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

        p->depth--;
        return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
        struct tree_parser *p = ctx;
        struct tree_frame *f = &p->stack[p->depth - 1];
        struct json_value *o = f->v;
        char *k;
        int dup = spec_keyset_add(&p->keys, f->map_id, (const char *)key, len);

        if (dup < 0)
                return tree_fail(p, "out of memory");
        if ((k = tree_strdup(p, key, len)) == NULL)
                return 0;
        if (!room_for_one((void **)&o->items, o->len, sizeof(*o->items)) ||
            !room_for_one((void **)&o->keys, o->len, sizeof(*o->keys))) {
                free(k);
                return tree_fail(p, "out of memory");
        }
        memset(&o->items[o->len], 0, sizeof(*o->items));
        o->keys[o->len++] = k;
        if (dup > 0)
                return tree_fail(p, "duplicate key");
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
        struct tree_parser p = {.root = out, .max_depth = max_depth, .err = err};
        cleanup_yajl_handle yajl_handle h = NULL;
        yajl_status st;
        bool complete_failed = false;
        int ret = 0;

        memset(out, 0, sizeof(*out));
        if (len > max_size)
                return eg_error_set(err, 0, "%zu bytes, over the %zu-byte limit", len, max_size);
        if (json_prescan(text, len, err) < 0)
                return -1;
        p.stack = calloc(max_depth + 1, sizeof(*p.stack));
        h = yajl_alloc(&tree_callbacks, NULL, &p);
        if (p.stack == NULL || h == NULL) {
                free(p.stack);
                return eg_error_set(err, 0, "out of memory");
        }
        p.handle = h;
        st = yajl_parse(h, (const unsigned char *)text, len);
        if (st == yajl_status_ok) {
                st = yajl_complete_parse(h);
                complete_failed = st != yajl_status_ok;
        }
        if (p.failed) {
                ret = -1;
        } else if (st != yajl_status_ok) {
                char what[200], where[256];
                size_t at = json_syntax_error(h, text, len, complete_failed, what, sizeof(what));
                tree_path(&p, where, sizeof(where));
                ret = eg_error_set(err, 0, "%s: invalid JSON: %s (byte %zu)", where, what, at);
        }
        spec_keyset_free(&p.keys);
        free(p.stack);
        return ret;
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
