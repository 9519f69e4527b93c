/* docker save's manifest.json (moby image/tarexport: manifestItem). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_manifest.h"
#include "json_tree.h"
#include "str.h"

/* A member name we will look up in the archive: relative, no "." or ".."
 * component, no empty one.  The archive index compares names exactly, so
 * a name that only resolves somewhere after cleaning is not one it has. */
static bool member_name_ok(const char *s)
{
        const char *c = s;

        if (s[0] == '\0' || s[0] == '/' || strlen(s) > 1024)
                return false;
        while (*c) {
                size_t n = strcspn(c, "/");
                if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                c += n;
                if (*c == '/')
                        c++;
                if (*c == '\0' && c[-1] == '/')
                        return false;
        }
        return true;
}

/* The digest a config's member name carries: "<hex>.json" (docker <= 24
 * names it by its id, the sha256 of its bytes) or "blobs/sha256/<hex>"
 * (docker >= 25, an OCI layout inside). */
static bool config_digest(const char *name, char out[IMAGE_DIGEST_SIZE])
{
        const char *hex = NULL;

        if (strlen(name) == 64 + 5 && strcmp(name + 64, ".json") == 0)
                hex = name;
        else if (strncmp(name, "blobs/sha256/", 13) == 0 && strlen(name) == 13 + 64)
                hex = name + 13;
        if (hex == NULL || !str_is_lower_hex(hex, 64))
                return false;
        snprintf(out, IMAGE_DIGEST_SIZE, "sha256:%.64s", hex);
        return true;
}

static int names(const struct json_value *obj, const char *key, const char *where, bool members,
                 size_t max, char ***out, size_t *n, struct eg_error *err)
{
        const struct json_value *items;
        size_t count;

        if (image_json_strings(obj, key, where, &items, &count, err) < 0)
                return -1;
        if (count > max)
                return eg_error_set(err, 0, "%s%s: %zu entries, more than %zu", where, key, count,
                                    max);
        if ((*out = calloc(count + 1, sizeof(**out))) == NULL)
                return eg_error_set(err, 12, "out of memory");
        for (size_t i = 0; i < count; i++) {
                if (members && !member_name_ok(items[i].text))
                        return eg_error_set(err, 0,
                                            "%s%s[%zu]: \"%.200s\" is not a plain member name",
                                            where, key, i, items[i].text);
                (*out)[i] = items[i].text; /* borrowed until archive_manifest_parse copies */
        }
        *n = count;
        return 0;
}

static char *dup_or_null(const char *s, bool *failed)
{
        char *d = strdup(s);
        if (d == NULL)
                *failed = true;
        return d;
}

/* Copies the borrowed strings, so that the tree can go. */
static int own_strings(struct archive_image *im, struct eg_error *err)
{
        bool failed = false;

        im->config = dup_or_null(im->config, &failed);
        for (size_t i = 0; i < im->n_tags; i++)
                im->repo_tags[i] = dup_or_null(im->repo_tags[i], &failed);
        for (size_t i = 0; i < im->n_layers; i++)
                im->layers[i] = dup_or_null(im->layers[i], &failed);
        return failed ? eg_error_set(err, 12, "out of memory") : 0;
}

static int image_item(const struct json_value *v, const char *where, struct archive_image *im,
                      struct eg_error *err)
{
        static const char *const keys[] = {"Config", "RepoTags", "Layers", NULL};
        const char *config;

        if (v->type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s %s where an object is expected", where,
                                    json_type_name(v->type));
        if (image_json_exact_keys(v, keys, where, err) < 0 ||
            image_json_string(v, "Config", where, &config, err) < 0)
                return -1;
        if (config == NULL || !member_name_ok(config) || !config_digest(config, im->config_digest))
                return eg_error_set(err, 0,
                                    "%sConfig: \"%.200s\" is not <64 hex>.json or "
                                    "blobs/sha256/<64 hex>",
                                    where, config ? config : "(missing)");
        im->config = (char *)config;
        if (names(v, "RepoTags", where, false, 4096, &im->repo_tags, &im->n_tags, err) < 0 ||
            names(v, "Layers", where, true, IMAGE_LAYERS_MAX, &im->layers, &im->n_layers, err) < 0)
                return -1;
        return 0;
}

static void image_free(struct archive_image *im, bool owned)
{
        if (owned) {
                free(im->config);
                for (size_t i = 0; i < im->n_tags; i++)
                        free(im->repo_tags[i]);
                for (size_t i = 0; i < im->n_layers; i++)
                        free(im->layers[i]);
        }
        free(im->repo_tags);
        free(im->layers);
        memset(im, 0, sizeof(*im));
}

int archive_manifest_parse(const char *text, size_t len, struct archive_manifest *out,
                           struct eg_error *err)
{
        struct json_value top;
        size_t owned = 0;
        int ret = -1;

        memset(out, 0, sizeof(*out));
        if (json_parse(text, len, IMAGE_MANIFEST_MAX, IMAGE_MANIFEST_DEPTH_MAX, &top, err) < 0)
                goto out;
        if (top.type != JSON_ARRAY || top.len == 0) {
                eg_error_set(err, 0, "%s where a non-empty array of images is expected",
                             top.type == JSON_ARRAY ? "an empty array" : json_type_name(top.type));
                goto out;
        }
        if (top.len > IMAGE_INDEX_ENTRIES_MAX) {
                eg_error_set(err, 0, "%zu images, more than %d", top.len, IMAGE_INDEX_ENTRIES_MAX);
                goto out;
        }
        if ((out->images = calloc(top.len, sizeof(*out->images))) == NULL) {
                eg_error_set(err, 12, "out of memory");
                goto out;
        }
        for (size_t i = 0; i < top.len; i++) {
                char where[32];
                snprintf(where, sizeof(where), "[%zu].", i);
                out->n = i + 1;
                if (image_item(&top.items[i], where, &out->images[i], err) < 0)
                        goto out;
        }
        for (; owned < out->n; owned++)
                if (own_strings(&out->images[owned], err) < 0) {
                        owned++; /* partly copied: its strdup'd strings or NULLs */
                        goto out;
                }
        ret = 0;
out:
        if (ret < 0) {
                for (size_t i = 0; i < out->n; i++)
                        image_free(&out->images[i], i < owned);
                free(out->images);
                memset(out, 0, sizeof(*out));
        }
        json_free(&top);
        return ret;
}

void archive_manifest_free(struct archive_manifest *m)
{
        for (size_t i = 0; i < m->n; i++)
                image_free(&m->images[i], true);
        free(m->images);
        memset(m, 0, sizeof(*m));
}
