#include "image_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "str.h"

void image_blob_name(const char *digest, char *out, size_t size)
{
        snprintf(out, size, "blobs/sha256/%.64s", digest + 7);
}

static struct image_candidate *new_candidate(struct image_set *set, struct eg_error *err)
{
        struct image_candidate *n;

        if (set->n == IMAGE_LOAD_IMAGES_MAX) {
                eg_error_set(err, 0, "more than %d images", IMAGE_LOAD_IMAGES_MAX);
                return NULL;
        }
        if ((n = realloc(set->items, (set->n + 1) * sizeof(*n))) == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        set->items = n;
        n = &set->items[set->n++];
        memset(n, 0, sizeof(*n));
        return n;
}

/* Reads a blob or member whole and checks its digest (NULL: none). */
static int read_verified(struct image_source *src, const char *member, const char *digest,
                         size_t max, char **text, size_t *len, struct eg_error *err)
{
        if (image_source_read(src, member, max, text, len, err) < 0)
                return eg_error_prefix(err, "%s", member);
        if (digest != NULL && image_digest_verify(digest, *text, *len, member, err) < 0)
                return -1;
        return 0;
}

static int read_config(struct image_source *src, const char *member, const char *digest,
                       struct image_candidate *c, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        size_t len;

        if (read_verified(src, member, digest, IMAGE_CONFIG_MAX, &text, &len, err) < 0)
                return -1;
        if (image_config_parse(text, len, &c->config, err) < 0)
                return eg_error_prefix(err, "the image config %s", member);
        if (!c->has_claim && c->config.has_platform) {
                c->has_claim = true;
                c->claim = c->config.platform;
                str_copy(c->claim_source, sizeof(c->claim_source), "image config");
        }
        return 0;
}

static int copy_names(struct image_candidate *c, char *const *names, size_t n, struct eg_error *err)
{
        if ((c->layers = calloc(n + 1, sizeof(*c->layers))) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                if ((c->layers[i] = strdup(names[i])) == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
                c->n_layers = i + 1;
        }
        return 0;
}

static int load_archive(struct image_source *src, struct image_set *set, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        struct archive_manifest m;
        size_t len;
        int ret = 0;

        str_copy(set->format, sizeof(set->format), "docker save");
        if (read_verified(src, "manifest.json", NULL, IMAGE_MANIFEST_MAX, &text, &len, err) < 0)
                return -1;
        if (archive_manifest_parse(text, len, &m, err) < 0)
                return eg_error_prefix(err, "manifest.json");
        for (size_t i = 0; i < m.n && ret == 0; i++) {
                const struct archive_image *im = &m.images[i];
                struct image_candidate *c = new_candidate(set, err);
                struct eg_error e = {0};
                if (c == NULL) {
                        ret = -1;
                        break;
                }
                snprintf(c->label, sizeof(c->label), "%.150s",
                         im->n_tags ? im->repo_tags[0] : im->config_digest);
                if (read_config(src, im->config, im->config_digest, c, &e) < 0 ||
                    copy_names(c, im->layers, im->n_layers, &e) < 0)
                        str_copy(c->problem, sizeof(c->problem), e.msg);
                else if (c->config.n_diff_ids != c->n_layers)
                        snprintf(c->problem, sizeof(c->problem),
                                 "manifest.json names %zu layers, its config %zu diff_ids: "
                                 "docker load refuses such an image",
                                 c->n_layers, c->config.n_diff_ids);
        }
        archive_manifest_free(&m);
        return ret;
}

static int load_manifest(struct image_source *src, const struct image_descriptor *d,
                         const char *text, size_t len, struct image_candidate *c,
                         struct eg_error *err)
{
        struct image_manifest m;
        char member[96];
        char **names = NULL;
        int ret = -1;

        if (image_manifest_parse(text, len, &m, err) < 0) {
                eg_error_prefix(err, "the manifest %s", d->digest);
                goto out;
        }
        image_blob_name(m.config.digest, member, sizeof(member));
        if (read_config(src, member, m.config.digest, c, err) < 0)
                goto out;
        if ((names = calloc(m.n_layers + 1, sizeof(*names))) == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                goto out;
        }
        for (size_t i = 0; i < m.n_layers; i++) {
                if ((names[i] = malloc(96)) == NULL) {
                        eg_error_set(err, ENOMEM, "out of memory");
                        goto out;
                }
                image_blob_name(m.layers[i].digest, names[i], 96);
        }
        ret = copy_names(c, names, m.n_layers, err);
        if (ret == 0 && c->config.n_diff_ids != m.n_layers)
                ret = eg_error_set(err, 0,
                                   "the manifest %s has %zu layers, its config %zu diff_ids",
                                   d->digest, m.n_layers, c->config.n_diff_ids);
out:
        for (size_t i = 0; names && i < m.n_layers; i++)
                free(names[i]);
        free(names);
        image_manifest_free(&m);
        return ret;
}

static int walk_index(struct image_source *src, const struct image_index *ix, size_t depth,
                      struct image_set *set, struct eg_error *err);

/* One index entry: a manifest (a candidate) or an index (walked). */
static int walk_entry(struct image_source *src, const struct image_descriptor *d, size_t depth,
                      struct image_set *set, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        struct image_candidate *c;
        struct eg_error e = {0};
        char member[96];
        size_t len;

        if (d->attestation) {
                set->n_skipped_attestations++;
                return 0;
        }
        image_blob_name(d->digest, member, sizeof(member));
        if (image_media_kind(d->media_type) == IMAGE_MEDIA_INDEX) {
                struct image_index inner;
                int ret;
                if (depth >= IMAGE_LOAD_DEPTH_MAX)
                        return eg_error_set(err, 0, "%s: indexes nested more than %d deep", member,
                                            IMAGE_LOAD_DEPTH_MAX);
                if (read_verified(src, member, d->digest, IMAGE_MANIFEST_MAX, &text, &len, err) <
                            0 ||
                    image_index_parse(text, len, &inner, err) < 0) {
                        image_index_free(&inner);
                        return eg_error_prefix(err, "the index %s", d->digest);
                }
                ret = walk_index(src, &inner, depth + 1, set, err);
                image_index_free(&inner);
                return ret;
        }
        if ((c = new_candidate(set, err)) == NULL)
                return -1;
        snprintf(c->label, sizeof(c->label), "%.19s", d->digest); /* "sha256:" + 12 hex */
        str_copy(c->manifest_digest, sizeof(c->manifest_digest), d->digest);
        /* containerd matches a descriptor without a platform by its
         * config's os/architecture (images.Manifest): read_config fills
         * the claim then */
        c->from_index = true;
        if (d->has_platform) {
                c->has_claim = true;
                c->claim = d->platform;
                str_copy(c->claim_source, sizeof(c->claim_source), "index");
        }
        if (read_verified(src, member, d->digest, IMAGE_MANIFEST_MAX, &text, &len, &e) < 0 ||
            load_manifest(src, d, text, len, c, &e) < 0)
                str_copy(c->problem, sizeof(c->problem), e.msg);
        return 0;
}

static int walk_index(struct image_source *src, const struct image_index *ix, size_t depth,
                      struct image_set *set, struct eg_error *err)
{
        for (size_t i = 0; i < ix->n; i++)
                if (walk_entry(src, &ix->manifests[i], depth, set, err) < 0)
                        return -1;
        return 0;
}

static int load_layout(struct image_source *src, struct image_set *set, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        struct image_index ix;
        size_t len;
        int ret;

        str_copy(set->format, sizeof(set->format), "OCI layout");
        if (read_verified(src, "index.json", NULL, IMAGE_MANIFEST_MAX, &text, &len, err) < 0)
                return -1;
        if (image_index_parse(text, len, &ix, err) < 0) {
                image_index_free(&ix);
                return eg_error_prefix(err, "index.json");
        }
        ret = walk_index(src, &ix, 0, set, err);
        image_index_free(&ix);
        return ret;
}

int image_load(struct image_source *src, struct image_set *out, struct eg_error *err)
{
        memset(out, 0, sizeof(*out));
        if (image_source_has(src, "manifest.json"))
                return load_archive(src, out, err);
        if (image_source_has(src, "index.json"))
                return load_layout(src, out, err);
        return eg_error_set(err, ENOENT,
                            "neither manifest.json (docker save) nor index.json (an OCI layout)");
}

void image_set_free(struct image_set *set)
{
        for (size_t i = 0; i < set->n; i++) {
                struct image_candidate *c = &set->items[i];
                image_config_free(&c->config);
                for (size_t l = 0; l < c->n_layers; l++)
                        free(c->layers[l]);
                free(c->layers);
        }
        free(set->items);
        memset(set, 0, sizeof(*set));
}
