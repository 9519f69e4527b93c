/* The plugin's front door: Docker's plugin protocol over HTTP/1.1 on a unix
 * socket (libmicrohttpd, a thread per connection: a create's call back into
 * dockerd comes back through this plugin, so one thread would deadlock).
 *   POST /Plugin.Activate         -> {"Implements": ["authz"]}
 *   POST /AuthZPlugin.AuthZReq    -> judge_request
 *   POST /AuthZPlugin.AuthZRes    -> {"Allow": true}: it cannot undo anything
 * Bounded: request bodies (AUTHZ_ENVELOPE_MAX), connections
 * (SERVER_CONNECTIONS_MAX), idle connections (SERVER_IDLE_S), thread stacks. */
#ifndef EDGEGUARD_AUTHZ_SERVER_H
#define EDGEGUARD_AUTHZ_SERVER_H

#include "judge.h"

#define SERVER_CONNECTIONS_MAX 2000
/* dockerd keeps its connections to a plugin alive with no idle limit; a
 * long one here keeps a dead client from holding a thread for ever. */
#define SERVER_IDLE_S 300

struct server;

/* Serves on listen_fd (a bound, listening unix socket) until server_stop. */
struct server *server_start(int listen_fd, const struct judge_config *cfg, struct eg_error *err);
void server_stop(struct server *s);

/* The socket: systemd's (LISTEN_FDS, LISTEN_PID) when it handed one over
 * (*ours false), else a new one bound at path (*ours true), whose parent
 * directory is created.  A live socket at path is an error (another plugin
 * serves it); a stale one is replaced. */
int server_listen(const char *path, bool *ours, struct eg_error *err);

#endif
