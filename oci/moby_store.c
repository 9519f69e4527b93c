/* Reading dockerd's store: <root>/containers/<id>/config.v2.json, then
 * <root>/image/<driver>/imagedb/content/sha256/<hex>.  The root itself may
 * be a symlink (devices move /var/lib/docker to a data partition); nothing
 * below it is followed (store_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "moby.h"
#include "sha256.h"
#include "store_file.h"
#include "str.h"
#include "whole_file.h"

static void image_config(int root_fd, const char *root, struct moby_facts *out)
{
        const struct moby_container *c = &out->container;
        const char *hex = c->image_id + 7;
        const char *const parts[] = {"image", c->driver, "imagedb", "content", "sha256", hex};
        cleanup_free char *text = NULL;
        char digest[SHA256_HEX_SIZE];
        size_t len;
        struct eg_error err = {0};

        if (store_read_below(root_fd, parts, 6, "the image config", MOBY_IMAGE_CONFIG_MAX, &text,
                             &len, &err) < 0) {
                snprintf(out->detail, sizeof(out->detail),
                         "%.200s/image/%s/imagedb/content/sha256/%.12s...: %.300s", root, c->driver,
                         hex, err.msg);
                return;
        }
        /* the file is named for its content: anything else is not the image */
        sha256_hex(text, len, digest);
        if (strcmp(digest, hex) != 0) {
                out->status = MOBY_INVALID;
                snprintf(out->detail, sizeof(out->detail),
                         "the image config of %.80s does not hash to its name (sha256:%.12s...)",
                         c->image_id, digest);
                return;
        }
        if (moby_image_parse(text, len, &out->platform, &out->has_platform, &err) < 0) {
                out->status = MOBY_INVALID;
                snprintf(out->platform_problem, sizeof(out->platform_problem),
                         "moby image config: %.140s", err.msg);
                snprintf(out->detail, sizeof(out->detail), "the image config of %.80s: %.400s",
                         c->image_id, err.msg);
                return;
        }
        out->status = MOBY_READ;
        snprintf(out->detail, sizeof(out->detail), "%.200s: container and image config read", root);
}

void moby_store_read(const char *docker_root, const char *id, struct moby_facts *out)
{
        const char *const config_parts[] = {"containers", id, "config.v2.json"};
        cleanup_close int root_fd = -1;
        cleanup_free char *text = NULL;
        size_t len;
        struct eg_error err = {0};

        memset(out, 0, sizeof(*out));
        out->status = MOBY_SKIPPED;
        if (docker_root == NULL || docker_root[0] == '\0') {
                str_copy(out->detail, sizeof(out->detail), "no docker root configured");
                return;
        }
        if (!moby_is_id(id)) {
                str_copy(out->detail, sizeof(out->detail),
                         "the container id is not a docker id (64 hex digits)");
                return;
        }

        out->status = MOBY_ABSENT;
        root_fd = open(docker_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0) {
                snprintf(out->detail, sizeof(out->detail), "%.300s: %s", docker_root,
                         strerror(errno));
                return;
        }
        if (store_read_below(root_fd, config_parts, 3, "config.v2.json", MOBY_CONFIG_MAX, &text,
                             &len, &err) < 0 ||
            moby_container_parse(text, len, &out->container, &err) < 0) {
                /* a missing file says "not ours"; anything else is a fault */
                if (err.errnum != ENOENT)
                        out->status = MOBY_INVALID;
                snprintf(out->detail, sizeof(out->detail),
                         "%.200s/containers/%.12s.../config.v2.json: %.300s", docker_root, id,
                         err.msg);
                return;
        }
        out->status = MOBY_PARTIAL;
        if (out->container.image_id[0] == '\0' || out->container.driver[0] == '\0') {
                snprintf(out->detail, sizeof(out->detail),
                         "%.200s/containers/%.12s.../config.v2.json names no image id and "
                         "storage driver to find the image config by",
                         docker_root, id);
                return;
        }
        image_config(root_fd, docker_root, out);
}
