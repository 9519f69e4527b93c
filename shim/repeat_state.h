/* The table of repeated refusals, kept beside a decision log file as
 * "<log>.repeats" and updated under an exclusive lock, so that concurrent
 * creates count every refusal exactly once. */
#ifndef EDGEGUARD_REPEAT_STATE_H
#define EDGEGUARD_REPEAT_STATE_H

#include <time.h>

#include "../policy/repeat.h"

/* Counts one refusal with this key, at now or, when later, the time it
 * got the lock (so that the table's times only move forward).  When the table cannot be used (no
 * such directory yet, not a regular file, a lock whose holder made no
 * progress for a second or that was not had in ten) the note says to log
 * it: a line too many, never a refusal lost.  A queue of waiters behind
 * holders that get through, however loaded the machine, is waited out. */
void repeat_state_observe(const char *log_path, const char *key, time_t now, long window,
                          struct repeat_note *note);

#endif
