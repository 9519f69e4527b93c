#include "image_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_tree.h"
#include "str.h"

static char *dup_string(const char *s, struct eg_error *err)
{
        char *d = strdup(s);
        if (d == NULL)
                eg_error_set(err, 12, "out of memory");
        return d;
}

/* A strv from an array of strings, or (strslice) from one string. */
static int strv_member(const struct json_value *obj, const char *key, bool one_string_ok,
                       char ***out, size_t *n, struct eg_error *err)
{
        const struct json_value *v = json_get(obj, key), *items = v;
        size_t count = 1;

        *out = NULL;
        *n = 0;
        if (v == NULL || v->type == JSON_NULL)
                return 0;
        if (v->type == JSON_ARRAY) {
                if (image_json_strings(obj, key, "config.", &items, &count, err) < 0)
                        return -1;
        } else if (v->type != JSON_STRING || !one_string_ok) {
                return eg_error_set(
                        err, 0, "config.%s: %s where %s is expected", key, json_type_name(v->type),
                        one_string_ok ? "a string or an array of strings" : "an array of strings");
        }
        if ((*out = calloc(count + 1, sizeof(**out))) == NULL)
                return eg_error_set(err, 12, "out of memory");
        for (size_t i = 0; i < count; i++) {
                if (((*out)[i] = dup_string(items[i].text, err)) == NULL)
                        return -1;
                *n = i + 1;
        }
        return 0;
}

static int string_field(const struct json_value *obj, const char *key, char **out,
                        struct eg_error *err)
{
        const char *s;

        if (image_json_string(obj, key, "config.", &s, err) < 0)
                return -1;
        if (s != NULL && s[0] != '\0' && (*out = dup_string(s, err)) == NULL)
                return -1;
        return 0;
}

static int process_fields(const struct json_value *cfg, struct image_config *out,
                          struct eg_error *err)
{
        static const char *const keys[] = {"Entrypoint", "Cmd", "Env", "WorkingDir", "User", NULL};

        if (cfg == NULL || cfg->type == JSON_NULL)
                return 0;
        if (image_json_object(cfg, "", "config", err) < 0 ||
            image_json_exact_keys(cfg, keys, "config.", err) < 0 ||
            strv_member(cfg, "Entrypoint", true, &out->entrypoint, &out->n_entrypoint, err) < 0 ||
            strv_member(cfg, "Cmd", true, &out->cmd, &out->n_cmd, err) < 0 ||
            strv_member(cfg, "Env", false, &out->env, &out->n_env, err) < 0 ||
            string_field(cfg, "WorkingDir", &out->working_dir, err) < 0 ||
            string_field(cfg, "User", &out->user, err) < 0)
                return -1;
        return 0;
}

static int rootfs_fields(const struct json_value *rootfs, struct image_config *out,
                         struct eg_error *err)
{
        static const char *const keys[] = {"type", "diff_ids", NULL};
        const struct json_value *ids;
        const char *type;
        size_t n;

        if (rootfs == NULL || rootfs->type == JSON_NULL)
                return 0;
        if (image_json_object(rootfs, "", "rootfs", err) < 0 ||
            image_json_exact_keys(rootfs, keys, "rootfs.", err) < 0 ||
            image_json_string(rootfs, "type", "rootfs.", &type, err) < 0 ||
            image_json_strings(rootfs, "diff_ids", "rootfs.", &ids, &n, err) < 0)
                return -1;
        if (type != NULL && strcmp(type, "layers") != 0)
                return eg_error_set(err, 0, "rootfs.type: \"%.40s\", not \"layers\"", type);
        if (n > IMAGE_LAYERS_MAX)
                return eg_error_set(err, 0, "rootfs.diff_ids: %zu, more than %d", n,
                                    IMAGE_LAYERS_MAX);
        if (n && (out->diff_ids = calloc(n, sizeof(*out->diff_ids))) == NULL)
                return eg_error_set(err, 12, "out of memory");
        for (size_t i = 0; i < n; i++) {
                if (!image_digest_valid(ids[i].text))
                        return eg_error_set(
                                err, 0, "rootfs.diff_ids[%zu]: \"%.80s\" is not sha256:<64 hex>", i,
                                ids[i].text);
                str_copy(out->diff_ids[i], IMAGE_DIGEST_SIZE, ids[i].text);
        }
        out->n_diff_ids = n;
        return 0;
}

static int config_fields(const struct json_value *top, struct image_config *out,
                         struct eg_error *err)
{
        static const char *const keys[] = {"architecture", "os",     "os.version", "variant",
                                           "config",       "rootfs", NULL};
        const char *os, *arch, *variant, *version;

        if (top->type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s where an object is expected",
                                    json_type_name(top->type));
        if (image_json_exact_keys(top, keys, "", err) < 0 ||
            image_json_string(top, "os", "", &os, err) < 0 ||
            image_json_string(top, "architecture", "", &arch, err) < 0 ||
            image_json_string(top, "variant", "", &variant, err) < 0 ||
            image_json_string(top, "os.version", "", &version, err) < 0)
                return -1;
        if (str_nonempty(os) || str_nonempty(arch)) {
                if (platform_set_declared(&out->platform, str_nonempty(os), str_nonempty(arch),
                                          str_nonempty(variant), err) < 0 ||
                    platform_set_os_version(&out->platform, version, err) < 0)
                        return -1;
                out->has_platform = true;
        }
        return process_fields(json_get(top, "config"), out, err) < 0 ||
                               rootfs_fields(json_get(top, "rootfs"), out, err) < 0
                       ? -1
                       : 0;
}

int image_config_parse(const char *text, size_t len, struct image_config *out, struct eg_error *err)
{
        struct json_value top;
        int ret;

        memset(out, 0, sizeof(*out));
        ret = json_parse(text, len, IMAGE_CONFIG_MAX, IMAGE_MANIFEST_DEPTH_MAX, &top, err);
        if (ret == 0)
                ret = config_fields(&top, out, err);
        json_free(&top);
        return ret;
}

static void strv_free(char **v, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

void image_config_free(struct image_config *c)
{
        strv_free(c->entrypoint, c->n_entrypoint);
        strv_free(c->cmd, c->n_cmd);
        strv_free(c->env, c->n_env);
        free(c->working_dir);
        free(c->user);
        free(c->diff_ids);
        memset(c, 0, sizeof(*c));
}
