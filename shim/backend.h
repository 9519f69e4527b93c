/* Which runtime runs a container's verbs ("the backend": runc, crun), and
 * the grammar its command line is read with.
 *
 * Engines do not give every call the same environment: podman and conmon
 * pass `create` HOME, PATH and XDG_RUNTIME_DIR, and `delete` and `kill` only
 * XDG_RUNTIME_DIR.  A backend chosen from each call's environment would
 * create a container with one runtime and start, kill or delete it with
 * another ("container does not exist"), leaving the first one's container
 * behind.  So the backend chosen at create is recorded (backend_record.h),
 * and every later verb of that container takes it from the record. */
#ifndef EDGEGUARD_BACKEND_H
#define EDGEGUARD_BACKEND_H

#include "argv.h"

enum backend_grammar {
        BACKEND_RUNC, /* runc 1.1's (argv.h); also assumed for runc-compatible runtimes */
        BACKEND_CRUN, /* crun 1.8's argp grammar (crun_argv.h) */
};

/* By the executable's file name: "crun" and "crun-*" (crun's handler
 * names) are crun; any other name is read as runc. */
enum backend_grammar backend_grammar_of(const char *path);

const char *backend_name(enum backend_grammar g); /* "runc", "crun" */

/* runc_argv_parse or crun_argv_parse. */
int backend_argv_parse(enum backend_grammar g, int argc, char *const argv[], struct runc_argv *out,
                       struct eg_error *err);

/* The runtime's default state directory (no --root given), to tell a live
 * container from a stale record: runc's /run/runc, crun's /run/crun. */
const char *backend_default_root(enum backend_grammar g);

#endif
