/* What dockerd's own store says about a container: its name (the IoT Edge
 * module name), the image reference and id, and the platform the image
 * declares.  Read from the files, never through dockerd's API: dockerd
 * holds the container's lock while it starts it, so a call back could
 * deadlock.  The files are as untrusted as the rootfs: bounded, and every
 * field checked for type and form. */
#ifndef EDGEGUARD_MOBY_H
#define EDGEGUARD_MOBY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "platform.h"

#define MOBY_CONFIG_MAX       (512u << 10) /* config.v2.json: dockerd writes ~10 KiB */
#define MOBY_IMAGE_CONFIG_MAX (512u << 10)
#define MOBY_JSON_DEPTH_MAX   32
#define MOBY_IMAGE_ID_SIZE    (sizeof("sha256:") + 64)

struct moby_container {
        char name[256];                    /* config.v2.json "Name" without its leading '/' */
        char image_ref[512];               /* "Config"."Image": the reference as deployed */
        char image_id[MOBY_IMAGE_ID_SIZE]; /* "Image": "sha256:<64 hex>", "" when not one */
        char driver[64];                   /* "Driver": where the image config lies */
};

/* Parses config.v2.json.  Name and Config.Image must be strings when
 * present; an "Image" that is not a sha256 id or a "Driver" that is not a
 * plain name leave those fields empty rather than failing. */
int moby_container_parse(const char *text, size_t len, struct moby_container *out,
                         struct eg_error *err);

/* Parses an image config (image/<driver>/imagedb/content/sha256/<hex>) for
 * the platform it declares: "os", "architecture", "variant", normalized.
 * *declared is false when it names no architecture and no OS. */
int moby_image_parse(const char *text, size_t len, struct platform *out, bool *declared,
                     struct eg_error *err);

/* True for the 64 lower-case hex digits dockerd uses as container ids (and
 * passes to the runtime unchanged). */
bool moby_is_id(const char *id);

enum moby_status {
        MOBY_SKIPPED, /* no docker root, or an id that is not a docker id */
        MOBY_ABSENT,  /* no such container in the store: another engine, or another root */
        MOBY_INVALID, /* a file there is unreadable or malformed: detail says which */
        MOBY_PARTIAL, /* the container, but not its image config */
        MOBY_READ,    /* the container and its image config */
};

struct moby_facts {
        enum moby_status status;
        char detail[640];
        struct moby_container container;
        bool has_platform;
        struct platform platform;
        char platform_problem[160]; /* the image config names no valid platform */
};

/* Reads the store under docker_root for the container id.  Never fails:
 * everything that goes wrong is a status and a detail for the record. */
void moby_store_read(const char *docker_root, const char *id, struct moby_facts *out);

const char *moby_status_name(enum moby_status s);

#endif
