/* An image (and a container's own layer) in dockerd's store, read from
 * the files under docker_root without dockerd (DESIGN.md "Images without
 * a bundle"), for `edgeguard check --image/--container`:
 *   image/<driver>/repositories.json   reference -> image id
 *   image/<driver>/imagedb/content/sha256/<id>   the config (hashes to id)
 *   rootfs.diff_ids -> chain ids: chain(0) = diff(0), chain(n) =
 *     sha256("chain(n-1) diff(n)") (moby layer/layer.go CreateChainID)
 *   image/<driver>/layerdb/sha256/<chain>/cache-id -> <driver>/<cache-id>/diff
 *   image/<driver>/layerdb/mounts/<container id>/mount-id -> the
 *     container's own layer <driver>/<mount-id>/diff
 * Only overlay2's layout is read (Docker <= 28's default; Docker 29's
 * containerd image store has none of these files). */
#ifndef EDGEGUARD_MOBY_IMAGE_H
#define EDGEGUARD_MOBY_IMAGE_H

#include <stddef.h>

#include "error.h"
#include "image_config.h"
#include "image_fs.h"
#include "moby.h"

#define MOBY_REPOSITORIES_MAX (8u << 20) /* one line per tag; thousands of tags */
#define MOBY_STORE_DRIVER     "overlay2"
/* containers scanned for a name: a device runs dozens */
#define MOBY_CONTAINERS_MAX 4096

struct moby_image {
        char id[MOBY_IMAGE_ID_SIZE]; /* "sha256:<64 hex>" */
        struct image_config config;
        size_t n_layers;    /* image layers, plus the container's own when read */
        int *layer_fds;     /* O_RDONLY | O_DIRECTORY, bottom first */
        char **layer_names; /* "overlay2/<cache-id>/diff" */
};

/* The image id a reference names: "sha256:<64 hex>" or its 64 hex digits
 * as they are; otherwise docker's familiar form ("busybox" is
 * "busybox:latest", "docker.io/library/" dropped) looked up in
 * repositories.json.  ENOENT when the store has no such reference. */
int moby_image_resolve(int root_fd, const char *ref, char id[MOBY_IMAGE_ID_SIZE],
                       struct eg_error *err);

/* Reads the config of image id (verified against the id) and opens its
 * layer directories.  moby_image_free it either way. */
int moby_image_open(int root_fd, const char *id, struct moby_image *out, struct eg_error *err);

/* Adds the container's own layer (its mount-id's diff directory) on top. */
int moby_image_add_container_layer(int root_fd, const char *container_id, struct moby_image *img,
                                   struct eg_error *err);

/* image_fs over the layer directories (image_fs_from_dirs). */
struct image_fs *moby_image_fs(const struct moby_image *img, struct eg_error *err);

void moby_image_free(struct moby_image *img);

/* The container `name_or_id` names: its full id, a unique prefix of one,
 * or its name (with or without the leading '/'), as the docker CLI
 * accepts them; id receives the 64 hex digits. */
int moby_container_find(int root_fd, const char *name_or_id, char id[65], struct eg_error *err);

/* What dockerd handed runc for the container (config.v2.json: Path and
 * Args, Config.Env, Config.WorkingDir, Config.User), as a config whose
 * Entrypoint is Path + Args and with no Cmd, so image_config_spec makes
 * the same process of it; plus the container's store facts. */
int moby_container_process(int root_fd, const char *id, struct moby_container *c,
                           struct image_config *out, struct eg_error *err);

#endif
