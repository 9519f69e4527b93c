#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/cleanup.h"
#include "../oci/rfc3339.h"
#include "../oci/str.h"
#include "../oci/utf8.h"
#include "../oci/yajl_cleanup.h"
#include "describe.h"

/* The generator state a record is written through; the first failure
 * sticks and the rest of the calls do nothing. */
struct gen {
        yajl_gen g;
        bool failed;
};

static void check(struct gen *o, yajl_gen_status st)
{
        if (st != yajl_gen_status_ok)
                o->failed = true;
}

/* Every string of the record, hostile names included: control
 * characters shown escaped (not only JSON-escaped, which a reader such as
 * `jq -r` turns back into a raw CR or escape sequence). */
static void str(struct gen *o, const char *s)
{
        size_t len;

        if (s == NULL) {
                check(o, yajl_gen_null(o->g));
                return;
        }
        len = strlen(s);
        if (!utf8_needs_cleaning(s)) {
                check(o, yajl_gen_string(o->g, (const unsigned char *)s, len));
        } else {
                cleanup_free char *clean = malloc(len * 6 + 1);
                if (clean == NULL) {
                        o->failed = true;
                        return;
                }
                utf8_sanitize_visible(s, clean, len * 6 + 1);
                check(o, yajl_gen_string(o->g, (const unsigned char *)clean, strlen(clean)));
        }
}

static void key(struct gen *o, const char *k)
{
        str(o, k);
}

static void kv(struct gen *o, const char *k, const char *v)
{
        key(o, k);
        str(o, v);
}

/* A string that is left out when empty. */
static void kv_nonempty(struct gen *o, const char *k, const char *v)
{
        if (v != NULL && v[0] != '\0')
                kv(o, k, v);
}

static void kv_bool(struct gen *o, const char *k, bool v)
{
        key(o, k);
        check(o, yajl_gen_bool(o->g, v));
}

static void kv_int(struct gen *o, const char *k, long long v)
{
        key(o, k);
        check(o, yajl_gen_integer(o->g, v));
}

static void open_map(struct gen *o)
{
        check(o, yajl_gen_map_open(o->g));
}

static void close_map(struct gen *o)
{
        check(o, yajl_gen_map_close(o->g));
}

static void platform_fields(struct gen *o, const struct platform *p)
{
        kv(o, "os", p->os);
        kv(o, "arch", p->arch);
        kv(o, "variant", p->variant);
}

static void host_object(struct gen *o, const struct host_facts *h)
{
        key(o, "host");
        if (h == NULL) {
                check(o, yajl_gen_null(o->g));
                return;
        }
        open_map(o);
        platform_fields(o, &h->platform);
        kv_nonempty(o, "os_version", h->platform.os_version);
        kv_nonempty(o, "machine", h->machine);
        if (strcmp(h->platform.arch, "amd64") == 0)
                kv(o, "level_source", h->level_source ? h->level_source : "not measured");
        if (h->userland.arch[0]) {
                key(o, "userland");
                open_map(o);
                platform_fields(o, &h->userland);
                kv(o, "source", h->userland_source);
                close_map(o);
        } else if (h->userland_source[0]) {
                kv(o, "userland_problem", h->userland_source);
        }
        if (h->aarch32 != HOST_AARCH32_NOT_ARM64)
                kv(o, "aarch32", host_aarch32_name(h->aarch32));
        if (h->ia32 != HOST_IA32_NOT_AMD64)
                kv(o, "ia32", host_ia32_name(h->ia32));
        if (h->simulated)
                kv_bool(o, "simulated", true);
        close_map(o);
}

static void declared_object(struct gen *o, const struct bundle_facts *f)
{
        key(o, "declared");
        if (f == NULL || (!f->has_declared && !f->declared_problem[0])) {
                check(o, yajl_gen_null(o->g));
                return;
        }
        open_map(o);
        if (f->has_declared) {
                platform_fields(o, &f->declared);
                kv_nonempty(o, "os_version", f->declared.os_version);
                kv(o, "source", f->declared_source);
        }
        kv_nonempty(o, "problem", f->declared_problem);
        close_map(o);
}

static const char *interp_state_name(enum exe_interp i)
{
        switch (i) {
        case EXE_INTERP_OK:
                return "present";
        case EXE_INTERP_MISSING:
                return "missing";
        case EXE_INTERP_BAD:
                return "unusable";
        case EXE_INTERP_NONE:
                break;
        }
        return NULL;
}

/* One program's fields: the same for args[0] ("detected") and for each
 * program examined behind it. */
