/* The yajl callback pass behind authz_request_parse and authz_body_parse,
 * in spec_parse.c's manner: a stack of open containers, each knowing which
 * field its values land in; keys checked for duplicates (spec_keyset) and
 * for Go's case folding onto a field read here (gofold). */
#include "authz_json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gofold.h"
#include "json_prescan.h"
#include "json_syntax.h"
#include "spec_keyset.h"
#include "yajl_cleanup.h"

#define REQ_AT(m)  offsetof(struct authz_request, m)
#define BODY_AT(m) offsetof(struct authz_body, m)
#define B(m)       BODY_AT(m)

static const struct aj_field envelope_fields[] = {
        {"RequestMethod", AJ_STRING, AJ_NODE_SKIP, REQ_AT(method), AJ_NO_FLAG},
        {"RequestUri", AJ_STRING, AJ_NODE_SKIP, REQ_AT(uri), AJ_NO_FLAG},
        {"RequestBody", AJ_BASE64, AJ_NODE_SKIP, REQ_AT(body), REQ_AT(has_body)},
        {"User", AJ_STRING, AJ_NODE_SKIP, REQ_AT(user), AJ_NO_FLAG},
        {"UserAuthNMethod", AJ_STRING, AJ_NODE_SKIP, REQ_AT(authn_method), AJ_NO_FLAG},
        {NULL, AJ_ANY, AJ_NODE_SKIP, 0, 0},
};

static const struct aj_field create_fields[] = {
        {"Image", AJ_STRING, AJ_NODE_SKIP, B(image), AJ_NO_FLAG},
        {"Labels", AJ_OBJECT, AJ_NODE_LABELS, 0, AJ_NO_FLAG},
        {"HostConfig", AJ_OBJECT, AJ_NODE_HOSTCONFIG, 0, B(has_host_config)},
        {"Privileged", AJ_BOOL, AJ_NODE_SKIP, B(top.privileged), B(top.has_privileged)},
        {"Runtime", AJ_STRING, AJ_NODE_SKIP, B(top.runtime), AJ_NO_FLAG},
        {"Isolation", AJ_STRING, AJ_NODE_SKIP, B(top.isolation), AJ_NO_FLAG},
        {"CapAdd", AJ_STRSLICE, AJ_NODE_SKIP, B(top.cap_add), AJ_NO_FLAG},
        {"Capabilities", AJ_STRSLICE, AJ_NODE_SKIP, B(top.capabilities), AJ_NO_FLAG},
        {"SecurityOpt", AJ_STRINGS, AJ_NODE_SKIP, B(top.security_opt), AJ_NO_FLAG},
        {NULL, AJ_ANY, AJ_NODE_SKIP, 0, 0},
};

static const struct aj_field hostconfig_fields[] = {
        {"Privileged", AJ_BOOL, AJ_NODE_SKIP, B(host_config.privileged),
         B(host_config.has_privileged)},
        {"Runtime", AJ_STRING, AJ_NODE_SKIP, B(host_config.runtime), AJ_NO_FLAG},
        {"Isolation", AJ_STRING, AJ_NODE_SKIP, B(host_config.isolation), AJ_NO_FLAG},
        {"CapAdd", AJ_STRSLICE, AJ_NODE_SKIP, B(host_config.cap_add), AJ_NO_FLAG},
        {"Capabilities", AJ_STRSLICE, AJ_NODE_SKIP, B(host_config.capabilities), AJ_NO_FLAG},
        {"SecurityOpt", AJ_STRINGS, AJ_NODE_SKIP, B(host_config.security_opt), AJ_NO_FLAG},
        {NULL, AJ_ANY, AJ_NODE_SKIP, 0, 0},
};

static const struct aj_field exec_fields[] = {
        {"Privileged", AJ_BOOL, AJ_NODE_SKIP, B(privileged), AJ_NO_FLAG},
        {NULL, AJ_ANY, AJ_NODE_SKIP, 0, 0},
};

static const struct aj_field *node_fields(enum aj_node n)
{
        switch (n) {
        case AJ_NODE_ENVELOPE:
                return envelope_fields;
        case AJ_NODE_CREATE:
                return create_fields;
        case AJ_NODE_HOSTCONFIG:
                return hostconfig_fields;
        case AJ_NODE_EXEC:
                return exec_fields;
        case AJ_NODE_SKIP:
        case AJ_NODE_LABELS:
        case AJ_NODE_STRINGS:
                break;
        }
        return NULL;
}

