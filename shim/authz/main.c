/* edgeguard-authz: Docker's authorization plugin, the engine's door to the
 * same policy as the runtime's.  `edgeguard-authz [--socket PATH] [--policy
 * FILE] [--docker-host unix://PATH]` serves; `edgeguard-authz check ...`
 * explains a recorded request. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../oci/cleanup.h"
#include "../version.h"
#include "authz_check.h"
#include "docker_api.h"
#include "../options.h"
#include "server.h"
#include "../ia32_probe.h"

#define DEFAULT_SOCKET      "/run/docker/plugins/edgeguard.sock"
#define DEFAULT_DOCKER_HOST "unix:///run/docker.sock"

static const char usage[] =
        "usage: edgeguard-authz [--socket PATH] [--policy FILE]\n"
        "                       [--docker-host unix://PATH]\n"
        "       edgeguard-authz check [--json] [--policy FILE]\n"
        "                             [--host OS/ARCH[/VARIANT]]\n"
        "                             [--image-platform OS/ARCH[/VARIANT]]\n"
        "                             [--daemon-isolation X]\n"
        "                             [--default-runtime NAME] REQUEST.json\n"
        "Docker's authorization plugin for edgeguard's policy (default socket\n" DEFAULT_SOCKET
        "; a socket handed over by systemd wins).\n"
        "Register it with daemon.json \"authorization-plugins\": [\"edgeguard\"].\n";

/* sd_notify(3)'s READY=1, for Type=notify units and tests: the socket
 * listens and the server runs.  Abstract sockets are spelt "@name". */
static void notify_ready(void)
{
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        size_t n;
        int fd;

        if (path == NULL || (path[0] != '/' && path[0] != '@') ||
            (n = strlen(path)) >= sizeof(addr.sun_path))
                return;
        memcpy(addr.sun_path, path, n);
        if (path[0] == '@')
                addr.sun_path[0] = '\0';
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return;
        (void)sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&addr,
                     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
        close(fd);
        unsetenv("NOTIFY_SOCKET");
}

/* A thousand connections from dockerd need a thousand fds. */
static void raise_fd_limit(void)
{
        struct rlimit r;

        if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
                r.rlim_cur = r.rlim_max;
                setrlimit(RLIMIT_NOFILE, &r);
        }
}

static int serve(const char *socket_path, const char *policy, bool policy_named,
                 const char *docker_socket)
{
        cleanup_free struct host_facts *host = malloc(sizeof(*host));
        struct judge_config cfg = {.policy_path = policy,
                                   .policy_named = policy_named,
                                   .docker_socket = docker_socket,
                                   .timeout_ms = DOCKER_API_TIMEOUT_MS,
                                   .write_log = true};
        struct host_sources sources;
        struct eg_error err = {0}, host_err = {0};
        struct server *s;
        sigset_t set;
        bool ours;
        int fd, sig;

        if (host == NULL)
                return fprintf(stderr, "edgeguard-authz: out of memory\n"), 1;
        host_sources_default(&sources);
        sources.probe_ia32 = ia32_probe_cached; /* 386 only where it runs */
        if (host_detect(&sources, host, &host_err) == 0)
                cfg.host = host;
        else
                cfg.host_error = host_err.msg; /* every create is refused, and says why */
        raise_fd_limit();
        /* every thread inherits this mask: the signals are taken by sigwait
         * below, and SIGALRM only by the thread that waits for the repeat
         * table's lock (repeat_state.c) */
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        sigaddset(&set, SIGALRM);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
        if ((fd = server_listen(socket_path, &ours, &err)) < 0) {
                fprintf(stderr, "edgeguard-authz: %s\n", err.msg);
                return 1;
        }
        if ((s = server_start(fd, &cfg, &err)) == NULL) {
                fprintf(stderr, "edgeguard-authz: %s\n", err.msg);
                return 1;
        }
        fprintf(stderr, "edgeguard-authz %s: serving on %s (policy %s, dockerd at %s)\n",
                EDGEGUARD_VERSION, ours ? socket_path : "the socket systemd handed over", policy,
                docker_socket);
        notify_ready();
        sigdelset(&set, SIGALRM);
        do {
                if (sigwait(&set, &sig) != 0)
                        sig = SIGTERM;
                /* SIGHUP: nothing to reload, the policy is read for each decision */
        } while (sig == SIGHUP);
        server_stop(s);
        close(fd);
        if (ours)
                unlink(socket_path);
        return 0;
}

int main(int argc, char *argv[])
{
        const char *socket_path = DEFAULT_SOCKET, *docker_host = DEFAULT_DOCKER_HOST;
        const char *policy = NULL;

        if (argc >= 2 && strcmp(argv[1], "check") == 0)
                return authz_check_main(argc - 1, argv + 1);
        for (int i = 1; i < argc; i++) {
                bool missing = false;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        fputs(usage, stdout);
                        return 0;
                }
                if (strcmp(argv[i], "--version") == 0) {
                        printf("edgeguard-authz %s\n", EDGEGUARD_VERSION);
                        return 0;
                }
                if (option(argv, &i, argc, "--socket", &socket_path, &missing) ||
                    option(argv, &i, argc, "--policy", &policy, &missing) ||
                    option(argv, &i, argc, "--docker-host", &docker_host, &missing)) {
                        if (missing)
                                return fprintf(stderr, "edgeguard-authz: %s needs a value\n%s",
                                               argv[i], usage),
                                       2;
                        continue;
                }
                return fprintf(stderr, "edgeguard-authz: unknown argument \"%s\"\n%s", argv[i],
                               usage),
                       2;
        }
        if (strncmp(docker_host, "unix://", 7) != 0 || docker_host[7] != '/')
                return fprintf(stderr,
                               "edgeguard-authz: --docker-host \"%s\" is not unix:///PATH "
                               "(the only transport so far)\n",
                               docker_host),
                       2;
        if (socket_path[0] != '/')
                return fprintf(stderr, "edgeguard-authz: --socket \"%s\" is not absolute\n",
                               socket_path),
                       2;
        return serve(socket_path, policy ? policy : POLICY_DEFAULT_PATH, policy != NULL,
                     docker_host + 7);
}
