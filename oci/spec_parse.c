/* The yajl callback pass behind spec_parse: a stack of open containers,
 * each knowing which typed slot its values land in. */
#include "spec.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_strict.h"

enum node {
        NODE_SKIP, /* a subtree nothing is read from */
        NODE_TOP,
        NODE_PROCESS,
        NODE_CAPS,
        NODE_ROOT,
        NODE_ANNOTATIONS,
        NODE_LINUX,
        NODE_SECCOMP,
        NODE_WINDOWS,
        NODE_RESOURCES,
        NODE_MOUNT,       /* an element of mounts */
        NODE_DEVICE_RULE, /* an element of linux.resources.devices */
        NODE_DEVICE,      /* an element of linux.devices */
        NODE_SYSCALL,     /* an element of linux.seccomp.syscalls */
        NODE_HOOKS,
        NODE_HOOK, /* an element of a hooks list: NODE_HOOK + its spec_hook_kind */
        NODE_HOOK_LAST = NODE_HOOK + SPEC_HOOK_KINDS - 1,
        NODE_STRINGS,
        NODE_USER,
        NODE_NAMESPACE, /* an element of linux.namespaces */
};

enum slot_kind {
        SLOT_ANY,         /* not read: any value */
        SLOT_OBJECT,      /* struct field: object or null */
        SLOT_OBJECT_ITEM, /* element of an array of structs: object */
        SLOT_STRING,      /* string or null */
        SLOT_BOOL,        /* true, false or null */
        SLOT_INT,         /* a whole number or null: a struct spec_int */
        SLOT_STRINGS,     /* array of strings, or null */
        SLOT_STRINGS_ITEM,
        SLOT_OBJECTS,          /* array of objects, or null */
        SLOT_ANNOTATION_VALUE, /* map[string]string value: string */
        SLOT_INTS,             /* array of whole numbers, or null: a struct spec_ints */
        SLOT_INTS_ITEM,
};

#define NO_FLAG ((size_t)-1)

/* A field of a struct node: where its value goes.  `offset` is into struct
 * spec, or into the current element for the fields of an array element
 * (see element_array); for objects it names the
 * has_ flag. */
struct field {
        const char *name;
        enum slot_kind kind;
        enum node child;
        size_t offset;
};

#define SPEC_AT(member)  offsetof(struct spec, member)
#define MOUNT_AT(member) offsetof(struct spec_mount, member)
#define RULE_AT(member)  offsetof(struct spec_device_rule, member)
#define DEV_AT(member)   offsetof(struct spec_device, member)
#define NS_AT(member)    offsetof(struct spec_namespace, member)
#define HOOK_AT(member)  offsetof(struct spec_hook, member)

