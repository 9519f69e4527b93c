#include "image_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gofold.h"
#include "sha256.h"
#include "str.h"

int image_json_exact_keys(const struct json_value *v, const char *const fields[], const char *where,
                          struct eg_error *err)
{
        if (v == NULL || v->type != JSON_OBJECT)
                return 0;
        for (size_t i = 0; i < v->len; i++) {
                const char *key = v->keys[i];
                size_t len = strlen(key);
                for (size_t f = 0; fields[f]; f++)
                        if (strcmp(key, fields[f]) != 0 && gofold_equal(key, len, fields[f]))
                                return eg_error_set(err, 0,
                                                    "%s%.64s: a second spelling of \"%s\" (Go "
                                                    "reads keys case-insensitively)",
                                                    where, key, fields[f]);
        }
        return 0;
}

int image_json_object(const struct json_value *v, const char *where, const char *key,
                      struct eg_error *err)
{
        if (v == NULL)
                return eg_error_set(err, 0, "%s%s: missing", where, key);
        if (v->type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s%s: %s where an object is expected", where, key,
                                    json_type_name(v->type));
        return 0;
}

int image_json_string(const struct json_value *obj, const char *key, const char *where,
                      const char **out, struct eg_error *err)
{
        const struct json_value *v = json_get(obj, key);

        *out = NULL;
        if (v == NULL || v->type == JSON_NULL)
                return 0;
        if (v->type != JSON_STRING)
                return eg_error_set(err, 0, "%s%s: %s where a string is expected", where, key,
                                    json_type_name(v->type));
        *out = v->text;
        return 0;
}

int image_json_strings(const struct json_value *obj, const char *key, const char *where,
                       const struct json_value **out, size_t *n, struct eg_error *err)
{
        const struct json_value *v = json_get(obj, key);

        *out = NULL;
        *n = 0;
        if (v == NULL || v->type == JSON_NULL)
                return 0;
        if (v->type != JSON_ARRAY)
                return eg_error_set(err, 0, "%s%s: %s where an array of strings is expected", where,
                                    key, json_type_name(v->type));
        for (size_t i = 0; i < v->len; i++)
                if (v->items[i].type != JSON_STRING)
                        return eg_error_set(err, 0, "%s%s[%zu]: %s where a string is expected",
                                            where, key, i, json_type_name(v->items[i].type));
        *out = v->items;
        *n = v->len;
        return 0;
}

int image_json_int(const struct json_value *obj, const char *key, const char *where, long long *out,
                   bool *present, struct eg_error *err)
{
        const struct json_value *v = json_get(obj, key);
        char *end;

        *out = 0;
        *present = false;
        if (v == NULL || v->type == JSON_NULL)
                return 0;
        if (v->type != JSON_NUMBER)
                return eg_error_set(err, 0, "%s%s: %s where a number is expected", where, key,
                                    json_type_name(v->type));
        errno = 0;
        *out = strtoll(v->text, &end, 10);
        if (errno != 0 || end == v->text || *end != '\0')
                return eg_error_set(err, 0, "%s%s: %.32s is not a whole number in range", where,
                                    key, v->text);
        *present = true;
        return 0;
}

bool image_digest_valid(const char *digest)
{
        return digest != NULL && strncmp(digest, "sha256:", 7) == 0 &&
               strlen(digest) == IMAGE_DIGEST_SIZE - 1 && str_is_lower_hex(digest + 7, 64);
}

int image_digest_verify(const char *digest, const void *data, size_t len, const char *what,
                        struct eg_error *err)
{
        char hex[SHA256_HEX_SIZE];

        if (!image_digest_valid(digest))
                return eg_error_set(err, 0, "%s: \"%.80s\" is not a sha256:<64 hex> digest", what,
                                    digest ? digest : "");
        sha256_hex(data, len, hex);
        if (strcmp(hex, digest + 7) != 0)
                return eg_error_set(err, 0,
                                    "%s: its content's digest is sha256:%s, not the %s it is "
                                    "named by",
                                    what, hex, digest);
        return 0;
}
