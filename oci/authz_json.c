/* The yajl callback pass behind authz_request_parse and authz_body_parse,
 * on json_strict.h's core as spec_parse.c is: a stack of open containers,
 * each knowing which field its values land in; keys checked for duplicates
 * and for Go's case folding onto a field read here. */
#include "authz_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_strict.h"

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
        {"Entrypoint", AJ_STRSLICE, AJ_NODE_SKIP, B(entrypoint), AJ_NO_FLAG},
        {"Cmd", AJ_STRSLICE, AJ_NODE_SKIP, B(cmd), AJ_NO_FLAG},
        {"Env", AJ_STRINGS, AJ_NODE_SKIP, B(env), AJ_NO_FLAG},
        {"WorkingDir", AJ_STRING, AJ_NODE_SKIP, B(working_dir), AJ_NO_FLAG},
        {"User", AJ_STRING, AJ_NODE_SKIP, B(user), AJ_NO_FLAG},
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

/* Slots are json_strict_slots: kind an aj_kind, child an aj_node, aux the
 * offset of the value's has_ flag (AJ_NO_FLAG for none). */
struct parser {
        struct json_strict js;
        char *base; /* struct authz_request or struct authz_body */
        char **strings;
        size_t *used, size;
        struct authz_body *body; /* for labels; NULL for the envelope */
        struct json_strict_frame stack[AUTHZ_DEPTH_MAX + 1];
};

#define fail(p, ...) json_strict_fail(&(p)->js, __VA_ARGS__)

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

static const struct json_strict_slot *current(const struct parser *p)
{
        return json_strict_current(&p->js);
}

static int wrong_type(struct parser *p, const char *got)
{
        return fail(p, "%s where %s is expected", got, expected((enum aj_kind)current(p)->kind));
}

/* The member at offset in the struct being filled (void *: its type is
 * the field table's to know). */
static void *member(const struct parser *p, size_t offset)
{
        return p->base + offset;
}

static void set_flag(struct parser *p, const struct json_strict_slot *s)
{
        if (s->aux != AJ_NO_FLAG)
                *(bool *)member(p, s->aux) = true;
}

static int push(struct parser *p, enum aj_node node, bool is_array, struct json_strict_slot slot)
{
        return json_strict_push(&p->js, (int)node, is_array, slot);
}

static int value_done(struct parser *p)
{
        return json_strict_value_done(&p->js);
}

static const struct json_strict_slot any_slot = {AJ_ANY, AJ_NODE_SKIP, 0, AJ_NO_FLAG};

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
        const struct json_strict_slot *s = current(p);

        if (p->js.depth == 0)
                return fail(p, "null where an object is expected");
        if (s->kind == AJ_STRINGS_ITEM || s->kind == AJ_LABEL_VALUE)
                return wrong_type(p, "null");
        return value_done(p); /* Go leaves the field unset */
}

static int on_boolean(void *ctx, int value)
{
        struct parser *p = ctx;
        const struct json_strict_slot *s = current(p);

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

static int on_base64(struct parser *p, const struct json_strict_slot *s, const unsigned char *text,
                     size_t len)
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
        const struct json_strict_slot *slot = current(p);
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
        const struct json_strict_slot *s = current(p);

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
        const struct json_strict_slot *s = current(p);
        struct json_strict_slot item = *s;

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

        return json_strict_pop(&p->js);
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
        p->js.stack[p->js.depth - 1].slot =
                (struct json_strict_slot){AJ_LABEL_VALUE, AJ_NODE_SKIP, 0, AJ_NO_FLAG};
        return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
        struct parser *p = ctx;
        struct json_strict_frame *f = &p->js.stack[p->js.depth - 1];
        const struct aj_field *fd;

        if (!json_strict_key(&p->js, key, len, node_fields((enum aj_node)f->node), sizeof(*fd),
                             "dockerd", (const void **)&fd))
                return 0;
        if (f->node == AJ_NODE_LABELS)
                return label_key(p, key, len);
        if (fd != NULL)
                f->slot = (struct json_strict_slot){fd->kind, fd->child, fd->offset, fd->flag};
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
        struct parser p = {.base = base, .strings = strings, .used = used, .body = body};

        if (json_strict_check(text, len, max, err) < 0)
                return -1;
        p.size = len + 1;
        if ((*strings = malloc(p.size)) == NULL)
                return eg_error_set(err, 0, "out of memory");
        p.js = (struct json_strict){.err = err,
                                    .stack = p.stack,
                                    .max_depth = AUTHZ_DEPTH_MAX,
                                    .top = {AJ_OBJECT, top, 0, AJ_NO_FLAG}};
        return json_strict_run(&p.js, &callbacks, &p, text, len);
}
