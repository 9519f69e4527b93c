/* A recording stand-in for runc, for pass-through fidelity tests only (the
 * real runc proves everything else).  It writes what it received to
 * $FAKE_RUNC_RECORD: argv, environment, cwd, pid, ppid, open fds and their
 * targets, blocked and ignored signals.  Then it echoes stdin to stdout, marks
 * stderr, and exits with $FAKE_RUNC_EXIT.  With $FAKE_RUNC_WAIT_SIGNAL naming
 * a FIFO it announces readiness there and waits for SIGUSR1 or SIGTERM,
 * exiting 100 + the signal number. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
        got_signal = sig;
}

static void record_fds(FILE *out)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int self = d ? dirfd(d) : -1;
        char names[256][PATH_MAX + 32];
        int n = 0;

        while (d && (e = readdir(d)) != NULL && n < 256) {
                char link[64], target[PATH_MAX] = "";
                int fd = atoi(e->d_name);
                ssize_t len;
                if (e->d_name[0] == '.' || fd == self || fd == fileno(out))
                        continue;
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                len = readlink(link, target, sizeof target - 1);
                target[len > 0 ? len : 0] = '\0';
                snprintf(names[n++], sizeof names[0], "fd %d %s flags=%o", fd, target,
                         fcntl(fd, F_GETFL));
        }
        if (d)
                closedir(d);
        for (int i = 0; i < n; i++)
                fprintf(out, "%s\n", names[i]);
}

static void record_signals(FILE *out)
{
        FILE *st = fopen("/proc/self/status", "re");
        char line[256];

        while (st && fgets(line, sizeof line, st))
                if (strncmp(line, "SigBlk:", 7) == 0 || strncmp(line, "SigIgn:", 7) == 0)
                        fputs(line, out);
        if (st)
                fclose(st);
}

int main(int argc, char *argv[])
{
        const char *path = getenv("FAKE_RUNC_RECORD");
        const char *wait_fifo = getenv("FAKE_RUNC_WAIT_SIGNAL");
        const char *code = getenv("FAKE_RUNC_EXIT");
        char cwd[PATH_MAX], buf[4096];
        FILE *out = path ? fopen(path, "we") : NULL;
        ssize_t n;

        if (out == NULL)
                return 97;
        for (int i = 0; i < argc; i++)
                fprintf(out, "argv[%d]=%s\n", i, argv[i]);
        for (char **e = environ; *e; e++)
                fprintf(out, "env=%s\n", *e);
        fprintf(out, "cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
        fprintf(out, "pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
        record_fds(out);
        record_signals(out);
        fclose(out);

        if (wait_fifo != NULL) {
                struct sigaction sa = {.sa_handler = on_signal};
                sigset_t none;
                int fd;
                sigemptyset(&none);
                sigaction(SIGUSR1, &sa, NULL);
                sigaction(SIGTERM, &sa, NULL);
                fd = open(wait_fifo, O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, "ready\n", 6) != 6)
                        return 98;
                close(fd);
                while (!got_signal)
                        sigsuspend(&none);
                return 100 + got_signal;
        }

        fputs("fake-runc stdout\n", stdout);
        fflush(stdout);
        while ((n = read(0, buf, sizeof buf)) > 0)
                if (write(1, buf, (size_t)n) != n)
                        return 96;
        fputs("fake-runc stderr\n", stderr);
        return code ? atoi(code) : 0;
}
