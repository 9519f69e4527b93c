/* The binaries of the image a create names, judged as `edgeguard check
 * --image` judges them: the image's overlay2 layers in dockerd's store
 * (moby_image_open, confined below DockerRootDir), the process dockerd
 * would make of the image config with the create's overrides merged over
 * it, then the facts path (image_facts_gather).  Linux only: the Windows
 * build has a stub that reads nothing (a seam). */
#ifndef EDGEGUARD_AUTHZ_IMAGE_BINARIES_H
#define EDGEGUARD_AUTHZ_IMAGE_BINARIES_H

#include <stdbool.h>

#include "../../oci/authz_request.h"
#include "../../oci/error.h"
#include "../../oci/facts.h"

/* docker_root and driver: GET /info's DockerRootDir and Driver; image_id:
 * GET /images/{ref}/json's Id ("sha256:<64 hex>"); body: the create's.
 * The body is merged over the image config as dockerd's merge() does
 * (moby daemon/commit.go, called by daemon/create.go): an Entrypoint of one
 * or more items replaces the image's and its Cmd (only the body's Cmd is
 * kept); an absent Entrypoint keeps the image's; an empty Cmd (with no
 * Entrypoint of its own) takes the image's Cmd; Env entries replace the
 * image's of the same name (the body's first, then the image's others);
 * an empty WorkingDir or User keeps the image's.
 * Returns 0 with out filled (image_binaries_free it either way), -1 with err
 * naming what could not be read (not overlay2, the image not in the
 * store, a layer, no command), 1 when this build reads no layers. */
int image_binaries_gather(const char *docker_root, const char *driver, const char *image_id,
                          const struct authz_body *body, struct bundle_facts *out,
                          struct eg_error *err);

/* False for a build that reads no image layers (Windows): the image's
 * reported platform is then all there is to judge, and that is no failure. */
bool image_binaries_readable(void);

/* facts_free on Linux; nothing on Windows, whose build has no facts path. */
void image_binaries_free(struct bundle_facts *f);

#endif
