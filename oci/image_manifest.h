/* The manifests of an image, read strictly: an OCI image index (and the
 * `index.json` of an OCI image layout, which is one), a docker manifest
 * list v2, an OCI or docker v2 image manifest, and the `manifest.json` of
 * a `docker save` archive.  Sources: OCI image-spec image-index.md,
 * manifest.md, descriptor.md, image-layout.md; docker's distribution
 * manifest v2 schema 2 (manifest lists and manifests); moby's
 * image/tarexport (manifest.json: Config, RepoTags, Layers).
 *
 * Each reader parses one document (json_tree: size, depth, duplicate keys
 * refused) and checks every field it keeps for type and form; a key Go
 * would fold onto one of them is refused (image_json.h).  Digests must be
 * sha256:<64 hex>.  Platforms are normalized (platform.h). */
#ifndef EDGEGUARD_IMAGE_MANIFEST_H
#define EDGEGUARD_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "image_json.h"
#include "platform.h"

/* Real manifests and indexes are a few KiB; 4 MiB is far above any tool's
 * output and keeps a hostile one from costing more than that. */
#define IMAGE_MANIFEST_MAX       (4u << 20)
#define IMAGE_MANIFEST_DEPTH_MAX 16
/* Manifests of one index: buildx writes two per platform (the image and
 * its attestation); 256 covers every platform Go knows twice over. */
#define IMAGE_INDEX_ENTRIES_MAX 256
/* moby's layer store refuses chains deeper than 125 (layer_store.go
 * maxLayerDepth); 128 keeps the reader's bound above the engine's. */
#define IMAGE_LAYERS_MAX     128
#define IMAGE_MEDIA_TYPE_MAX 128

enum image_media_kind {
        IMAGE_MEDIA_UNKNOWN,
        IMAGE_MEDIA_INDEX,    /* OCI index, docker manifest list */
        IMAGE_MEDIA_MANIFEST, /* OCI manifest, docker v2 schema 2 manifest */
        IMAGE_MEDIA_CONFIG,   /* OCI image config, docker container image v1 */
        IMAGE_MEDIA_LAYER,    /* a tar layer, plain, gzip or zstd (OCI and docker) */
};

/* What a media type names; "" (absent) is UNKNOWN. */
enum image_media_kind image_media_kind(const char *media_type);

struct image_descriptor {
        char media_type[IMAGE_MEDIA_TYPE_MAX]; /* "" when absent */
        char digest[IMAGE_DIGEST_SIZE];
        long long size; /* as declared; -1 when absent */
        bool has_platform;
        struct platform platform; /* normalized, when has_platform */
        /* buildx's attestation manifests (annotation vnd.docker.reference.type
         * "attestation-manifest", platform unknown/unknown): not an image */
        bool attestation;
};

struct image_index {
        char media_type[IMAGE_MEDIA_TYPE_MAX];
        size_t n;
        struct image_descriptor *manifests; /* n entries */
};

struct image_manifest {
        char media_type[IMAGE_MEDIA_TYPE_MAX];
        struct image_descriptor config;
        size_t n_layers;
        struct image_descriptor *layers; /* bottom first */
};

/* One image of a docker save archive: member names inside the archive. */
struct archive_image {
        char *config; /* "<hex>.json" (docker <= 24) or "blobs/sha256/<hex>" */
        char config_digest[IMAGE_DIGEST_SIZE]; /* from the name: what it must hash to */
        size_t n_tags;
        char **repo_tags;
        size_t n_layers;
        char **layers; /* "<id>/layer.tar" or "blobs/sha256/<hex>", bottom first */
};

struct archive_manifest {
        size_t n;
        struct archive_image *images;
};

/* An OCI image index or docker manifest list (schemaVersion 2; a
 * mediaType, when present, must be one of the two).  Entries that are not
 * manifests or indexes are refused; a platform that is not a platform name
 * too.  image_index_free it either way. */
int image_index_parse(const char *text, size_t len, struct image_index *out, struct eg_error *err);
void image_index_free(struct image_index *ix);

/* An OCI or docker v2 image manifest: its config and layer descriptors. */
int image_manifest_parse(const char *text, size_t len, struct image_manifest *out,
                         struct eg_error *err);
void image_manifest_free(struct image_manifest *m);

/* What a document is by its own mediaType, else by its shape (an OCI
 * index.json may omit it): "manifests" makes an index, "config" a
 * manifest.  UNKNOWN on a document that is not JSON or neither. */
enum image_media_kind image_document_kind(const char *text, size_t len);

/* docker save's manifest.json: a non-empty array of images.  A member
 * name that is absolute, holds "..", or a config name that does not carry
 * its digest, is refused. */
int archive_manifest_parse(const char *text, size_t len, struct archive_manifest *out,
                           struct eg_error *err);
void archive_manifest_free(struct archive_manifest *m);

#endif
