/* Typed reading of the JSON documents of an image (manifests, indexes,
 * configs) over json_tree (size, depth, duplicate keys, ambiguous text
 * refused there).  dockerd and containerd decode these documents with Go's
 * encoding/json, which takes a key that folds onto a field name
 * ("CONFIG", "Layer\u017fs" for "Layers") as that field: a document that
 * spells a field read here any way but exactly is refused, or edgeguard
 * could judge one config while the engine runs another. */
#ifndef EDGEGUARD_IMAGE_JSON_H
#define EDGEGUARD_IMAGE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "json_tree.h"

/* "sha256:" and 64 lower-case hex digits, and the terminator. */
#define IMAGE_DIGEST_SIZE (sizeof("sha256:") + 64)

/* Refuses an object member whose key folds (Go's rules, oci/gofold.h) onto
 * one of fields[] (NULL-terminated) without being it.  `where` prefixes
 * the message ("manifests[2].").  v that is not an object: 0. */
int image_json_exact_keys(const struct json_value *v, const char *const fields[], const char *where,
                          struct eg_error *err);

/* Requires v to be an object (null and absent refused as `what`). */
int image_json_object(const struct json_value *v, const char *where, const char *key,
                      struct eg_error *err);

/* The string member `key`, NULL when absent or null; -1 for another type. */
int image_json_string(const struct json_value *obj, const char *key, const char *where,
                      const char **out, struct eg_error *err);

/* An array of strings (absent or null: *out NULL, *n 0); -1 for another
 * type, or an item that is not a string. */
int image_json_strings(const struct json_value *obj, const char *key, const char *where,
                       const struct json_value **out, size_t *n, struct eg_error *err);

/* A whole number member; absent or null leaves *out at 0 and *present
 * false.  A fraction, exponent or a value beyond long long is refused. */
int image_json_int(const struct json_value *obj, const char *key, const char *where, long long *out,
                   bool *present, struct eg_error *err);

/* True for "sha256:" and 64 lower-case hex digits: the only digest
 * edgeguard reads (OCI image-spec descriptor.md allows others; dockerd and
 * containerd's stores name blobs by sha256). */
bool image_digest_valid(const char *digest);

/* Checks that data hashes to digest (valid as above); -1 names `what`
 * and both digests. */
int image_digest_verify(const char *digest, const void *data, size_t len, const char *what,
                        struct eg_error *err);

#endif
