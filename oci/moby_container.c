/* A container in dockerd's store, found by name or id, and the process
 * dockerd handed runc for it (config.v2.json). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json_tree.h"
#include "moby_image.h"
#include "store_file.h"
#include "str.h"

static int read_config_v2(int root_fd, const char *id, char **text, size_t *len,
                          struct eg_error *err)
{
        const char *const parts[] = {"containers", id, "config.v2.json"};

        return store_read_below(root_fd, parts, 3, "config.v2.json", MOBY_CONFIG_MAX, text, len,
                                err);
}

static bool name_matches(int root_fd, const char *id, const char *name)
{
        cleanup_free char *text = NULL;
        struct moby_container c;
        struct eg_error err;
        size_t len;

        if (read_config_v2(root_fd, id, &text, &len, &err) < 0 ||
            moby_container_parse(text, len, &c, &err) < 0)
                return false;
        return strcmp(c.name, name[0] == '/' ? name + 1 : name) == 0;
}

int moby_container_find(int root_fd, const char *name_or_id, char id[65], struct eg_error *err)
{
        const char *const parts[] = {"containers"};
        size_t n_prefix = 0, seen = 0, arg_len = strlen(name_or_id);
        char prefix_id[65] = "";
        struct dirent *e;
        DIR *dir;
        int fd;

        if ((fd = store_open_below(root_fd, parts, 1, 1, err)) < 0)
                return eg_error_prefix(err, "the store's containers");
        if ((dir = fdopendir(fd)) == NULL) {
                close(fd);
                return eg_error_set_errno(err, errno, "containers");
        }
        id[0] = '\0';
        while ((e = readdir(dir)) != NULL && id[0] == '\0') {
                if (!moby_is_id(e->d_name))
                        continue;
                if (++seen > MOBY_CONTAINERS_MAX)
                        break;
                if (strcmp(e->d_name, name_or_id) == 0 ||
                    name_matches(root_fd, e->d_name, name_or_id))
                        str_copy(id, 65, e->d_name);
                else if (arg_len > 0 && strncmp(e->d_name, name_or_id, arg_len) == 0 &&
                         n_prefix++ == 0)
                        str_copy(prefix_id, sizeof(prefix_id), e->d_name);
        }
        closedir(dir);
        if (id[0] != '\0')
                return 0;
        if (seen > MOBY_CONTAINERS_MAX)
                return eg_error_set(err, 0,
                                    "more than %d containers in the store, %.64s not among "
                                    "the first",
                                    MOBY_CONTAINERS_MAX, name_or_id);
        if (n_prefix == 1) {
                str_copy(id, 65, prefix_id);
                return 0;
        }
        return eg_error_set(err, ENOENT,
                            n_prefix ? "%.64s: more than one container id starts so"
                                     : "no container %.64s in the store",
                            name_or_id);
}

static int strv_copy(const struct json_value *arr, const char *first, char ***out, size_t *n,
                     struct eg_error *err)
{
        size_t count = (arr ? arr->len : 0) + (first != NULL);

        if ((*out = calloc(count + 1, sizeof(**out))) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        if (first != NULL && ((*out)[(*n)++] = strdup(first)) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; arr && i < arr->len; i++)
                if (((*out)[(*n)++] = strdup(arr->items[i].text)) == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
        return 0;
}

static int process_fields(const struct json_value *top, struct image_config *out,
                          struct eg_error *err)
{
        const struct json_value *args, *env, *config = json_get(top, "Config");
        const char *path, *wd, *user;
        size_t n;

        if (image_json_string(top, "Path", "", &path, err) < 0 ||
            image_json_strings(top, "Args", "", &args, &n, err) < 0 ||
            (config != NULL && config->type != JSON_OBJECT &&
             image_json_object(config, "", "Config", err) < 0) ||
            image_json_strings(config, "Env", "Config.", &env, &n, err) < 0 ||
            image_json_string(config, "WorkingDir", "Config.", &wd, err) < 0 ||
            image_json_string(config, "User", "Config.", &user, err) < 0)
                return -1;
        if (str_nonempty(path) == NULL)
                return eg_error_set(err, 0, "config.v2.json: no Path (the container's program)");
        if (strv_copy(json_get(top, "Args"), path, &out->entrypoint, &out->n_entrypoint, err) < 0 ||
            strv_copy(json_get(config, "Env"), NULL, &out->env, &out->n_env, err) < 0)
                return -1;
        if ((str_nonempty(wd) && (out->working_dir = strdup(wd)) == NULL) ||
            (str_nonempty(user) && (out->user = strdup(user)) == NULL))
                return eg_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int moby_container_process(int root_fd, const char *id, struct moby_container *c,
                           struct image_config *out, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        struct json_value top;
        size_t len;
        int ret;

        memset(out, 0, sizeof(*out));
        if (read_config_v2(root_fd, id, &text, &len, err) < 0 ||
            moby_container_parse(text, len, c, err) < 0)
                return eg_error_prefix(err, "containers/%.12s/config.v2.json", id);
        ret = json_parse(text, len, MOBY_CONFIG_MAX, MOBY_JSON_DEPTH_MAX, &top, err);
        if (ret == 0)
                ret = process_fields(&top, out, err);
        json_free(&top);
        return ret < 0 ? eg_error_prefix(err, "containers/%.12s/config.v2.json", id) : 0;
}
