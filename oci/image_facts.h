/* The facts of an image, gathered as the shim gathers a bundle's: the
 * process dockerd would make of the image config (image_config_spec),
 * with config.User resolved through the image's own /etc/passwd and
 * /etc/group (read through the layered view, symlinks confined to the
 * image as moby's getUser reads them), judged over the layers by
 * facts_gather_image; the config's platform is the declared one. */
#ifndef EDGEGUARD_IMAGE_FACTS_H
#define EDGEGUARD_IMAGE_FACTS_H

#include "error.h"
#include "facts.h"
#include "image_config.h"
#include "image_fs.h"

/* /etc/passwd and /etc/group are read up to this: real ones are a few
 * KiB; runc reads them whole without a bound. */
#define IMAGE_ACCOUNTS_MAX (1u << 20)

/* Fills out (facts_free it either way).  -1 when no process can be made
 * of the config: no command, or a User the image's files do not resolve
 * (dockerd refuses such a create, naming the user). */
int image_facts_gather(const struct image_config *c, struct image_fs *fs, struct bundle_facts *out,
                       struct eg_error *err);

#endif
