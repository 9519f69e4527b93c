/* The second check, at `start`: runc's init looked its program up at
 * create (exec.LookPath, before it waits on the exec FIFO), and execs what
 * that path holds when `start` opens the FIFO.  Whoever can write the
 * rootfs could swap the program in between, and a mount only the
 * container sees can hide another one under the path judged.  So `create`
 * records what it judged (start_record.h), and `start` looks the program
 * up again through /proc/<init pid>/root, the container's own mount
 * namespace, with the same code (exe_identify), and refuses the start when
 * the file or its platform differs. */
#ifndef EDGEGUARD_START_CHECK_H
#define EDGEGUARD_START_CHECK_H

#include <time.h>

#include "argv.h"
#include "evaluate.h"

/* At create, after an allowing decision: records what was judged.  -1
 * with err when it cannot, logged as a refusal (the create is then
 * refused: start could not verify it). */
int start_check_record(const struct runc_argv *args, const struct evaluation *ev,
                       struct timespec started, struct eg_error *err);

/* At start: 0 when runc may start the container (it matches, or create
 * recorded nothing); otherwise the exit status of a refusal already
 * logged and reported. */
int start_check(const struct runc_argv *args, struct timespec started);

#endif
