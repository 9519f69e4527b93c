/* The plugin's TCP listener on Windows (listen_tcp.c). */
#ifndef EDGEGUARD_WIN_LISTEN_TCP_H
#define EDGEGUARD_WIN_LISTEN_TCP_H

#include <winsock2.h>

#include "../../oci/error.h"

/* "127.x.y.z:PORT" into *out; a non-loopback address or a port outside
 * 1-65535 is an error naming the text. */
int listen_tcp_parse(const char *text, struct sockaddr_in *out, struct eg_error *err);

/* A listening socket at addr, exclusively (SO_EXCLUSIVEADDRUSE), not
 * inherited by child processes; err (EADDRINUSE: another process holds the
 * port).  WSAStartup must have been called. */
int listen_tcp(const struct sockaddr_in *addr, const char *text, struct eg_error *err);

#endif
