/* The image readers on the same input: index / manifest list, manifest,
 * docker save's manifest.json, image config (and the spec made of it), and
 * config.User against the input split into passwd and group halves. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/image_config.h"
#include "../../oci/image_manifest.h"
#include "fuzz.h"

static void user(const char *text, size_t size)
{
        const char *nl = memchr(text, '\n', size);
        char name[64];
        size_t n = nl ? (size_t)(nl - text) : size;
        struct image_user u;
        struct eg_error err;

        if (n >= sizeof(name))
                n = sizeof(name) - 1;
        memcpy(name, text, n);
        name[n] = '\0';
        if (image_user_resolve(name, text, size / 2, text + size / 2, size - size / 2, &u, &err) <
                    0 &&
            err.msg[0] == '\0')
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *text = (const char *)data;
        struct image_index ix;
        struct image_manifest m;
        struct archive_manifest am;
        struct image_config c;
        struct image_user root = {0};
        struct spec s;
        struct eg_error err;

        if (image_index_parse(text, size, &ix, &err) < 0 && err.msg[0] == '\0')
                abort(); /* a refusal always says why */
        image_index_free(&ix);
        if (image_manifest_parse(text, size, &m, &err) < 0 && err.msg[0] == '\0')
                abort();
        image_manifest_free(&m);
        if (archive_manifest_parse(text, size, &am, &err) < 0 && err.msg[0] == '\0')
                abort();
        archive_manifest_free(&am);
        (void)image_document_kind(text, size);
        if (image_config_parse(text, size, &c, &err) == 0 &&
            image_config_spec(&c, &root, &s, &err) == 0) {
                if (s.args.len == 0 || s.strings_used > s.strings_size)
                        abort();
                spec_free(&s);
        }
        image_config_free(&c);
        user(text, size);
        return 0;
}
