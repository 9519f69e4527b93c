/* edgeguard: called exactly as runc (or crun) is, it execs the real runtime
 * in place with the argv, environment, cwd and file descriptors untouched.
 * Container-creating verbs are where the policy hooks in; a creating command
 * line that cannot be read exactly as the runtime reads it is refused (fail
 * closed), and that refusal is a logged decision like any other. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "argv.h"
#include "backend.h"
#include "backend_record.h"
#include "check.h"
#include "crun_argv.h"
#include "gate.h"
#include "refusal_record.h"
#include "report.h"
#include "runc_path.h"

static const char *own_executable(void)
{
        if (access("/proc/self/exe", F_OK) == 0)
                return "/proc/self/exe";
        return (const char *)getauxval(AT_EXECFN); /* no /proc: the path we were run by */
}

/* A create refused before the policy: recorded, then reported as every
 * refusal is (stderr and runc's --log). */
static int refuse_command_line(const struct runc_argv *args, int argc, char *argv[],
                               const char *reason, struct timespec started)
{
        char message[EG_ERROR_MSG_MAX * 2];
        struct eg_error err = {0};

        if (refusal_record_write(args, argc, argv, args->runtime, reason, started, &err) < 0)
                snprintf(message, sizeof(message), "%s (the decision log could not be written: %s)",
                         reason, err.msg);
        else
                snprintf(message, sizeof(message), "%s", reason);
        return report_failure(args, message);
}

/* Who the call is about, before the runtime is known: runc's grammar, else
 * crun's.  Only the root and id are used, to find the container's record. */
static void probe(int argc, char *argv[], struct runc_argv *who)
{
        struct eg_error err;

        if (runc_argv_parse(argc, argv, who, &err) < 0)
                (void)crun_argv_parse(argc, argv, who, &err);
}

int main(int argc, char *argv[])
{
        struct eg_error err = {0};
        struct runc_argv args, who;
        cleanup_free char *policy_runtime = NULL, *gate_runtime = NULL;
        char recorded[PATH_MAX];
        const char *runc, *chosen = NULL;
        enum backend_grammar grammar;
        struct timespec started;
        bool creating;
        int status;

        clock_gettime(CLOCK_MONOTONIC, &started);
        /* edgeguard's own verb; runc has none of that name */
        if (argc >= 2 && strcmp(argv[1], "check") == 0)
                return check_main(argc - 1, argv + 1);

        /* The runtime: the one recorded at this container's create, whatever
         * this call's environment says; else EDGEGUARD_RUNC, for tests and
         * one-off runs, over the policy's "runtime", over the usual paths. */
        probe(argc, argv, &who);
        creating = who.creates_container || runc_argv_mentions_creating_verb(argc, argv);
        if (who.container_id != NULL && who.container_id[0] != '\0' &&
            backend_record_read(who.root, who.container_id, recorded, sizeof(recorded), &err) ==
                    0 &&
            (!creating || backend_record_live(who.root, who.container_id, recorded)))
                chosen = recorded;
        if (chosen == NULL && ((chosen = getenv("EDGEGUARD_RUNC")) == NULL || chosen[0] == '\0'))
                chosen = policy_runtime = gate_passthrough_runtime();
        runc = runc_path_find(chosen, runc_default_paths, own_executable(), &err);
        grammar = backend_grammar_of(runc ? runc : "runc");

        status = backend_argv_parse(grammar, argc, argv, &args, &err);
        args.runtime = runc;
        if (status < 0 && (args.creates_container || creating)) {
                char reason[EG_ERROR_MSG_MAX + 128];
                snprintf(reason, sizeof(reason),
                         "refusing a container-creating command line that cannot be read exactly "
                         "as %s reads it: %s",
                         backend_name(grammar), err.msg);
                return refuse_command_line(&args, argc, argv, reason, started);
        }
        /* runc's grammar takes "" as an id and fails later; with no name
         * there is nothing to hold a decision against. */
        if (args.creates_container && !args.verb_help &&
            (args.container_id == NULL || args.container_id[0] == '\0'))
                return refuse_command_line(&args, argc, argv,
                                           "refusing to create a container with an empty id",
                                           started);
        if (runc == NULL)
                return report_failure(&args, err.msg);

        if (args.creates_container && !args.verb_help) {
                if ((status = gate_creating_verb(&args, started, &gate_runtime)) != 0)
                        return status;
                if (backend_record_write(args.root, args.container_id, runc, &err) < 0)
                        return report_failure(&args, err.msg);
        } else if (args.verb != NULL && strcmp(args.verb, "delete") == 0 && !args.verb_help &&
                   args.container_id != NULL && args.container_id[0] != '\0') {
                backend_record_remove(args.root, args.container_id);
        }

        execv(runc, argv);
        eg_error_set_errno(&err, errno, "cannot execute %s at %s", backend_name(grammar), runc);
        return report_failure(&args, err.msg);
}
