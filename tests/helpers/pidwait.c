/* pidwait PID: returns when the process exits, woken by the kernel through a
 * pidfd (no polling, no sleeps).  Exits 0, or 1 with a message. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
        struct pollfd p = {.events = POLLIN};

        if (argc != 2) {
                fprintf(stderr, "usage: pidwait PID\n");
                return 2;
        }
        p.fd = (int)syscall(SYS_pidfd_open, atoi(argv[1]), 0);
        if (p.fd < 0) {
                perror("pidfd_open");
                return 1;
        }
        if (poll(&p, 1, -1) != 1) {
                perror("poll");
                return 1;
        }
        return 0;
}
