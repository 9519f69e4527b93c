/* runc's own record of a container, for the check at `start`: runc 1.1
 * writes <root>/<id>/state.json (libcontainer's saveState) with
 * "init_process_pid" and "init_process_start", the init's starttime from
 * /proc/<pid>/stat (field 22, clock ticks since boot), which tells that
 * init apart from a later process given the same pid.  A created
 * container's init has already looked its program up (exec.LookPath in
 * standard_init_linux.go, before it waits on the exec FIFO), in the
 * container's own mount namespace, which /proc/<pid>/root opens. */
#ifndef EDGEGUARD_RUNC_STATE_H
#define EDGEGUARD_RUNC_STATE_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define RUNC_ROOT_DEFAULT    "/run/runc" /* runc's --root for root */
#define RUNC_STATE_SIZE_MAX  (8u << 20)  /* a large seccomp profile is in there too */
#define RUNC_STATE_DEPTH_MAX 64

struct runc_init {
        pid_t pid;
        unsigned long long start; /* /proc/<pid>/stat starttime */
};

/* The init of state.json's text (len bytes).  Both fields must be there:
 * a whole number for the pid (> 0), and for the start a number or a
 * string of digits (runc before 1.0 wrote a string). */
int runc_state_parse(const char *text, size_t len, struct runc_init *out, struct eg_error *err);

/* Reads root/id/state.json (a regular file, bounded) and parses it. */
int runc_state_read(const char *root, const char *id, struct runc_init *out, struct eg_error *err);

/* Field 22 (starttime) of /proc/<pid>/stat's text; the command name in
 * field 2 may hold spaces and parentheses, so fields count from the last
 * ')'.  Returns -1 when the text has none. */
int proc_stat_starttime(const char *text, unsigned long long *out);

/* Opens /proc/<pid>/root (O_PATH | O_DIRECTORY | O_CLOEXEC) after checking
 * that pid is still the init that started at init->start; -1 with err
 * otherwise (the container's init is gone, or the pid was reused). */
int runc_init_root(const struct runc_init *init, struct eg_error *err);

#endif
