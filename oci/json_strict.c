#include "json_strict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gofold.h"
#include "json_prescan.h"
#include "json_syntax.h"
#include "yajl_cleanup.h"

/* A key as it may appear in a message: control characters and quotes
 * replaced, cut short at a character boundary.  key holds the first
 * JSON_STRICT_KEY_SHOWN bytes of a key of len. */
static void shown_key(const unsigned char *key, size_t len, char *out)
{
        size_t o = 0;

        for (size_t i = 0; i < len && i < JSON_STRICT_KEY_SHOWN && o + 4 < JSON_STRICT_KEY_SHOWN;
             i++) {
                unsigned char c = key[i];
                if ((c & 0xc0) == 0x80 && o == 0)
                        continue;
                out[o++] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?' : (char)c;
        }
        while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0xc0)
                o--; /* a lead byte whose continuation was cut */
        if (o < len && o + 4 <= JSON_STRICT_KEY_SHOWN)
                memcpy(out + o, "...", 3), o += 3;
        out[o] = '\0';
}

/* "linux.resources.devices[2].major": where the parser is. */
static void path_of(const struct json_strict *js, char *out, size_t size)
{
        size_t o = 0;

        out[0] = '\0';
        for (size_t i = 0; i < js->depth && o < size; i++) {
                const struct json_strict_frame *f = &js->stack[i];
                char key[JSON_STRICT_KEY_SHOWN];
                int n = 0;

                if (f->is_array) {
                        n = snprintf(out + o, size - o, "[%zu]", f->index);
                } else if (f->key_len > 0) {
                        shown_key(f->key, f->key_len, key);
                        n = snprintf(out + o, size - o, "%s%s", o ? "." : "", key);
                }
                if (n < 0)
                        break;
                o += (size_t)n;
        }
        if (o == 0)
                snprintf(out, size, "the document");
}

int json_strict_fail(struct json_strict *js, const char *fmt, ...)
{
        char what[512], where[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        path_of(js, where, sizeof(where));
        eg_error_set(js->err, 0, "%s: %s (byte %zu)", where, what,
                     js->handle ? yajl_get_bytes_consumed(js->handle) : 0);
        js->failed = true;
        return 0; /* 0 cancels the yajl parse */
}

static const char *field_name(const void *fields, size_t stride, size_t i)
{
        const char *const *name = (const void *)((const char *)fields + i * stride);
        return *name;
}

int json_strict_key(struct json_strict *js, const unsigned char *key, size_t len,
                    const void *fields, size_t stride, const char *reader, const void **match)
{
        struct json_strict_frame *f = &js->stack[js->depth - 1];
        const char *name;
        int dup;

        *match = NULL;
        memcpy(f->key, key, len < JSON_STRICT_KEY_SHOWN ? len : JSON_STRICT_KEY_SHOWN);
        f->key_len = len;
        dup = spec_keyset_add(&js->keys, f->map_id, (const char *)key, len);
        if (dup < 0)
                return json_strict_fail(js, "out of memory");
        if (dup > 0)
                return json_strict_fail(js, reader ? "duplicate key (Go would keep the last one)"
                                                   : "duplicate key");
        if (fields == NULL)
                return 1;
        for (size_t i = 0; (name = field_name(fields, stride, i)) != NULL; i++) {
                if (strlen(name) == len && memcmp(name, key, len) == 0) {
                        *match = (const char *)fields + i * stride;
                        return 1;
                }
        }
        for (size_t i = 0; (name = field_name(fields, stride, i)) != NULL; i++)
                if (gofold_equal((const char *)key, len, name))
                        return json_strict_fail(
                                js, "key that %s (Go's case-insensitive match) reads as \"%s\"",
                                reader, name);
        return 1;
}

int json_strict_check(const char *text, size_t len, size_t max, struct eg_error *err)
{
        if (len > max)
                return eg_error_set(err, 0, "%zu bytes, over the %zu-byte limit", len, max);
        return json_prescan(text, len, err);
}

int json_strict_run(struct json_strict *js, const yajl_callbacks *callbacks, void *ctx,
                    const char *text, size_t len)
{
        cleanup_yajl_handle yajl_handle h = yajl_alloc(callbacks, NULL, ctx);
        char what[256], where[256];
        yajl_status st;
        bool at_end = false;
        int ret = 0;

        if (h == NULL) {
                spec_keyset_free(&js->keys);
                return eg_error_set(js->err, 0, "out of memory");
        }
        js->handle = h;
        st = yajl_parse(h, (const unsigned char *)text, len);
        if (st == yajl_status_ok) {
                st = yajl_complete_parse(h);
                /* yajl counts bytes per call: a fault found at completion
                 * is at the end of the text */
                at_end = st != yajl_status_ok;
        }
        if (js->failed) {
                ret = -1;
        } else if (st != yajl_status_ok) {
                size_t at = json_syntax_error(h, text, len, at_end, what, sizeof(what));
                path_of(js, where, sizeof(where));
                ret = eg_error_set(js->err, 0, "%s: invalid JSON: %s (byte %zu)", where, what, at);
        }
        js->handle = NULL;
        spec_keyset_free(&js->keys);
        return ret;
}
