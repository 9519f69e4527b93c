/* The plugin's listener on Windows: TCP on a loopback address, with
 * exclusive address use (SO_EXCLUSIVEADDRUSE): no other process, whatever
 * its SO_REUSEADDR, can bind the port while the plugin holds it, nor take
 * over requests meant for it.  dockerd reads the address from
 * %ProgramData%\docker\plugins\edgeguard.spec (tcp://, plain HTTP) and keeps
 * it after activation, so the port is fixed. */
#ifdef _WIN32
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include "listen_tcp.h"

int listen_tcp_parse(const char *text, struct sockaddr_in *out, struct eg_error *err)
{
        char host[64];
        const char *colon = strrchr(text, ':');
        char *end;
        unsigned long port;

        memset(out, 0, sizeof(*out));
        out->sin_family = AF_INET;
        if (colon == NULL || (size_t)(colon - text) >= sizeof(host))
                return eg_error_set(err, EINVAL, "--listen \"%s\" is not 127.0.0.1:PORT", text);
        memcpy(host, text, (size_t)(colon - text));
        host[colon - text] = '\0';
        errno = 0;
        port = strtoul(colon + 1, &end, 10);
        if (colon[1] == '\0' || *end != '\0' || errno || port == 0 || port > 65535)
                return eg_error_set(err, EINVAL, "--listen \"%s\": no port 1-65535", text);
        if (inet_pton(AF_INET, host, &out->sin_addr) != 1)
                return eg_error_set(err, EINVAL, "--listen \"%s\": %s is not an IPv4 address", text,
                                    host);
        /* the plugin answers for dockerd on this host alone */
        if ((ntohl(out->sin_addr.s_addr) >> 24) != 127)
                return eg_error_set(err, EINVAL,
                                    "--listen \"%s\": not a loopback address (127.0.0.0/8)", text);
        out->sin_port = htons((unsigned short)port);
        return 0;
}

int listen_tcp(const struct sockaddr_in *addr, const char *text, struct eg_error *err)
{
        SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                              WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        BOOL on = TRUE;

        if (s == INVALID_SOCKET)
                return eg_error_set(err, EIO, "socket: Windows error %d", WSAGetLastError());
        if (setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on, sizeof(on)) != 0) {
                eg_error_set(err, EIO, "SO_EXCLUSIVEADDRUSE: Windows error %d", WSAGetLastError());
                closesocket(s);
                return -1;
        }
        if (bind(s, (const struct sockaddr *)addr, sizeof(*addr)) != 0) {
                int e = WSAGetLastError();
                eg_error_set(err, e == WSAEADDRINUSE || e == WSAEACCES ? EADDRINUSE : EIO,
                             "binding %s: %s (Windows error %d)", text,
                             e == WSAEADDRINUSE || e == WSAEACCES ? "another process holds the port"
                                                                  : "failed",
                             e);
                closesocket(s);
                return -1;
        }
        if (listen(s, SOMAXCONN) != 0) {
                eg_error_set(err, EIO, "listening on %s: Windows error %d", text,
                             WSAGetLastError());
                closesocket(s);
                return -1;
        }
        /* a SOCKET is a kernel handle value, far below INT_MAX; server_start
         * takes an int as on Linux and hands it to libmicrohttpd as MHD_socket */
        return (int)s;
}
#endif
