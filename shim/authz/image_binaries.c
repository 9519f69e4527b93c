#include "image_binaries.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../oci/image_facts.h"
#include "../../oci/moby_image.h"

static size_t env_key_len(const char *e)
{
        const char *eq = strchr(e, '=');
        return eq ? (size_t)(eq - e) : strlen(e);
}

static bool env_has_key(const struct authz_strv *v, const char *e)
{
        size_t n = env_key_len(e);

        for (size_t i = 0; i < v->len; i++)
                if (env_key_len(v->items[i]) == n && strncmp(v->items[i], e, n) == 0)
                        return true;
        return false;
}

/* c: the image's config with the body's fields over it; its arrays borrow
 * the body's and the image's strings, *env is the one allocation. */
static int merge(const struct image_config *img, const struct authz_body *b, struct image_config *c,
                 char ***env, struct eg_error *err)
{
        size_t n = 0;

        *c = *img;
        c->n_diff_ids = 0;
        c->diff_ids = NULL;
        if (b->entrypoint.len == 0) {
                if (b->cmd.len > 0) {
                        c->cmd = b->cmd.items;
                        c->n_cmd = b->cmd.len;
                }
                if (b->entrypoint.present) { /* [] stays empty: no entrypoint */
                        c->entrypoint = NULL;
                        c->n_entrypoint = 0;
                }
        } else {
                c->entrypoint = b->entrypoint.items;
                c->n_entrypoint = b->entrypoint.len;
                c->cmd = b->cmd.len ? b->cmd.items : NULL;
                c->n_cmd = b->cmd.len;
        }
        if (b->env.len > 0) {
                if ((*env = calloc(b->env.len + img->n_env + 1, sizeof(**env))) == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
                for (size_t i = 0; i < b->env.len; i++)
                        (*env)[n++] = b->env.items[i];
                for (size_t i = 0; i < img->n_env; i++)
                        if (!env_has_key(&b->env, img->env[i]))
                                (*env)[n++] = img->env[i];
                c->env = *env;
                c->n_env = n;
        }
        if (b->working_dir && b->working_dir[0])
                c->working_dir = b->working_dir;
        if (b->user && b->user[0])
                c->user = b->user;
        return 0;
}

int image_binaries_gather(const char *docker_root, const char *driver, const char *image_id,
                          const struct authz_body *body, struct bundle_facts *out,
                          struct eg_error *err)
{
        cleanup_close int root_fd = -1;
        cleanup_free char **env = NULL;
        struct moby_image img = {0};
        struct image_config c;
        struct image_fs *fs = NULL;
        int rc = -1;

        memset(out, 0, sizeof(*out));
        if (strcmp(driver, MOBY_STORE_DRIVER) != 0)
                return eg_error_set(err, 0,
                                    "dockerd's storage driver is \"%.32s\": edgeguard reads the "
                                    "layers of %s only",
                                    driver, MOBY_STORE_DRIVER);
        if (docker_root[0] != '/' ||
            (root_fd = open(docker_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return eg_error_set(err, docker_root[0] == '/' ? errno : EINVAL,
                                    "dockerd's root directory \"%.300s\"", docker_root);
        if (moby_image_open(root_fd, image_id, &img, err) < 0) {
                eg_error_prefix(err, "image %.80s in %.300s", image_id, docker_root);
        } else if (merge(&img.config, body, &c, &env, err) == 0) {
                if ((fs = moby_image_fs(&img, err)) != NULL &&
                    image_facts_gather(&c, fs, out, err) == 0)
                        rc = 0;
        }
        image_fs_free(fs);
        moby_image_free(&img);
        return rc;
}

void image_binaries_free(struct bundle_facts *f)
{
        facts_free(f);
}

bool image_binaries_readable(void)
{
        return true;
}
