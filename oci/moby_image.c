#include "moby_image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_tree.h"
#include "sha256.h"
#include "store_file.h"
#include "str.h"

#define D MOBY_STORE_DRIVER

/* docker's familiar form of a reference, as repositories.json keys it:
 * no "docker.io/library/" or "docker.io/", ":latest" when neither a tag
 * nor a digest is given (distribution/reference ParseNormalizedNamed,
 * FamiliarString, TagNameOnly). */
static void familiar(const char *ref, char *out, size_t size)
{
        const char *slash, *name = ref;

        if (strncmp(name, "docker.io/library/", 18) == 0)
                name += 18;
        else if (strncmp(name, "docker.io/", 10) == 0)
                name += 10;
        slash = strrchr(name, '/');
        if (strchr(name, '@') == NULL && strchr(slash ? slash : name, ':') == NULL)
                snprintf(out, size, "%s:latest", name);
        else
                snprintf(out, size, "%s", name);
}

static int find_in_repositories(const struct json_value *top, const char *key,
                                char id[MOBY_IMAGE_ID_SIZE], struct eg_error *err)
{
        const struct json_value *repos = json_get(top, "Repositories");

        if (repos == NULL || repos->type != JSON_OBJECT)
                return eg_error_set(err, 0, "repositories.json: no Repositories object");
        for (size_t r = 0; r < repos->len; r++) {
                const struct json_value *v = json_get(&repos->items[r], key);
                if (v == NULL)
                        continue;
                if (v->type != JSON_STRING || !image_digest_valid(v->text))
                        return eg_error_set(err, 0, "repositories.json: %.200s: not an image id",
                                            key);
                str_copy(id, MOBY_IMAGE_ID_SIZE, v->text);
                return 0;
        }
        return eg_error_set(err, ENOENT, "no image %.200s in the store's repositories.json", key);
}

int moby_image_resolve(int root_fd, const char *ref, char id[MOBY_IMAGE_ID_SIZE],
                       struct eg_error *err)
{
        static const char *const parts[] = {"image", D, "repositories.json"};
        cleanup_free char *text = NULL;
        struct json_value top;
        char key[512];
        size_t len;
        int ret;

        if (image_digest_valid(ref)) {
                str_copy(id, MOBY_IMAGE_ID_SIZE, ref);
                return 0;
        }
        if (moby_is_id(ref)) {
                snprintf(id, MOBY_IMAGE_ID_SIZE, "sha256:%s", ref);
                return 0;
        }
        if (store_read_below(root_fd, parts, 3, "repositories.json", MOBY_REPOSITORIES_MAX, &text,
                             &len, err) < 0)
                return eg_error_prefix(err, "image/" D "/repositories.json");
        familiar(ref, key, sizeof(key));
        ret = json_parse(text, len, MOBY_REPOSITORIES_MAX, 8, &top, err);
        if (ret == 0)
                ret = find_in_repositories(&top, key, id, err);
        else
                eg_error_prefix(err, "repositories.json");
        json_free(&top);
        return ret;
}

/* A layer's or mount's id as the store writes it (64 hex, "-init" for a
 * container's init layer): one plain path component. */
static int read_layer_id(int root_fd, const char *const parts[], size_t n, char *out, size_t size,
                         struct eg_error *err)
{
        cleanup_free char *text = NULL;
        size_t len;

        if (store_read_below(root_fd, parts, n, parts[n - 1], 256, &text, &len, err) < 0)
                return -1;
        if (len == 0 || len >= size || text[0] == '.')
                return eg_error_set(err, 0, "%s: not a layer id", parts[n - 1]);
        for (size_t i = 0; i < len; i++)
                if (!((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= '0' && text[i] <= '9') ||
                      text[i] == '-'))
                        return eg_error_set(err, 0, "%s: not a layer id", parts[n - 1]);
        memcpy(out, text, len + 1);
        return 0;
}

static int add_layer(int root_fd, struct moby_image *img, const char *cache_id,
                     struct eg_error *err)
{
        const char *const parts[] = {D, cache_id, "diff"};
        int *fds;
        char **names;
        int fd;