#define KEY_SHOWN_MAX 48

struct slot {
        enum aj_kind kind;
        enum aj_node child;
        size_t offset, flag;
};

struct frame {
        enum aj_node node;
        bool is_array;
        uint32_t map_id;
        size_t index;
        struct slot slot;
        char key[KEY_SHOWN_MAX]; /* printable, for messages */
};

struct parser {
        char *base; /* struct authz_request or struct authz_body */
        char **strings;
        size_t *used, size;
        struct authz_body *body; /* for labels; NULL for the envelope */
        struct eg_error *err;
        yajl_handle handle;
        size_t depth;
        struct frame stack[AUTHZ_DEPTH_MAX + 1];
        struct spec_keyset keys;
        uint32_t next_map_id;
        bool failed;
        struct slot top;
};

static const struct slot any_slot = {AJ_ANY, AJ_NODE_SKIP, 0, AJ_NO_FLAG};

static void path_of(const struct parser *p, char *out, size_t size)
{
        size_t o = 0;

        out[0] = '\0';
        for (size_t i = 0; i < p->depth && o < size; i++) {
                const struct frame *f = &p->stack[i];
                int n = 0;
                if (f->is_array)
                        n = snprintf(out + o, size - o, "[%zu]", f->index);
                else if (f->key[0])
                        n = snprintf(out + o, size - o, "%s%s", o ? "." : "", f->key);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
        if (o == 0)
                snprintf(out, size, "the document");
}

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
        char what[512], where[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        path_of(p, where, sizeof(where));
        eg_error_set(p->err, 0, "%s: %s (byte %zu)", where, what,
                     p->handle ? yajl_get_bytes_consumed(p->handle) : 0);
        p->failed = true;
        return 0;
}

static const char *expected(enum aj_kind k)
{
        switch (k) {
        case AJ_OBJECT:
                return "an object";
        case AJ_STRING:
        case AJ_STRINGS_ITEM:
        case AJ_LABEL_VALUE:
                return "a string";
        case AJ_BASE64:
                return "a base64 string";
        case AJ_BOOL:
                return "true or false";
        case AJ_STRINGS:
                return "an array of strings";
        case AJ_STRSLICE:
                return "a string or an array of strings";
        case AJ_ANY:
                break;
        }
        return "anything";
}

static int wrong_type(struct parser *p, const char *got)
{
        const struct slot *s = p->depth ? &p->stack[p->depth - 1].slot : &p->top;
        return fail(p, "%s where %s is expected", got, expected(s->kind));
}

/* The member at offset in the struct being filled (void *: its type is
 * the field table's to know). */
static void *member(const struct parser *p, size_t offset)
{
        return p->base + offset;
}

static const struct slot *current(const struct parser *p)
{
        return p->depth == 0 ? &p->top : &p->stack[p->depth - 1].slot;
}

static void set_flag(struct parser *p, const struct slot *s)
{
        if (s->flag != AJ_NO_FLAG)
                *(bool *)member(p, s->flag) = true;
}

static int push(struct parser *p, enum aj_node node, bool is_array, struct slot slot)
{
        struct frame *f;

        if (p->depth >= AUTHZ_DEPTH_MAX)
                return fail(p, "nested deeper than %d levels", AUTHZ_DEPTH_MAX);
        f = &p->stack[p->depth++];
        memset(f, 0, sizeof(*f));
        f->node = node;
        f->is_array = is_array;
        f->slot = slot;
        if (!is_array)
                f->map_id = ++p->next_map_id;
        return 1;
}

static int value_done(struct parser *p)
{
        if (p->depth > 0) {
                struct frame *f = &p->stack[p->depth - 1];
                if (f->is_array)
                        f->index++;
                else
                        f->slot = any_slot;
        }
        return 1;
}

static char *copy_string(struct parser *p, const unsigned char *s, size_t len)
{
        char *c;

        if (memchr(s, '\0', len) != NULL) {
                fail(p, "a string holding NUL (\\u0000)");
                return NULL;
        }
        if (len + 1 > p->size - *p->used) {
                fail(p, "strings longer than the document");
                return NULL;
        }
        c = *p->strings + *p->used;
        *p->used += len + 1;
        memcpy(c, s, len);
        c[len] = '\0';
        return c;
}

static int append_string(struct parser *p, struct authz_strv *v, const unsigned char *s, size_t len)
{
        char *c = copy_string(p, s, len);
        char **n;

        if (c == NULL)
                return 0;
        n = realloc(v->items, (v->len + 2) * sizeof(char *));
        if (n == NULL)
                return fail(p, "out of memory");
        v->items = n;
        v->items[v->len++] = c;
        v->items[v->len] = NULL;
        return 1;
}

static int on_null(void *ctx)
{
        struct parser *p = ctx;
        const struct slot *s = current(p);

        if (p->depth == 0)
                return fail(p, "null where an object is expected");
        if (s->kind == AJ_STRINGS_ITEM || s->kind == AJ_LABEL_VALUE)
                return wrong_type(p, "null");
        return value_done(p); /* Go leaves the field unset */
}

static int on_boolean(void *ctx, int value)
{
        struct parser *p = ctx;
        const struct slot *s = current(p);

        if (s->kind == AJ_BOOL) {
                *(bool *)member(p, s->offset) = value != 0;
                set_flag(p, s);
        } else if (s->kind != AJ_ANY) {
                return wrong_type(p, "a boolean");
        }
        return value_done(p);
}

static int on_number(void *ctx, const char *text, size_t len)
{
        struct parser *p = ctx;

        (void)text, (void)len;
        if (current(p)->kind != AJ_ANY)
                return wrong_type(p, "a number");
        return value_done(p);
}

static int on_base64(struct parser *p, const struct slot *s, const unsigned char *text, size_t len)
{
        struct authz_request *r = member(p, 0);
        long n;

        /* decoded into the string arena: 3/4 of the text's length */
        if (len / 4 * 3 + 1 > p->size - *p->used)
                return fail(p, "strings longer than the document");
        r->body = (unsigned char *)*p->strings + *p->used;
        n = authz_base64_decode((const char *)text, len, r->body);
        if (n < 0)
                return fail(p, "not standard base64 (as Go writes []byte)");
        r->body[n] = '\0';
        r->body_len = (size_t)n;
        *p->used += (size_t)n + 1;
        set_flag(p, s);
        return value_done(p);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
        struct parser *p = ctx;
        const struct slot *slot = current(p);
        char **target;

        switch (slot->kind) {
        case AJ_ANY:
                break;
        case AJ_STRING:
                target = member(p, slot->offset);
                if ((*target = copy_string(p, s, len)) == NULL)
                        return 0;
                break;
        case AJ_BASE64:
                return on_base64(p, slot, s, len);
        case AJ_STRSLICE: /* strslice.StrSlice: a lone string is a one-item list */
                ((struct authz_strv *)member(p, slot->offset))->present = true;
                if (!append_string(p, member(p, slot->offset), s, len))
                        return 0;
                break;
        case AJ_STRINGS_ITEM:
                if (!append_string(p, member(p, slot->offset), s, len))
                        return 0;
                break;
        case AJ_LABEL_VALUE:
                if ((p->body->labels[p->body->n_labels - 1].value = copy_string(p, s, len)) == NULL)
                        return 0;
                break;
        default:
                return wrong_type(p, "a string");
        }
        return value_done(p);
}

static int on_start_map(void *ctx)
{
        struct parser *p = ctx;
        const struct slot *s = current(p);

        if (s->kind == AJ_ANY)
                return push(p, AJ_NODE_SKIP, false, any_slot);
        if (s->kind != AJ_OBJECT)
                return wrong_type(p, "an object");
        set_flag(p, s);
        return push(p, s->child, false, any_slot);
}

static int on_start_array(void *ctx)
{
        struct parser *p = ctx;
        const struct slot *s = current(p);
        struct slot item = *s;

        if (s->kind == AJ_ANY)
                return push(p, AJ_NODE_SKIP, true, any_slot);
        if (s->kind != AJ_STRINGS && s->kind != AJ_STRSLICE)
                return wrong_type(p, "an array");
        ((struct authz_strv *)member(p, s->offset))->present = true;
        item.kind = AJ_STRINGS_ITEM;
        return push(p, AJ_NODE_STRINGS, true, item);
}

static int on_end_container(void *ctx)
{
        struct parser *p = ctx;

        p->depth--;
        return value_done(p);
}

static int label_key(struct parser *p, const unsigned char *key, size_t len)
{
        struct authz_body *b = p->body;
        char *k = copy_string(p, key, len);
        struct authz_label *n;

        if (k == NULL)
                return 0;
        n = realloc(b->labels, (b->n_labels + 1) * sizeof(*b->labels));
        if (n == NULL)
                return fail(p, "out of memory");
        b->labels = n;
        b->labels[b->n_labels++] = (struct authz_label){k, NULL};
        p->stack[p->depth - 1].slot = (struct slot){AJ_LABEL_VALUE, AJ_NODE_SKIP, 0, AJ_NO_FLAG};
        return 1;
}

static void keep_key(struct frame *f, const unsigned char *key, size_t len)
{
        size_t o = 0;

        for (size_t i = 0; i < len && o + 4 < KEY_SHOWN_MAX; i++)
                f->key[o++] = (key[i] < 0x20 || key[i] == '"' || key[i] == '\\' || key[i] == 0x7f)
                                      ? '?'
                                      : (char)key[i];
        while (o > 0 && ((unsigned char)f->key[o - 1] & 0xc0) == 0xc0)
                o--;
        if (o < len)
                memcpy(f->key + o, "...", 3), o += 3;
        f->key[o] = '\0';
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
        struct parser *p = ctx;
        struct frame *f = &p->stack[p->depth - 1];
        const struct aj_field *fields = node_fields(f->node);
        int dup;

        keep_key(f, key, len);
        dup = spec_keyset_add(&p->keys, f->map_id, (const char *)key, len);
        if (dup < 0)
                return fail(p, "out of memory");
        if (dup > 0)
                return fail(p, "duplicate key (Go would keep the last one)");
        if (f->node == AJ_NODE_LABELS)
                return label_key(p, key, len);
        if (fields == NULL)
                return 1;
        for (const struct aj_field *fd = fields; fd->name; fd++) {
                if (strlen(fd->name) == len && memcmp(fd->name, key, len) == 0) {
                        f->slot = (struct slot){fd->kind, fd->child, fd->offset, fd->flag};
                        return 1;
                }
        }
        for (const struct aj_field *fd = fields; fd->name; fd++)
                if (gofold_equal((const char *)key, len, fd->name))
                        return fail(p,
                                    "key that dockerd (Go's case-insensitive match) reads as "
                                    "\"%s\"",
                                    fd->name);
        return 1;
}

static const yajl_callbacks callbacks = {
        .yajl_null = on_null,
        .yajl_boolean = on_boolean,
        .yajl_number = on_number,
        .yajl_string = on_string,
        .yajl_start_map = on_start_map,
        .yajl_map_key = on_map_key,
        .yajl_end_map = on_end_container,
        .yajl_start_array = on_start_array,
        .yajl_end_array = on_end_container,
};

int authz_json_parse(const char *text, size_t len, size_t max, enum aj_node top, void *base,
                     char **strings, size_t *used, struct authz_body *body, struct eg_error *err)
{
        struct parser p = {
                .base = base, .strings = strings, .used = used, .body = body, .err = err};
        cleanup_yajl_handle yajl_handle h = NULL;
        char what[256], where[256];
        yajl_status st;
        bool at_end = false;
        int ret = 0;

        p.top = (struct slot){AJ_OBJECT, top, 0, AJ_NO_FLAG};
        if (len > max)
                return eg_error_set(err, 0, "%zu bytes, over the %zu-byte limit", len, max);
        if (json_prescan(text, len, err) < 0)
                return -1;
        p.size = len + 1;
        if ((*strings = malloc(p.size)) == NULL)
                return eg_error_set(err, 0, "out of memory");
        if ((h = yajl_alloc(&callbacks, NULL, &p)) == NULL)
                return eg_error_set(err, 0, "out of memory");
        p.handle = h;
        st = yajl_parse(h, (const unsigned char *)text, len);
        if (st == yajl_status_ok) {
                st = yajl_complete_parse(h);
                at_end = st != yajl_status_ok;
        }
        if (p.failed) {
                ret = -1;
        } else if (st != yajl_status_ok) {
                size_t at = json_syntax_error(h, text, len, at_end, what, sizeof(what));
                path_of(&p, where, sizeof(where));
                ret = eg_error_set(err, 0, "%s: invalid JSON: %s (byte %zu)", where, what, at);
        }
        spec_keyset_free(&p.keys);
        return ret;
}
