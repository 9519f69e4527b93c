#include "repeat_state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/whole_file.h"

/* Holders are edgeguard processes that keep the lock for a read and a
 * write; one that keeps it longer must not delay a container start for
 * long.  Waiters sleep in flock() until the lock is free, so that a holder
 * preempted among a hundred simultaneous creates on two cores gets the CPU
 * back (polling waiters took it from him, and some waited out the bound);
 * a one-shot timer bounds the wait in wall-clock time. */
#define LOCK_WAIT_S 1

struct scratch {
        struct repeat_table table;
        char out[REPEAT_STATE_MAX];
};

static void wake_up(int sig)
{
        (void)sig; /* only to interrupt flock() with EINTR */
}

static int lock_bounded(int fd)
{
        struct sigaction on_alarm = {.sa_handler = wake_up}, saved;
        const struct itimerval once = {.it_value = {.tv_sec = LOCK_WAIT_S}}, off = {0};
        sigset_t alarm_only, saved_mask;
        int ret = -1;

        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                return 0;
        if (errno != EWOULDBLOCK)
                return -1;
        /* no SA_RESTART: the timer's signal ends the wait; unblocked while
         * waiting, as a caller's mask (inherited through exec) may block it */
        sigemptyset(&on_alarm.sa_mask);
        sigemptyset(&alarm_only);
        sigaddset(&alarm_only, SIGALRM);
        if (sigaction(SIGALRM, &on_alarm, &saved) < 0)
                return -1;
        if (sigprocmask(SIG_UNBLOCK, &alarm_only, &saved_mask) == 0) {
                if (setitimer(ITIMER_REAL, &once, NULL) == 0)
                        ret = flock(fd, LOCK_EX);
                /* disarmed before anything else: runc inherits a timer
                 * through exec; a signal it sent is taken while unblocked */
                setitimer(ITIMER_REAL, &off, NULL);
                sigprocmask(SIG_SETMASK, &saved_mask, NULL);
        }
        sigaction(SIGALRM, &saved, NULL);
        return ret;
}

static void log_it(struct repeat_note *note, time_t now)
{
        memset(note, 0, sizeof(*note));
        note->write = true;
        note->count = 1;
        note->first = now;
}

/* Reads the locked table, counts the refusal in it, writes it back. */
static int count_in_table(int fd, const char *key, time_t now, long window,
                          struct repeat_note *note)
{
        cleanup_free struct scratch *w = calloc(1, sizeof(*w));
        cleanup_free char *text = NULL;
        struct eg_error err;
        struct stat st;
        size_t len = 0;

        if (w == NULL)
                return -1;
        /* an oversized or unreadable table starts afresh */
        if (whole_file_read_fd(fd, "the repeat table", REPEAT_STATE_MAX, &text, &len, &st, &err) ==
            0)
                repeat_table_parse(text, len, &w->table);
        else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return -1; // cppcheck-suppress memleak ; cppcheck does not see cleanup_free
        repeat_observe(&w->table, key, now, window, note);
        len = repeat_table_format(&w->table, w->out, sizeof(w->out));
        if (pwrite(fd, w->out, len, 0) != (ssize_t)len || ftruncate(fd, (off_t)len) < 0)
                return -1; /* the count may be lost: say so with a full line */
        return 0;
}

void repeat_state_observe(const char *log_path, const char *key, time_t now, long window,
                          struct repeat_note *note)
{
        cleanup_close int fd = -1;
        char path[PATH_MAX];

        log_it(note, now);
        if (snprintf(path, sizeof(path), "%s.repeats", log_path) >= (int)sizeof(path))
                return;
        fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
        if (fd < 0 || lock_bounded(fd) < 0)
                return;
        if (count_in_table(fd, key, now, window, note) < 0)
                log_it(note, now);
}
