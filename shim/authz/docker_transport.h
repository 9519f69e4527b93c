/* How the plugin reaches dockerd's API: a unix socket on Linux
 * (docker_transport_unix.c), the named pipe \\.\pipe\docker_engine on
 * Windows (shim/win/docker_transport_pipe.c). */
#ifndef EDGEGUARD_AUTHZ_DOCKER_TRANSPORT_H
#define EDGEGUARD_AUTHZ_DOCKER_TRANSPORT_H

#include <stddef.h>

#include "../../oci/error.h"

/* Sends request (len bytes) to address (a socket path or a pipe name) and
 * reads the answer into buf until dockerd closes the connection or cap
 * bytes arrived (*used == cap: the caller's "too large").  Everything
 * together within timeout_ms.  Returns -1 (err set) on any failure. */
int docker_transport_get(const char *address, const char *request, size_t len, int timeout_ms,
                         char *buf, size_t cap, size_t *used, struct eg_error *err);

#endif