static void exe_fields(struct gen *o, const struct exe_facts *e, const struct spec_mount *mount,
                       const struct spec_mount *interp_mount)
{
        char format[256];

        describe_format(e, format, sizeof(format));
        platform_fields(o, &e->platform);
        kv_nonempty(o, "file", e->file);
        if (e->resolved[0] && strcmp(e->resolved, e->file) != 0)
                kv(o, "resolved", e->resolved);
        kv(o, "format", e->kind == EXE_UNIDENTIFIED ? NULL : exe_kind_name(e->kind));
        kv_nonempty(o, "how", format);
        if (e->kind == EXE_ELF && e->elf.level_source)
                kv(o, "level_source", e->elf.level_source);
        if (e->n_scripts > 0) {
                key(o, "scripts");
                check(o, yajl_gen_array_open(o->g));
                for (size_t i = 0; i < e->n_scripts; i++)
                        str(o, e->scripts[i]);
                check(o, yajl_gen_array_close(o->g));
        }
        if (e->crlf)
                kv_bool(o, "crlf", true);
        if (mount)
                kv(o, "under_mount", mount->destination);
        if (e->interp != EXE_INTERP_NONE) {
                key(o, "interpreter");
                open_map(o);
                kv(o, "path", e->interp_path);
                if (e->kind == EXE_ELF)
                        kv_bool(o, "found", e->interp_found);
                kv(o, "state", interp_state_name(e->interp));
                if (e->kind == EXE_ELF && e->elf.interp_x86_isa_needed)
                        kv_int(o, "x86_isa_needed", e->elf.interp_x86_isa_needed);
                if (e->interp_elf.platform.arch[0])
                        platform_fields(o, &e->interp_elf.platform);
                if (interp_mount)
                        kv(o, "under_mount", interp_mount->destination);
                kv_nonempty(o, "problem", e->interp_problem);
                close_map(o);
        }
        kv_nonempty(o, "problem", e->reason);
}

static void detected_object(struct gen *o, const struct bundle_facts *f)
{
        key(o, "detected");
        if (f == NULL || !f->exe_checked) {
                check(o, yajl_gen_null(o->g));
                return;
        }
        open_map(o);
        exe_fields(o, &f->exe, f->exe_mount, f->interp_mount);
        close_map(o);
}

/* Every program examined, args[0] first, then what each wrapper runs;
 * absent when args[0] is no wrapper (detected is then the whole list: the
 * record is written on every create). */
static void examined_object(struct gen *o, const struct bundle_facts *f)
{
        if (f == NULL || !f->exe_checked || (f->n_behind == 0 && !f->behind_note[0]))
                return;
        key(o, "examined");
        check(o, yajl_gen_array_open(o->g));
        open_map(o);
        exe_fields(o, &f->exe, f->exe_mount, f->interp_mount);
        close_map(o);
        for (size_t i = 0; i < f->n_behind; i++) {
                open_map(o);
                kv(o, "via", f->behind[i].via);
                exe_fields(o, &f->behind[i].exe, f->behind[i].mount, f->behind[i].interp_mount);
                close_map(o);
        }
        check(o, yajl_gen_array_close(o->g));
        kv_nonempty(o, "examined_stop", f->behind_note);
}

/* Every hook, host or container, with the program it runs. */
static void hooks_array(struct gen *o, const struct bundle_facts *f)
{
        size_t kept;

        if (f == NULL || f->hooks.n == 0)
                return;
        kept = f->hooks.n < HOOKS_MAX ? f->hooks.n : HOOKS_MAX;
        key(o, "hooks");
        check(o, yajl_gen_array_open(o->g));
        for (size_t i = 0; i < kept; i++) {
                const struct hook_fact *h = &f->hooks.items[i];
                char platform[3 * PLATFORM_NAME_MAX] = "";
                open_map(o);
                kv(o, "kind", spec_hook_kind_name(h->kind));
                kv_int(o, "index", (long long)h->index);
                kv(o, "path", h->path);
                kv(o, "arg0", h->arg0);
                kv_nonempty(o, "program", h->program);
                if (!hooks_runs_on_host(h->kind) && h->platform.arch[0])
                        platform_format(&h->platform, platform, sizeof(platform));
                kv_nonempty(o, "platform", platform);
                kv_nonempty(o, "problem", h->reason);
                close_map(o);
        }
        check(o, yajl_gen_array_close(o->g));
        if (f->hooks.n > kept)
                kv_int(o, "hooks_total", (long long)f->hooks.n);
}

static void emulator_object(struct gen *o, const struct binfmt_entry *e)
{
        if (e == NULL)
                return;
        key(o, "emulator");
        open_map(o);
        kv(o, "name", e->name);
        kv(o, "interpreter", e->interpreter);
        kv(o, "flags", e->flags);
        close_map(o);
}

