/* The images an archive or OCI layout holds, read down to their configs:
 * what `edgeguard check --archive/--oci` judges.  Above the layers only:
 * the layers themselves are named here and read by image_fs.
 *
 * docker save (and buildx type=docker) writes manifest.json; it is read
 * first, as dockerd 20.10's `docker load` reads it (moby
 * image/tarexport/load.go).  Otherwise index.json (an OCI layout, also
 * buildx type=oci, skopeo, umoci) is walked: an index entry may be an
 * index again (buildx nests one), up to IMAGE_LOAD_DEPTH_MAX; each
 * manifest and config blob is read from blobs/sha256/<hex> and must hash
 * to its digest. */
#ifndef EDGEGUARD_IMAGE_LOAD_H
#define EDGEGUARD_IMAGE_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "image_config.h"
#include "image_manifest.h"
#include "image_source.h"

/* Indexes nested in indexes: buildx writes 2 levels; a bound on a
 * hostile layout's recursion. */
#define IMAGE_LOAD_DEPTH_MAX 4
/* Images of one source, over all nested indexes. */
#define IMAGE_LOAD_IMAGES_MAX IMAGE_INDEX_ENTRIES_MAX

struct image_candidate {
        /* "eg/app:1" (docker save) or the manifest digest, for messages */
        char label[160];
        char manifest_digest[IMAGE_DIGEST_SIZE]; /* "" for docker save */
        /* an index entry, which an engine takes only for a target its
         * platform matches; docker save's images are loaded whatever
         * the host (dockerd 20.10 checks no platform on load) */
        bool from_index;
        bool has_claim; /* the platform the index entry, else the config, states */
        struct platform claim;
        char claim_source[24]; /* "index", "image config" */
        struct image_config config;
        size_t n_layers;
        char **layers; /* member names in the source, bottom first */
        /* non-empty: this image could not be read (a blob missing, a
         * digest mismatch, a document refused); the rest is unset */
        char problem[EG_ERROR_MSG_MAX];
};

struct image_set {
        char format[24]; /* "docker save", "OCI layout" */
        size_t n;
        struct image_candidate *items;
        size_t n_skipped_attestations;
};

/* Reads src's images into out.  -1 only when neither manifest.json nor
 * index.json is there, or the top document is refused; an image below it
 * that cannot be read is an entry with a problem.  image_set_free either
 * way. */
int image_load(struct image_source *src, struct image_set *out, struct eg_error *err);

void image_set_free(struct image_set *set);

/* "blobs/sha256/<hex>" for a digest (valid, image_digest_valid). */
void image_blob_name(const char *digest, char *out, size_t size);

#endif
