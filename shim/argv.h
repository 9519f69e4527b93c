/* Step 1 of the decision path: what runc 1.1 would make of this argv.
 *
 * Pure: no I/O, no allocation beyond the caller's scratch, argv strings are
 * pointed to, not copied.
 */
#ifndef EDGEGUARD_ARGV_H
#define EDGEGUARD_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "../oci/error.h"

struct runc_argv {
        /* Global flags (Docker's runtimeArgs come first; the last value wins). */
        const char *root;
        const char *log_path;   /* NULL: no --log */
        const char *log_format; /* as given; runc's default is "text" */
        bool debug;

        /* The command runc will run.  NULL when runc runs none (--help,
         * --version, no arguments). */
        const char *verb;
        bool verb_known;        /* one of runc 1.1's commands */
        bool creates_container; /* create, run, restore: the policy verbs */
        bool verb_help;         /* runc only prints the command's help */

        const char *container_id; /* NULL when the verb takes none or lacks it */
        const char *bundle;       /* as given; NULL or "" means the cwd */
        const char *pid_file;
        const char *console_socket;

        /* Not argv's: the runtime executable this call will exec, set by
         * main once chosen (NULL when none was found), for the record. */
        const char *runtime;
};

/* Parses argv exactly as runc 1.1.5 does.  Returns 0, or -1 when runc itself
 * would reject the command line (err holds runc's complaint; `out` holds what
 * was understood before it, out->verb included when it was reached). */
int runc_argv_parse(int argc, char *const argv[], struct runc_argv *out, struct eg_error *err);

/* Whether any token of argv names a container-creating verb: the fail-closed
 * test for a command line that could not be parsed. */
bool runc_argv_mentions_creating_verb(int argc, char *const argv[]);

/* The bundle as an absolute, lexically clean path: --bundle joined to the
 * cwd runc starts in (the cwd itself when --bundle is absent or empty), for
 * messages and records.  Reading the bundle goes through the kernel from the
 * path as given, as runc's chdir does, so that symlinks resolve the same. */
int runc_argv_bundle_abs(const struct runc_argv *a, const char *cwd, char *out, size_t size,
                         struct eg_error *err);

/* True when the log format is runc's JSON one (decides the refusal's form). */
bool runc_argv_log_is_json(const struct runc_argv *a);

#endif
