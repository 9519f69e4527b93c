#include "repeat_state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
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
 * a one-shot timer bounds each wait in wall-clock time.  The bound is on
 * the table's progress, not on the queue: every holder rewrites the table
 * (its mtime moves), so a waiter keeps waiting while some holder got
 * through in the last LOCK_STALL_S, and gives up only on a holder that
 * makes no progress (stopped, or another program's flock) or after
 * LOCK_WAIT_MAX_S in all.  A flat 1 s bound gave up under load: a hundred
 * creates at load average 11 queue longer than that, and every one that
 * gave up logged a line it did not count (12 lines instead of 7). */
#define LOCK_STALL_S    1
#define LOCK_WAIT_MAX_S 10

struct scratch {
        struct repeat_table table;
        char out[REPEAT_STATE_MAX];
};

static void wake_up(int sig)
{
        (void)sig; /* only to interrupt flock() with EINTR */
}

/* Whether the table changed since *seen (updated): some holder got through. */
static bool table_moved(int fd, struct timespec *seen)
{
        struct stat st;
        bool moved;

        if (fstat(fd, &st) < 0)
                return false;
        moved = st.st_mtim.tv_sec != seen->tv_sec || st.st_mtim.tv_nsec != seen->tv_nsec;
        *seen = st.st_mtim;
        return moved;
}

/* flock(LOCK_EX) under the one-shot timer, re-armed while the table moves. */
static int wait_for_lock(int fd)
{
        const struct itimerval once = {.it_value = {.tv_sec = LOCK_STALL_S}}, off = {0};
        struct timespec seen = {0}, start, now;
        int ret = -1;

        table_moved(fd, &seen);
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                if (setitimer(ITIMER_REAL, &once, NULL) < 0)
                        break;
                ret = flock(fd, LOCK_EX);
                if (ret == 0 || errno != EINTR)
                        break;
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (!table_moved(fd, &seen) || now.tv_sec - start.tv_sec >= LOCK_WAIT_MAX_S)
                        break;
        }
        /* disarmed before anything else: runc inherits a timer through
         * exec; a signal it sent is taken while unblocked */
        setitimer(ITIMER_REAL, &off, NULL);
        return ret;
}

static int lock_bounded(int fd)
{
        struct sigaction on_alarm = {.sa_handler = wake_up}, saved;
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
                ret = wait_for_lock(fd);
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
        struct timespec ts;

        log_it(note, now);
        if (snprintf(path, sizeof(path), "%s.repeats", log_path) >= (int)sizeof(path))
                return;
        fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
        if (fd < 0 || lock_bounded(fd) < 0)
                return;
        /* the clock read again under the lock: the caller's, read before a
         * wait behind others, is older than the last_seen they wrote, which
         * repeat_observe takes for a clock set back and starts a new episode
         * (under load, three episodes of 1, 2, 4, ... for one crash loop) */
        if (clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > now)
                now = ts.tv_sec;
        if (count_in_table(fd, key, now, window, note) < 0)
                log_it(note, now);
}
