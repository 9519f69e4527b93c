/* Who a container is when podman created it.  podman's spec names neither
 * the container nor its image (its annotations are io.container.manager
 * "libpod" and io.podman.annotations.* flags); its bundle is
 * containers/storage's "<graphroot>/<driver>-containers/<id>/userdata",
 * and that store's "<driver>-containers/containers.json" lists each
 * container's "names" and, in its "metadata" string (JSON again),
 * "image-name" and "image-id" (podman 4.3, containers/storage 1.43). */
#ifndef EDGEGUARD_PODMAN_STORE_H
#define EDGEGUARD_PODMAN_STORE_H

#include <stdbool.h>

#include "../oci/spec.h"

#define PODMAN_STORE_SIZE_MAX (8u << 20) /* containers.json of some thousands of containers */

struct podman_facts {
        const char *status; /* "read", "absent", "invalid", "not found" */
        char detail[512];   /* the file read, or why not */
        char name[256];
        char image[512];
        char image_id[80];
};

/* Whether the spec says podman (libpod) made it. */
bool podman_spec_is_libpod(const struct spec *s);

/* Fills out from the store beside bundle_abs for container id; fields stay
 * empty when not found.  Never fails: what went wrong is in status/detail. */
void podman_store_read(const char *bundle_abs, const char *id, struct podman_facts *out);

#endif