        if ((fds = realloc(img->layer_fds, (img->n_layers + 1) * sizeof(*fds))) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        img->layer_fds = fds;
        if ((names = realloc(img->layer_names, (img->n_layers + 1) * sizeof(*names))) == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        img->layer_names = names;
        if ((fd = store_open_below(root_fd, parts, 3, 1, err)) < 0)
                return eg_error_prefix(err, D "/%s/diff", cache_id);
        img->layer_fds[img->n_layers] = fd;
        if ((img->layer_names[img->n_layers] = malloc(strlen(cache_id) + 16)) == NULL) {
                close(fd);
                return eg_error_set(err, ENOMEM, "out of memory");
        }
        sprintf(img->layer_names[img->n_layers], D "/%s/diff", cache_id);
        img->n_layers++;
        return 0;
}

int moby_image_open(int root_fd, const char *id, struct moby_image *out, struct eg_error *err)
{
        const char *const parts[] = {"image", D, "imagedb", "content", "sha256", id + 7};
        cleanup_free char *text = NULL;
        char chain[IMAGE_DIGEST_SIZE], line[2 * IMAGE_DIGEST_SIZE + 1], hex[SHA256_HEX_SIZE];
        size_t len;

        memset(out, 0, sizeof(*out));
        if (!image_digest_valid(id))
                return eg_error_set(err, 0, "%.80s is not an image id", id);
        str_copy(out->id, sizeof(out->id), id);
        if (store_read_below(root_fd, parts, 6, "the image config", IMAGE_CONFIG_MAX, &text, &len,
                             err) < 0 ||
            image_digest_verify(id, text, len, "the image config", err) < 0 ||
            image_config_parse(text, len, &out->config, err) < 0)
                return eg_error_prefix(err, "image/" D "/imagedb/content/sha256/%.12s", id + 7);
        for (size_t i = 0; i < out->config.n_diff_ids; i++) {
                char cache_id[128];
                const char *const layer[] = {"image",  D,         "layerdb",
                                             "sha256", chain + 7, "cache-id"};
                if (i == 0) {
                        str_copy(chain, sizeof(chain), out->config.diff_ids[0]);
                } else {
                        snprintf(line, sizeof(line), "%s %s", chain, out->config.diff_ids[i]);
                        sha256_hex(line, strlen(line), hex);
                        snprintf(chain, sizeof(chain), "sha256:%s", hex);
                }
                if (read_layer_id(root_fd, layer, 6, cache_id, sizeof(cache_id), err) < 0)
                        return eg_error_prefix(err, "layer %zu (chain %.19s)", i, chain);
                if (add_layer(root_fd, out, cache_id, err) < 0)
                        return eg_error_prefix(err, "layer %zu", i);
        }
        return 0;
}

int moby_image_add_container_layer(int root_fd, const char *container_id, struct moby_image *img,
                                   struct eg_error *err)
{
        const char *const parts[] = {"image", D, "layerdb", "mounts", container_id, "mount-id"};
        char mount_id[128];

        if (!moby_is_id(container_id))
                return eg_error_set(err, 0, "%.80s is not a container id", container_id);
        if (read_layer_id(root_fd, parts, 6, mount_id, sizeof(mount_id), err) < 0 ||
            add_layer(root_fd, img, mount_id, err) < 0)
                return eg_error_prefix(err, "the container's layer");
        return 0;
}

struct image_fs *moby_image_fs(const struct moby_image *img, struct eg_error *err)
{
        return image_fs_from_dirs(img->layer_fds, (const char *const *)img->layer_names,
                                  img->n_layers, err);
}

void moby_image_free(struct moby_image *img)
{
        for (size_t i = 0; i < img->n_layers; i++) {
                close(img->layer_fds[i]);
                free(img->layer_names[i]);
        }
        free(img->layer_fds);
        free(img->layer_names);
        image_config_free(&img->config);
        memset(img, 0, sizeof(*img));
}