static const struct field top_fields[] = {
        {"process", SLOT_OBJECT, NODE_PROCESS, SPEC_AT(has_process)},
        {"root", SLOT_OBJECT, NODE_ROOT, SPEC_AT(has_root)},
        {"annotations", SLOT_OBJECT, NODE_ANNOTATIONS, NO_FLAG},
        {"linux", SLOT_OBJECT, NODE_LINUX, SPEC_AT(has_linux)},
        {"windows", SLOT_OBJECT, NODE_WINDOWS, SPEC_AT(has_windows)},
        {"mounts", SLOT_OBJECTS, NODE_MOUNT, NO_FLAG},
        {"hooks", SLOT_OBJECT, NODE_HOOKS, SPEC_AT(has_hooks)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
/* the keys are spec_hook_kind_name's; Go's struct tags in runtime-spec */
static const struct field hooks_fields[] = {
        {"prestart", SLOT_OBJECTS, NODE_HOOK + SPEC_HOOK_PRESTART, NO_FLAG},
        {"createRuntime", SLOT_OBJECTS, NODE_HOOK + SPEC_HOOK_CREATE_RUNTIME, NO_FLAG},
        {"createContainer", SLOT_OBJECTS, NODE_HOOK + SPEC_HOOK_CREATE_CONTAINER, NO_FLAG},
        {"startContainer", SLOT_OBJECTS, NODE_HOOK + SPEC_HOOK_START_CONTAINER, NO_FLAG},
        {"poststart", SLOT_OBJECTS, NODE_HOOK + SPEC_HOOK_POSTSTART, NO_FLAG},
        {"poststop", SLOT_OBJECTS, NODE_HOOK + SPEC_HOOK_POSTSTOP, NO_FLAG},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field hook_fields[] = {
        {"path", SLOT_STRING, NODE_SKIP, HOOK_AT(path)},
        {"args", SLOT_STRINGS, NODE_STRINGS, HOOK_AT(args)},
        {"env", SLOT_STRINGS, NODE_STRINGS, HOOK_AT(env)},
        {"timeout", SLOT_INT, NODE_SKIP, HOOK_AT(timeout)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field syscall_fields[] = {
        {"action", SLOT_STRING, NODE_SKIP, offsetof(struct spec_syscall, action)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field process_fields[] = {
        {"args", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(args)},
        {"env", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(env)},
        {"cwd", SLOT_STRING, NODE_SKIP, SPEC_AT(cwd)},
        {"capabilities", SLOT_OBJECT, NODE_CAPS, SPEC_AT(has_capabilities)},
        {"user", SLOT_OBJECT, NODE_USER, SPEC_AT(has_user)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field user_fields[] = {
        {"uid", SLOT_INT, NODE_SKIP, SPEC_AT(user_uid)},
        {"gid", SLOT_INT, NODE_SKIP, SPEC_AT(user_gid)},
        {"additionalGids", SLOT_INTS, NODE_SKIP, SPEC_AT(user_additional_gids)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field caps_fields[] = {
        {"bounding", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(caps[SPEC_CAP_BOUNDING])},
        {"effective", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(caps[SPEC_CAP_EFFECTIVE])},
        {"inheritable", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(caps[SPEC_CAP_INHERITABLE])},
        {"permitted", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(caps[SPEC_CAP_PERMITTED])},
        {"ambient", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(caps[SPEC_CAP_AMBIENT])},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field root_fields[] = {
        {"path", SLOT_STRING, NODE_SKIP, SPEC_AT(root_path)},
        {"readonly", SLOT_BOOL, NODE_SKIP, SPEC_AT(root_readonly)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field linux_fields[] = {
        {"seccomp", SLOT_OBJECT, NODE_SECCOMP, SPEC_AT(has_seccomp)},
        {"maskedPaths", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(masked_paths)},
        {"readonlyPaths", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(readonly_paths)},
        {"resources", SLOT_OBJECT, NODE_RESOURCES, NO_FLAG},
        {"devices", SLOT_OBJECTS, NODE_DEVICE, NO_FLAG},
        {"namespaces", SLOT_OBJECTS, NODE_NAMESPACE, NO_FLAG},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field resources_fields[] = {
        {"devices", SLOT_OBJECTS, NODE_DEVICE_RULE, NO_FLAG},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field device_rule_fields[] = {
        {"allow", SLOT_BOOL, NODE_SKIP, RULE_AT(allow)},
        {"type", SLOT_STRING, NODE_SKIP, RULE_AT(type)},
        {"major", SLOT_INT, NODE_SKIP, RULE_AT(major)},
        {"minor", SLOT_INT, NODE_SKIP, RULE_AT(minor)},
        {"access", SLOT_STRING, NODE_SKIP, RULE_AT(access)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field device_fields[] = {
        {"path", SLOT_STRING, NODE_SKIP, DEV_AT(path)},
        {"type", SLOT_STRING, NODE_SKIP, DEV_AT(type)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field namespace_fields[] = {
        {"type", SLOT_STRING, NODE_SKIP, NS_AT(type)},
        {"path", SLOT_STRING, NODE_SKIP, NS_AT(path)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field seccomp_fields[] = {
        {"defaultAction", SLOT_STRING, NODE_SKIP, SPEC_AT(seccomp_default_action)},
        {"architectures", SLOT_STRINGS, NODE_STRINGS, SPEC_AT(seccomp_architectures)},
        {"syscalls", SLOT_OBJECTS, NODE_SYSCALL, NO_FLAG},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field windows_fields[] = {
        {"hyperv", SLOT_OBJECT, NODE_SKIP, SPEC_AT(has_hyperv)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};
static const struct field mount_fields[] = {
        {"destination", SLOT_STRING, NODE_SKIP, MOUNT_AT(destination)},
        {"source", SLOT_STRING, NODE_SKIP, MOUNT_AT(source)},
        {"type", SLOT_STRING, NODE_SKIP, MOUNT_AT(type)},
        {"options", SLOT_STRINGS, NODE_STRINGS, MOUNT_AT(options)},
        {NULL, SLOT_ANY, NODE_SKIP, 0},
};

static const struct field *node_fields(enum node n)
{
        switch (n) {
        case NODE_TOP:
                return top_fields;
        case NODE_PROCESS:
                return process_fields;
        case NODE_CAPS:
                return caps_fields;
        case NODE_USER:
                return user_fields;
        case NODE_NAMESPACE:
                return namespace_fields;
        case NODE_ROOT:
                return root_fields;
        case NODE_LINUX:
                return linux_fields;
        case NODE_SECCOMP:
                return seccomp_fields;
        case NODE_WINDOWS:
                return windows_fields;
        case NODE_RESOURCES:
                return resources_fields;
        case NODE_MOUNT:
                return mount_fields;
        case NODE_DEVICE_RULE:
                return device_rule_fields;
        case NODE_DEVICE:
                return device_fields;
        case NODE_SYSCALL:
                return syscall_fields;
        case NODE_HOOKS:
                return hooks_fields;
        case NODE_SKIP:
        case NODE_ANNOTATIONS:
        case NODE_STRINGS:
                break;
        default:
                if (n >= NODE_HOOK && n <= NODE_HOOK_LAST)
                        return hook_fields;
                break;
        }
        return NULL;
}

/* Slots are json_strict_slots: kind a slot_kind, child a node, aux the
 * array element node whose struct offset is into (NODE_TOP: struct spec). */
struct parser {
        struct json_strict js;
        struct spec *spec;
        struct json_strict_frame stack[SPEC_DEPTH_MAX + 1];
};

static const struct json_strict_slot top_slot = {SLOT_OBJECT, NODE_TOP, NO_FLAG, NODE_TOP};
static const struct json_strict_slot any_slot = {SLOT_ANY, NODE_SKIP, 0, NODE_TOP};

#define fail(p, ...) json_strict_fail(&(p)->js, __VA_ARGS__)

static const char *kind_expected(enum slot_kind k)
{
        switch (k) {
        case SLOT_OBJECT:
        case SLOT_OBJECT_ITEM:
                return "an object";
        case SLOT_STRING:
        case SLOT_STRINGS_ITEM:
        case SLOT_ANNOTATION_VALUE:
                return "a string";
        case SLOT_BOOL:
                return "true or false";
        case SLOT_INT:
        case SLOT_INTS_ITEM:
                return "a whole number";
        case SLOT_INTS:
                return "an array of whole numbers";
        case SLOT_STRINGS:
                return "an array of strings";
        case SLOT_OBJECTS:
                return "an array of objects";
        case SLOT_ANY:
                break;
        }
        return "anything";
}

static int wrong_type(struct parser *p, const struct json_strict_slot *s, const char *got)
{
        return fail(p, "%s where %s is expected", got, kind_expected((enum slot_kind)s->kind));
}

/* ---- the stack ---- */

static const struct json_strict_slot *current_slot(const struct parser *p)
{
        return json_strict_current(&p->js);
}

static int value_done(struct parser *p)
{
        return json_strict_value_done(&p->js);
}

static int push(struct parser *p, enum node node, bool is_array, struct json_strict_slot slot)
{
        return json_strict_push(&p->js, (int)node, is_array, slot);
}

/* Where the structs of an array-element node live: mounts, device rules,
 * devices.  False for any other node. */
static bool element_array(struct spec *spec, enum node node, void ***items, size_t **len,
                          size_t *size)
{
        switch (node) {
        case NODE_MOUNT:
                *items = (void **)&spec->mounts, *len = &spec->n_mounts;
                *size = sizeof(*spec->mounts);
                return true;
        case NODE_DEVICE_RULE:
                *items = (void **)&spec->device_rules, *len = &spec->n_device_rules;
                *size = sizeof(*spec->device_rules);
                return true;
        case NODE_DEVICE:
                *items = (void **)&spec->devices, *len = &spec->n_devices;
                *size = sizeof(*spec->devices);
                return true;
        case NODE_NAMESPACE:
                *items = (void **)&spec->namespaces, *len = &spec->n_namespaces;
                *size = sizeof(*spec->namespaces);
                return true;
        case NODE_SYSCALL:
                *items = (void **)&spec->seccomp_syscalls, *len = &spec->n_seccomp_syscalls;
                *size = sizeof(*spec->seccomp_syscalls);
                return true;
        default:
                if (node < NODE_HOOK || node > NODE_HOOK_LAST)
                        return false;
                *items = (void **)&spec->hooks[node - NODE_HOOK].items;
                *len = &spec->hooks[node - NODE_HOOK].len;
                *size = sizeof(struct spec_hook);
                return true;
        }
}

static void *slot_target(struct parser *p, const struct json_strict_slot *s)
{
        void **items;
        size_t *len, size;
        char *base = (char *)p->spec;

        if (element_array(p->spec, (enum node)s->aux, &items, &len, &size))
                base = (char *)*items + (*len - 1) * size;
        return base + s->offset;
}

/* ---- storage ---- */

static size_t pow2_ceil(size_t n)
{
        size_t c = 1;

        while (c < n)
                c <<= 1;
        return c;
}

/* Room for len + extra elements; capacities are powers of two, so len
 * alone says when the array is full. */
static int grow(struct parser *p, void **items, size_t len, size_t elem, size_t extra)
{
        size_t need = len + extra;
        void *n;

        if (*items != NULL && pow2_ceil(need) == pow2_ceil(need - 1))
                return 1;
        n = realloc(*items, pow2_ceil(need) * elem);
        if (n == NULL)
                return fail(p, "out of memory");
        *items = n;
        return 1;
}

static char *copy_string(struct parser *p, const unsigned char *s, size_t len)
{
        char *c;

        if (memchr(s, '\0', len) != NULL) {
                fail(p, "a string holding NUL (\\u0000)");
                return NULL;
        }
        if (len + 1 > p->spec->strings_size - p->spec->strings_used) {
                fail(p, "strings longer than the document (%zu bytes)", p->spec->strings_size);
                return NULL;
        }
        c = p->spec->strings + p->spec->strings_used;
        p->spec->strings_used += len + 1;
        memcpy(c, s, len);
        c[len] = '\0';
        return c;
}

static int append_string(struct parser *p, struct spec_strv *v, const unsigned char *s, size_t len)
{
        char *c = copy_string(p, s, len);

        if (c == NULL || !grow(p, (void **)&v->items, v->len, sizeof(char *), 2))
                return 0;
        v->items[v->len++] = c;
        v->items[v->len] = NULL;
        return 1;
}

/* ---- yajl callbacks ---- */

static int on_null(void *ctx)
{
        struct parser *p = ctx;
        const struct json_strict_slot *s = current_slot(p);

        if (p->js.depth == 0)
                return fail(p, "null where an object is expected");
        switch (s->kind) {
        case SLOT_OBJECT_ITEM:
        case SLOT_STRINGS_ITEM:
        case SLOT_INTS_ITEM: /* Go would append a 0: gid 0 from a null */
        case SLOT_ANNOTATION_VALUE:
                return wrong_type(p, s, "null");
        default:
                /* Go leaves the field unset: absent, as here */
                return value_done(p);
        }
}

static int on_boolean(void *ctx, int value)
{
        struct parser *p = ctx;
        const struct json_strict_slot *s = current_slot(p);

        if (s->kind == SLOT_BOOL)
                *(bool *)slot_target(p, s) = value != 0;
        else if (s->kind != SLOT_ANY)
                return wrong_type(p, s, "a boolean");
        return value_done(p);
}

/* A JSON integer Go's int64 takes: digits only, in range. */
static bool whole_number(const char *text, size_t len, long long *out)
{
        char buf[32], *end;

        if (len == 0 || len >= sizeof(buf) || memchr(text, '.', len) || memchr(text, 'e', len) ||
            memchr(text, 'E', len))
                return false;
        memcpy(buf, text, len);
        buf[len] = '\0';
        errno = 0;
        *out = strtoll(buf, &end, 10);
        return errno == 0 && *end == '\0';
}

static int on_number(void *ctx, const char *text, size_t len)
{
        struct parser *p = ctx;
        const struct json_strict_slot *s = current_slot(p);
        long long n;

        if (s->kind == SLOT_INT || s->kind == SLOT_INTS_ITEM) {
                if (!whole_number(text, len, &n))
                        return fail(p, "%.*s where a whole number is expected",
                                    (int)(len < 32 ? len : 32), text);
                if (s->kind == SLOT_INTS_ITEM) {
                        struct spec_ints *v = slot_target(p, s);
                        if (!grow(p, (void **)&v->items, v->len, sizeof(*v->items), 1))
                                return 0;
                        v->items[v->len++] = n;
                        return value_done(p);
                }
                struct spec_int *target = slot_target(p, s);
                target->present = true;
                target->value = n;
        } else if (s->kind != SLOT_ANY) {
                return wrong_type(p, s, "a number");
        }
        return value_done(p);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
        struct parser *p = ctx;
        const struct json_strict_slot *slot = current_slot(p);
        struct spec *spec = p->spec;
        char **target;

        switch (slot->kind) {
        case SLOT_ANY:
                break;
        case SLOT_STRING:
                target = slot_target(p, slot);
                if ((*target = copy_string(p, s, len)) == NULL)
                        return 0;
                break;
        case SLOT_STRINGS_ITEM:
                if (!append_string(p, slot_target(p, slot), s, len))
                        return 0;
                break;
        case SLOT_ANNOTATION_VALUE:
                target = &spec->annotations[spec->n_annotations - 1].value;
                if ((*target = copy_string(p, s, len)) == NULL)
                        return 0;
                break;
        default:
                return wrong_type(p, slot, "a string");
        }
        return value_done(p);
}

/* Appends a zeroed element to the array of `node`'s structs. */
static int new_element(struct parser *p, enum node node)
{
        void **items;
        size_t *len, size;

        if (!element_array(p->spec, node, &items, &len, &size))
                return fail(p, "internal error: no array for this element");
        if (!grow(p, items, *len, size, 1))
                return 0;
        memset((char *)*items + *len * size, 0, size);
        (*len)++;
        return 1;
}

static int on_start_map(void *ctx)
{
        struct parser *p = ctx;
        const struct json_strict_slot *s = current_slot(p);

        switch (s->kind) {
        case SLOT_ANY:
                return push(p, NODE_SKIP, false, any_slot);
        case SLOT_OBJECT:
                if (s->offset != NO_FLAG)
                        *(bool *)slot_target(p, s) = true;
                return push(p, s->child, false, any_slot);
        case SLOT_OBJECT_ITEM:
                if (!new_element(p, s->child))
                        return 0;
                return push(p, s->child, false, any_slot);
        default:
                return wrong_type(p, s, "an object");
        }
}

static int on_start_array(void *ctx)
{
        struct parser *p = ctx;
        const struct json_strict_slot *s = current_slot(p);
        struct json_strict_slot item = *s;

        switch (s->kind) {
        case SLOT_ANY:
                return push(p, NODE_SKIP, true, any_slot);
        case SLOT_STRINGS:
                ((struct spec_strv *)slot_target(p, s))->present = true;
                item.kind = SLOT_STRINGS_ITEM;
                return push(p, NODE_STRINGS, true, item);
        case SLOT_OBJECTS:
                item.kind = SLOT_OBJECT_ITEM;
                return push(p, NODE_SKIP, true, item);
        case SLOT_INTS:
                ((struct spec_ints *)slot_target(p, s))->present = true;
                item.kind = SLOT_INTS_ITEM;
                return push(p, NODE_SKIP, true, item);
        default:
                return wrong_type(p, s, "an array");
        }
}

static int on_end_container(void *ctx)
{
        struct parser *p = ctx;

        return json_strict_pop(&p->js);
}

static int annotation_key(struct parser *p, const unsigned char *key, size_t len)
{
        struct spec *spec = p->spec;
        char *k = copy_string(p, key, len);

        if (k == NULL || !grow(p, (void **)&spec->annotations, spec->n_annotations,
                               sizeof(*spec->annotations), 1))
                return 0;
        spec->annotations[spec->n_annotations++] = (struct spec_annotation){k, NULL};
        p->js.stack[p->js.depth - 1].slot =
                (struct json_strict_slot){SLOT_ANNOTATION_VALUE, NODE_SKIP, 0, NODE_TOP};
        return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
        struct parser *p = ctx;
        struct json_strict_frame *f = &p->js.stack[p->js.depth - 1];
        const struct field *fd;
        void **items;
        size_t *n, size;

        if (!json_strict_key(&p->js, key, len, node_fields((enum node)f->node), sizeof(*fd), "runc",
                             (const void **)&fd))
                return 0;
        if (f->node == NODE_ANNOTATIONS)
                return annotation_key(p, key, len);
        if (fd != NULL)
                f->slot = (struct json_strict_slot){
                        fd->kind, fd->child, fd->offset,
                        element_array(p->spec, (enum node)f->node, &items, &n, &size)
                                ? (size_t)f->node
                                : NODE_TOP};
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

int spec_parse(const char *text, size_t len, struct spec *out, struct eg_error *err)
{
        struct parser p = {.spec = out};

        memset(out, 0, sizeof(*out));
        if (json_strict_check(text, len, SPEC_SIZE_MAX, err) < 0)
                return -1;
        out->strings_size = len + 1;
        out->strings = malloc(out->strings_size);
        if (out->strings == NULL)
                return eg_error_set(err, 0, "out of memory");
        p.js = (struct json_strict){
                .err = err, .stack = p.stack, .max_depth = SPEC_DEPTH_MAX, .top = top_slot};
        return json_strict_run(&p.js, &callbacks, &p, text, len);
}
