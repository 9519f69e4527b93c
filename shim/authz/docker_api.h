/* The plugin's own calls back into dockerd: the image's platform and the
 * daemon's defaults.  Each call is one HTTP/1.0 GET on the docker socket,
 * bounded in wall-clock time as a whole (connect, write, every read): a
 * daemon that accepts and never answers must not hold a create for ever.
 * The call comes back through this plugin as an allow-listed AuthZ request,
 * which is why the server runs a thread per connection. */
#ifndef EDGEGUARD_AUTHZ_DOCKER_API_H
#define EDGEGUARD_AUTHZ_DOCKER_API_H

#include "../../policy/authz_decide.h"

#define DOCKER_API_TIMEOUT_MS 5000
#define DOCKER_API_REPLY_MAX  (1u << 20)

/* GET /images/{ref}/json: the image's Id, Os, Architecture, Variant, OsVersion. */
void docker_api_image(const char *socket_path, const char *ref, int timeout_ms,
                      struct authz_image *out);

/* GET /info: Isolation, DefaultRuntime, DockerRootDir and Driver. */
void docker_api_info(const char *socket_path, int timeout_ms, struct authz_daemon *out);

/* One GET: the status code and the body (malloc'd, NUL-terminated, at most
 * max bytes).  Returns -1 when there was no whole answer in time. */
int docker_api_get(const char *socket_path, const char *path, int timeout_ms, size_t max,
                   int *status, char **body, size_t *len, struct eg_error *err);

#endif
