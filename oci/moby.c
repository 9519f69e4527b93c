#include "moby.h"

#include <string.h>

#include "json_tree.h"
#include "str.h"

bool moby_is_id(const char *id)
{
        return id != NULL && strnlen(id, 65) == 64 && str_is_lower_hex(id, 64);
}

/* A storage driver's name is one path component we open: overlay2, vfs,
 * fuse-overlayfs, devicemapper, btrfs, zfs, windowsfilter. */
static bool is_driver_name(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n >= sizeof(((struct moby_container *)0)->driver) || s[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
                      s[i] == '_' || s[i] == '.'))
                        return false;
        return true;
}

/* The string at key, NULL when absent or null; -1 for another type. */
static int string_member(const struct json_value *obj, const char *key, const char *where,
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

static int container_fields(const struct json_value *top, struct moby_container *out,
                            struct eg_error *err)
{
        const struct json_value *config;
        const char *name, *image, *ref, *driver;

        if (top->type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s where an object is expected",
                                    json_type_name(top->type));
        if (string_member(top, "Name", "", &name, err) < 0 ||
            string_member(top, "Image", "", &image, err) < 0 ||
            string_member(top, "Driver", "", &driver, err) < 0)
                return -1;
        config = json_get(top, "Config");
        if (config != NULL && config->type != JSON_NULL && config->type != JSON_OBJECT)
                return eg_error_set(err, 0, "Config: %s where an object is expected",
                                    json_type_name(config->type));
        if (string_member(config, "Image", "Config.", &ref, err) < 0)
                return -1;

        if (name != NULL)
                str_copy(out->name, sizeof(out->name), name[0] == '/' ? name + 1 : name);
        if (ref != NULL)
                str_copy(out->image_ref, sizeof(out->image_ref), ref);
        if (image != NULL && strncmp(image, "sha256:", 7) == 0 && strlen(image) == 7 + 64 &&
            str_is_lower_hex(image + 7, 64))
                str_copy(out->image_id, sizeof(out->image_id), image);
        if (driver != NULL && is_driver_name(driver))
                str_copy(out->driver, sizeof(out->driver), driver);
        return 0;
}

int moby_container_parse(const char *text, size_t len, struct moby_container *out,
                         struct eg_error *err)
{
        struct json_value top;
        int ret;

        memset(out, 0, sizeof(*out));
        ret = json_parse(text, len, MOBY_CONFIG_MAX, MOBY_JSON_DEPTH_MAX, &top, err);
        if (ret == 0)
                ret = container_fields(&top, out, err);
        json_free(&top);
        return ret;
}

static int image_fields(const struct json_value *top, struct platform *out, bool *declared,
                        struct eg_error *err)
{
        const char *os, *arch, *variant, *version;

        if (top->type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s where an object is expected",
                                    json_type_name(top->type));
        if (string_member(top, "os", "", &os, err) < 0 ||
            string_member(top, "architecture", "", &arch, err) < 0 ||
            string_member(top, "variant", "", &variant, err) < 0 ||
            string_member(top, "os.version", "", &version, err) < 0)
                return -1;
        if (os != NULL && os[0] == '\0')
                os = NULL;
        if (arch != NULL && arch[0] == '\0')
                arch = NULL;
        if (variant != NULL && variant[0] == '\0')
                variant = NULL;
        if (os == NULL && arch == NULL)
                return 0;
        if (platform_set_declared(out, os, arch, variant, err) < 0 ||
            platform_set_os_version(out, version, err) < 0)
                return -1;
        *declared = true;
        return 0;
}

int moby_image_parse(const char *text, size_t len, struct platform *out, bool *declared,
                     struct eg_error *err)
{
        struct json_value top;
        int ret;

        memset(out, 0, sizeof(*out));
        *declared = false;
        ret = json_parse(text, len, MOBY_IMAGE_CONFIG_MAX, MOBY_JSON_DEPTH_MAX, &top, err);
        if (ret == 0)
                ret = image_fields(&top, out, declared, err);
        json_free(&top);
        if (ret < 0)
                *declared = false;
        return ret;
}

const char *moby_status_name(enum moby_status s)
{
        switch (s) {
        case MOBY_SKIPPED:
                return "skipped";
        case MOBY_ABSENT:
                return "absent";
        case MOBY_INVALID:
                return "invalid";
        case MOBY_PARTIAL:
                return "partial";
        case MOBY_READ:
                return "read";
        }
        return "?";
}
