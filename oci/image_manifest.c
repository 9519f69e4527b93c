#include "image_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json_tree.h"
#include "str.h"

static const struct {
        const char *type;
        enum image_media_kind kind;
} media_types[] = {
        {"application/vnd.oci.image.index.v1+json", IMAGE_MEDIA_INDEX},
        {"application/vnd.docker.distribution.manifest.list.v2+json", IMAGE_MEDIA_INDEX},
        {"application/vnd.oci.image.manifest.v1+json", IMAGE_MEDIA_MANIFEST},
        {"application/vnd.docker.distribution.manifest.v2+json", IMAGE_MEDIA_MANIFEST},
        {"application/vnd.oci.image.config.v1+json", IMAGE_MEDIA_CONFIG},
        {"application/vnd.docker.container.image.v1+json", IMAGE_MEDIA_CONFIG},
        {"application/vnd.oci.image.layer.v1.tar", IMAGE_MEDIA_LAYER},
        {"application/vnd.oci.image.layer.v1.tar+gzip", IMAGE_MEDIA_LAYER},
        {"application/vnd.oci.image.layer.v1.tar+zstd", IMAGE_MEDIA_LAYER},
        {"application/vnd.oci.image.layer.nondistributable.v1.tar", IMAGE_MEDIA_LAYER},
        {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", IMAGE_MEDIA_LAYER},
        {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", IMAGE_MEDIA_LAYER},
        {"application/vnd.docker.image.rootfs.diff.tar.gzip", IMAGE_MEDIA_LAYER},
        {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", IMAGE_MEDIA_LAYER},
};

enum image_media_kind image_media_kind(const char *media_type)
{
        for (size_t i = 0; media_type && i < sizeof(media_types) / sizeof(media_types[0]); i++)
                if (strcmp(media_type, media_types[i].type) == 0)
                        return media_types[i].kind;
        return IMAGE_MEDIA_UNKNOWN;
}

static const char *const descriptor_keys[] = {"mediaType", "digest",      "size",
                                              "platform",  "annotations", NULL};
static const char *const platform_keys[] = {"architecture", "os", "os.version", "variant", NULL};

static int platform_member(const struct json_value *d, const char *where,
                           struct image_descriptor *out, struct eg_error *err)
{
        const struct json_value *p = json_get(d, "platform");
        const char *os, *arch, *variant, *version;
        char at[96];

        if (p == NULL || p->type == JSON_NULL)
                return 0;
        snprintf(at, sizeof(at), "%splatform.", where);
        if (image_json_object(p, where, "platform", err) < 0 ||
            image_json_exact_keys(p, platform_keys, at, err) < 0 ||
            image_json_string(p, "os", at, &os, err) < 0 ||
            image_json_string(p, "architecture", at, &arch, err) < 0 ||
            image_json_string(p, "variant", at, &variant, err) < 0 ||
            image_json_string(p, "os.version", at, &version, err) < 0)
                return -1;
        /* image-spec image-index.md: architecture and os are REQUIRED */
        if (str_nonempty(os) == NULL || str_nonempty(arch) == NULL)
                return eg_error_set(err, 0, "%splatform: no %s", where,
                                    str_nonempty(os) ? "architecture" : "os");
        if (platform_set_declared(&out->platform, os, arch, str_nonempty(variant), err) < 0 ||
            platform_set_os_version(&out->platform, version, err) < 0)
                return eg_error_prefix(err, "%splatform", where);
        out->has_platform = true;
        return 0;
}

static int descriptor(const struct json_value *d, const char *where, struct image_descriptor *out,
                      struct eg_error *err)
{
        const char *type, *digest, *ref_type = NULL;
        const struct json_value *ann;
        bool has_size;

        memset(out, 0, sizeof(*out));
        if (d->type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s %s where a descriptor object is expected", where,
                                    json_type_name(d->type));
        if (image_json_exact_keys(d, descriptor_keys, where, err) < 0 ||
            image_json_string(d, "mediaType", where, &type, err) < 0 ||
            image_json_string(d, "digest", where, &digest, err) < 0 ||
            image_json_int(d, "size", where, &out->size, &has_size, err) < 0)
                return -1;
        if (!has_size)
                out->size = -1;
        else if (out->size < 0)
                return eg_error_set(err, 0, "%ssize: %lld is negative", where, out->size);
        if (!image_digest_valid(digest))
                return eg_error_set(err, 0, "%sdigest: \"%.80s\" is not sha256:<64 hex>", where,
                                    digest ? digest : "");
        str_copy(out->digest, sizeof(out->digest), digest);
        if (type != NULL && !str_copy(out->media_type, sizeof(out->media_type), type))
                return eg_error_set(err, 0, "%smediaType: too long", where);
        ann = json_get(d, "annotations");
        if (ann != NULL && ann->type != JSON_NULL &&
            (image_json_object(ann, where, "annotations", err) < 0 ||
             image_json_string(ann, "vnd.docker.reference.type", where, &ref_type, err) < 0))
                return -1;
        out->attestation = ref_type != NULL && strcmp(ref_type, "attestation-manifest") == 0;
        return platform_member(d, where, out, err);
}

static int schema_version(const struct json_value *top, struct eg_error *err)
{
        long long v;
        bool present;

        if (image_json_int(top, "schemaVersion", "", &v, &present, err) < 0)
                return -1;
        if (!present || v != 2)
                return eg_error_set(err, 0, "schemaVersion: %s, not 2",
                                    present ? "another value" : "missing");
        return 0;
}

/* The top object and its mediaType, which must be of kind `want` when
 * present. */
static int top_object(const struct json_value *top, const char *const keys[],
                      enum image_media_kind want, char *media_type, struct eg_error *err)
{
        const char *type;

        if (top->type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s where an object is expected",
                                    json_type_name(top->type));
        if (image_json_exact_keys(top, keys, "", err) < 0 || schema_version(top, err) < 0 ||
            image_json_string(top, "mediaType", "", &type, err) < 0)
                return -1;
        if (type != NULL && image_media_kind(type) != want)
                return eg_error_set(err, 0, "mediaType: \"%.80s\" is not an %s", type,
                                    want == IMAGE_MEDIA_INDEX ? "image index or manifest list"
                                                              : "image manifest");
        if (type != NULL)
                str_copy(media_type, IMAGE_MEDIA_TYPE_MAX, type);
        return 0;
}

static int index_fields(const struct json_value *top, struct image_index *out, struct eg_error *err)
{
        static const char *const keys[] = {"schemaVersion", "mediaType", "manifests", NULL};
        const struct json_value *list;

        if (top_object(top, keys, IMAGE_MEDIA_INDEX, out->media_type, err) < 0)
                return -1;
        list = json_get(top, "manifests");
        if (list == NULL || list->type != JSON_ARRAY)
                return eg_error_set(err, 0, "manifests: %s where an array is expected",
                                    list ? json_type_name(list->type) : "missing");
        if (list->len > IMAGE_INDEX_ENTRIES_MAX)
                return eg_error_set(err, 0, "manifests: %zu entries, more than %d", list->len,
                                    IMAGE_INDEX_ENTRIES_MAX);
        if (list->len && (out->manifests = calloc(list->len, sizeof(*out->manifests))) == NULL)
                return eg_error_set(err, 12, "out of memory");
        for (size_t i = 0; i < list->len; i++) {
                struct image_descriptor *d = &out->manifests[i];
                enum image_media_kind kind;
                char where[48];
                snprintf(where, sizeof(where), "manifests[%zu].", i);
                if (descriptor(&list->items[i], where, d, err) < 0)
                        return -1;
                out->n = i + 1;
                kind = image_media_kind(d->media_type);
                if (kind != IMAGE_MEDIA_INDEX && kind != IMAGE_MEDIA_MANIFEST)
                        return eg_error_set(err, 0,
                                            "%smediaType: \"%.80s\" is not a manifest or index",
                                            where, d->media_type);
        }
        return 0;
}

int image_index_parse(const char *text, size_t len, struct image_index *out, struct eg_error *err)
{
        struct json_value top;
        int ret;

        memset(out, 0, sizeof(*out));
        ret = json_parse(text, len, IMAGE_MANIFEST_MAX, IMAGE_MANIFEST_DEPTH_MAX, &top, err);
        if (ret == 0)
                ret = index_fields(&top, out, err);
        json_free(&top);
        return ret;
}

void image_index_free(struct image_index *ix)
{
        free(ix->manifests);
        memset(ix, 0, sizeof(*ix));
}

static int manifest_fields(const struct json_value *top, struct image_manifest *out,
                           struct eg_error *err)
{
        static const char *const keys[] = {"schemaVersion", "mediaType", "config", "layers", NULL};
        const struct json_value *config = json_get(top, "config"), *list;

        if (top_object(top, keys, IMAGE_MEDIA_MANIFEST, out->media_type, err) < 0 ||
            image_json_object(config, "", "config", err) < 0 ||
            descriptor(config, "config.", &out->config, err) < 0)
                return -1;
        if (image_media_kind(out->config.media_type) != IMAGE_MEDIA_CONFIG)
                return eg_error_set(err, 0, "config.mediaType: \"%.80s\" is not an image config",
                                    out->config.media_type);
        list = json_get(top, "layers");
        if (list == NULL || list->type != JSON_ARRAY)
                return eg_error_set(err, 0, "layers: %s where an array is expected",
                                    list ? json_type_name(list->type) : "missing");
        if (list->len > IMAGE_LAYERS_MAX)
                return eg_error_set(err, 0, "layers: %zu, more than %d", list->len,
                                    IMAGE_LAYERS_MAX);
        if (list->len && (out->layers = calloc(list->len, sizeof(*out->layers))) == NULL)
                return eg_error_set(err, 12, "out of memory");
        for (size_t i = 0; i < list->len; i++) {
                char where[48];
                snprintf(where, sizeof(where), "layers[%zu].", i);
                if (descriptor(&list->items[i], where, &out->layers[i], err) < 0)
                        return -1;
                out->n_layers = i + 1;
                if (image_media_kind(out->layers[i].media_type) != IMAGE_MEDIA_LAYER)
                        return eg_error_set(err, 0, "%smediaType: \"%.80s\" is not a tar layer",
                                            where, out->layers[i].media_type);
        }
        return 0;
}

int image_manifest_parse(const char *text, size_t len, struct image_manifest *out,
                         struct eg_error *err)
{
        struct json_value top;
        int ret;

        memset(out, 0, sizeof(*out));
        ret = json_parse(text, len, IMAGE_MANIFEST_MAX, IMAGE_MANIFEST_DEPTH_MAX, &top, err);
        if (ret == 0)
                ret = manifest_fields(&top, out, err);
        json_free(&top);
        return ret;
}

void image_manifest_free(struct image_manifest *m)
{
        free(m->layers);
        memset(m, 0, sizeof(*m));
}

enum image_media_kind image_document_kind(const char *text, size_t len)
{
        struct json_value top;
        struct eg_error err;
        enum image_media_kind kind = IMAGE_MEDIA_UNKNOWN;
        const char *type = NULL;

        if (json_parse(text, len, IMAGE_MANIFEST_MAX, IMAGE_MANIFEST_DEPTH_MAX, &top, &err) == 0 &&
            top.type == JSON_OBJECT) {
                if (image_json_string(&top, "mediaType", "", &type, &err) == 0 && type != NULL)
                        kind = image_media_kind(type);
                else if (json_get(&top, "manifests") != NULL)
                        kind = IMAGE_MEDIA_INDEX;
                else if (json_get(&top, "config") != NULL)
                        kind = IMAGE_MEDIA_MANIFEST;
        }
        json_free(&top);
        return kind;
}
