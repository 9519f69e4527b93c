#include "podman_store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/cleanup.h"
#include "../oci/json_tree.h"
#include "../oci/str.h"
#include "../oci/whole_file.h"

bool podman_spec_is_libpod(const struct spec *s)
{
        const char *v = spec_annotation(s, "io.container.manager");

        return v != NULL && strcmp(v, "libpod") == 0;
}

/* "<dir>/<id>/userdata" -> "<dir>/containers.json"; false when the bundle
 * is not laid out so. */
static bool store_file(const char *bundle, const char *id, char *out, size_t size)
{
        size_t bl = strlen(bundle), il = strlen(id);
        const char *tail = "/userdata";
        size_t tl = strlen(tail);

        if (bl < il + tl + 2 || strcmp(bundle + bl - tl, tail) != 0 ||
            strncmp(bundle + bl - tl - il, id, il) != 0 || bundle[bl - tl - il - 1] != '/')
                return false;
        return snprintf(out, size, "%.*scontainers.json", (int)(bl - tl - il), bundle) < (int)size;
}

static const char *string_of(const struct json_value *v, const char *k)
{
        const struct json_value *m = json_get(v, k);

        return m != NULL && m->type == JSON_STRING ? m->text : NULL;
}

static void from_entry(const struct json_value *c, struct podman_facts *out)
{
        const struct json_value *names = json_get(c, "names");
        const char *metadata = string_of(c, "metadata"), *v;
        struct json_value meta = {0};
        struct eg_error err;

        if (names != NULL && names->type == JSON_ARRAY && names->len > 0 &&
            names->items[0].type == JSON_STRING)
                str_copy(out->name, sizeof(out->name), names->items[0].text);
        if ((v = string_of(c, "image")) != NULL)
                str_copy(out->image_id, sizeof(out->image_id), v);
        if (metadata != NULL &&
            json_parse(metadata, strlen(metadata), strlen(metadata), 4, &meta, &err) == 0 &&
            (v = string_of(&meta, "image-name")) != NULL)
                str_copy(out->image, sizeof(out->image), v);
        json_free(&meta);
}

void podman_store_read(const char *bundle_abs, const char *id, struct podman_facts *out)
{
        cleanup_free char *text = NULL;
        struct json_value all = {0};
        char path[PATH_MAX];
        struct eg_error err;
        struct stat st;
        size_t len;

        memset(out, 0, sizeof(*out));
        out->status = "absent";
        if (id == NULL || !store_file(bundle_abs, id, path, sizeof(path))) {
                snprintf(out->detail, sizeof(out->detail),
                         "the bundle is not <store>/<id>/userdata");
                return;
        }
        if (whole_file_read_at(AT_FDCWD, path, path, PODMAN_STORE_SIZE_MAX, &text, &len, &st,
                               &err) < 0) {
                out->status = err.errnum == ENOENT ? "absent" : "invalid";
                str_copy(out->detail, sizeof(out->detail), err.msg);
                return;
        }
        if (json_parse(text, len, PODMAN_STORE_SIZE_MAX, 8, &all, &err) < 0 ||
            all.type != JSON_ARRAY) {
                out->status = "invalid";
                snprintf(out->detail, sizeof(out->detail), "%.400s: not a JSON array", path);
                json_free(&all);
                return;
        }
        out->status = "not found";
        str_copy(out->detail, sizeof(out->detail), path);
        for (size_t i = 0; i < all.len; i++) {
                const char *cid = string_of(&all.items[i], "id");
                if (cid != NULL && strcmp(cid, id) == 0) {
                        from_entry(&all.items[i], out);
                        out->status = "read";
                        break;
                }
        }
        json_free(&all);
}
