/* sd_notify_wait SECONDS LOG -- DAEMON [ARG...]: starts DAEMON in its own
 * session, stdout and stderr appended to LOG, with NOTIFY_SOCKET set to a
 * private abstract socket, and returns once it sends READY=1 (dockerd and
 * containerd both do, as under systemd).  Prints the daemon's pid and
 * leaves it running.  Fails, killing it, when it exits first or stays
 * silent for SECONDS: readiness is the daemon's word, never a guess. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void start_daemon(const char *log, const char *socket_name, char *argv[])
{
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

        if (out < 0 || null < 0 || setsid() < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(out, 2) < 0 || setenv("NOTIFY_SOCKET", socket_name, 1) < 0) {
                perror("sd_notify_wait: preparing the daemon");
                _exit(127);
        }
        /* The daemon outlives the caller: an fd it inherited stays open as
         * long as it runs.  `flock /tmp/edgeguard-engines.lock
         * hack/containerd.sh start DIR` then held the engines' lock until
         * the daemon was stopped, blocking every other engineer's tests. */
        if (close_range(3, ~0U, 0) < 0) {
                perror("sd_notify_wait: closing inherited fds");
                _exit(127);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "sd_notify_wait: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
}

int main(int argc, char *argv[])
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        char name[64];
        struct pollfd fds[2];
        long long deadline;
        pid_t pid;
        int sock;

        if (argc < 5 || strcmp(argv[3], "--") != 0 || atoi(argv[1]) <= 0) {
                fprintf(stderr, "usage: sd_notify_wait SECONDS LOG -- DAEMON [ARG...]\n");
                return 2;
        }
        /* abstract: nothing to clean up, and no path length limit to meet */
        snprintf(name, sizeof(name), "@edgeguard-notify-%d", (int)getpid());
        memcpy(addr.sun_path + 1, name + 1, strlen(name) - 1);
        sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0 ||
            bind(sock, (struct sockaddr *)&addr,
                 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name))) < 0) {
                perror("sd_notify_wait: socket");
                return 1;
        }
        if ((pid = fork()) < 0) {
                perror("sd_notify_wait: fork");
                return 1;
        }
        if (pid == 0)
                start_daemon(argv[2], name, argv + 4);

        fds[0] = (struct pollfd){.fd = sock, .events = POLLIN};
        fds[1] = (struct pollfd){.fd = (int)syscall(SYS_pidfd_open, pid, 0), .events = POLLIN};
        deadline = now_ms() + atoi(argv[1]) * 1000LL;
        for (;;) {
                char msg[4096];
                long long left = deadline - now_ms();
                int n;

                if (left <= 0) {
                        fprintf(stderr, "sd_notify_wait: %s sent no READY=1 in %s s (see %s)\n",
                                argv[4], argv[1], argv[2]);
                        kill(pid, SIGKILL);
                        return 1;
                }
                n = poll(fds, fds[1].fd >= 0 ? 2 : 1, (int)(left > 1000 ? 1000 : left));
                if (n < 0 && errno != EINTR) {
                        perror("sd_notify_wait: poll");
                        kill(pid, SIGKILL);
                        return 1;
                }
                if (fds[1].fd >= 0 && (fds[1].revents & POLLIN)) {
                        int status = 0;
                        waitpid(pid, &status, 0);
                        fprintf(stderr,
                                "sd_notify_wait: %s exited (status %d) before READY=1 "
                                "(see %s)\n",
                                argv[4], status, argv[2]);
                        return 1;
                }
                if (n <= 0 || !(fds[0].revents & POLLIN))
                        continue;
                n = (int)recv(sock, msg, sizeof(msg) - 1, 0);
                if (n <= 0)
                        continue;
                msg[n] = '\0';
                /* newline-separated assignments; READY=1 may come with others */
                for (char *line = strtok(msg, "\n"); line; line = strtok(NULL, "\n")) {
                        if (strcmp(line, "READY=1") == 0) {
                                printf("%d\n", (int)pid);
                                return 0;
                        }
                }
        }
}