static void rules_object(struct gen *o, const struct decision *d)
{
        key(o, "rules");
        open_map(o);
        for (int r = 0; r < RULE_COUNT; r++) {
                const struct rule_result *res = &d->results[r];
                key(o, rule_name((enum rule)r));
                open_map(o);
                kv(o, "result", outcome_name(res->outcome));
                if (res->action != ACTION_NONE)
                        kv(o, "action", action_name(res->action));
                kv(o, "detail", res->detail);
                if (res->exception) {
                        kv(o, "exception", res->exception->reason);
                        if (res->exception->expires)
                                kv(o, "exception_expires", res->exception->expires_text);
                }
                if (res->expired) {
                        kv(o, "expired_exception", res->expired->reason);
                        kv(o, "expired_at", res->expired->expires_text);
                }
                close_map(o);
        }
        close_map(o);
}

static void policy_object(struct gen *o, const struct decision_input *in)
{
        key(o, "policy");
        open_map(o);
        kv(o, "source", in->policy->source);
        kv_nonempty(o, "sha256", in->policy->sha256);
        close_map(o);
}

static void engine_object(struct gen *o, const struct decision_context *ctx)
{
        if (ctx->engine == NULL)
                return;
        key(o, "engine");
        open_map(o);
        kv(o, "store", ctx->engine);
        kv(o, "status", ctx->engine_status);
        kv_nonempty(o, "detail", ctx->engine_detail);
        close_map(o);
}

static void time_field(struct gen *o, const char *k, struct timespec t, bool micro)
{
        char text[RFC3339_MAX];

        rfc3339_format(t, micro, text);
        kv(o, k, text);
}

static void seconds_field(struct gen *o, const char *k, time_t t)
{
        time_field(o, k, (struct timespec){.tv_sec = t}, false);
}

/* Left out for a refusal's first line: it is the record itself. */
static void repeat_object(struct gen *o, const struct repeat_note *r)
{
        if (r == NULL || (r->count <= 1 && r->previous_count == 0))
                return;
        key(o, "repeat");
        open_map(o);
        kv_int(o, "count", (long long)r->count);
        seconds_field(o, "since", r->first);
        kv_int(o, "unlogged", (long long)r->unlogged);
        if (r->previous_count) {
                key(o, "previous");
                open_map(o);
                kv_int(o, "count", (long long)r->previous_count);
                kv_int(o, "unlogged", (long long)r->previous_unlogged);
                seconds_field(o, "first", r->previous_first);
                seconds_field(o, "last", r->previous_last);
                close_map(o);
        }
        close_map(o);
}

int record_format(const struct decision_input *in, const struct decision *d,
                  const struct record_extra *x, char **out, size_t *len, struct eg_error *err)
{
        cleanup_yajl_gen yajl_gen g = yajl_gen_alloc(NULL);
        struct gen o = {.g = g};
        const unsigned char *buf;
        size_t n;

        if (g == NULL)
                return eg_error_set(err, ENOMEM, "allocating the JSON generator");
        open_map(&o);
        time_field(&o, "time", x->time, true);
        kv(&o, "decision", verdict_name(d->verdict));
        kv(&o, "rule", d->rule == RULE_COUNT ? NULL : rule_name(d->rule));
        kv(&o, "reason", d->reason);
        kv(&o, "verb", x->verb);
        kv(&o, "door", in->ctx.door ? in->ctx.door : "runtime");
        kv(&o, "id", in->ctx.id);
        kv(&o, "bundle", in->ctx.bundle);
        kv(&o, "name", str_nonempty(in->ctx.name));
        kv(&o, "image", str_nonempty(in->ctx.image));
        if (str_nonempty(in->ctx.image_id))
                kv(&o, "image_id", in->ctx.image_id);
        kv_nonempty(&o, "pod", in->ctx.pod);
        kv_nonempty(&o, "namespace", in->ctx.pod_namespace);
        engine_object(&o, &in->ctx);
        repeat_object(&o, x->repeat);
        host_object(&o, in->host);
        declared_object(&o, in->facts);
        detected_object(&o, in->facts);
        hooks_array(&o, in->facts);
        emulator_object(&o, d->emulator);
        rules_object(&o, d);
        policy_object(&o, in);
        if (x->runtime != NULL)
                kv(&o, "runtime", x->runtime);
        kv(&o, "edgeguard", x->version);
        if (x->duration_us >= 0)
                kv_int(&o, "duration_us", x->duration_us);
        examined_object(&o, in->facts);
        close_map(&o);
        if (o.failed || yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
                return eg_error_set(err, EINVAL, "generating the decision record");
        if ((*out = malloc(n + 2)) == NULL)
                return eg_error_set(err, ENOMEM, "allocating the decision record");
        memcpy(*out, buf, n);
        (*out)[n] = '\n';
        (*out)[n + 1] = '\0';
        *len = n + 1;
        return 0;
}
