/* edgeguard: called exactly as runc is, it execs the real runc in place with
 * the argv, environment, cwd and file descriptors untouched.  Container-
 * creating verbs are where the policy hooks in; a creating command line that
 * cannot be read exactly as runc reads it is refused (fail closed). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "argv.h"
#include "check.h"
#include "gate.h"
#include "report.h"
#include "runc_path.h"
#include "start_check.h"
#include "start_record.h"

static const char *own_executable(void)
{
        if (access("/proc/self/exe", F_OK) == 0)
                return "/proc/self/exe";
        return (const char *)getauxval(AT_EXECFN); /* no /proc: the path we were run by */
}

int main(int argc, char *argv[])
{
        struct eg_error err = {0};
        struct runc_argv args;
        cleanup_free char *runtime = NULL;
        const char *runc, *configured;
        struct timespec started;
        int status;

        clock_gettime(CLOCK_MONOTONIC, &started);
        /* edgeguard's own verb; runc has none of that name */
        if (argc >= 2 && strcmp(argv[1], "check") == 0)
                return check_main(argc - 1, argv + 1);

        if (runc_argv_parse(argc, argv, &args, &err) < 0 &&
            (args.creates_container || runc_argv_mentions_creating_verb(argc, argv))) {
                eg_error_prefix(&err, "refusing a container-creating command line that cannot be "
                                      "read exactly as runc reads it");
                return report_failure(&args, err.msg);
        }

        /* runc's grammar takes "" as an id and fails later; with no name
         * there is nothing to hold a decision against. */
        if (args.creates_container && !args.verb_help && args.container_id[0] == '\0')
                return report_failure(&args, "refusing to create a container with an empty id");

        if (args.creates_container && !args.verb_help) {
                if ((status = gate_creating_verb(&args, started, &runtime)) != 0)
                        return status;
        } else {
                /* start verifies what create judged; delete forgets it */
                if (args.verb && !args.verb_help && args.container_id && args.container_id[0] &&
                    strcmp(args.verb, "start") == 0 && (status = start_check(&args, started)) != 0)
                        return status;
                if (args.verb && !args.verb_help && args.container_id && args.container_id[0] &&
                    strcmp(args.verb, "delete") == 0)
                        start_record_remove(args.root, args.container_id);
                runtime = gate_passthrough_runtime();
        }

        /* EDGEGUARD_RUNC, for tests and one-off runs, over the policy's "runtime" */
        configured = getenv("EDGEGUARD_RUNC");
        if (configured == NULL || configured[0] == '\0')
                configured = runtime;
        runc = runc_path_find(configured, runc_default_paths, own_executable(), &err);
        if (runc == NULL)
                return report_failure(&args, err.msg);

        execv(runc, argv);
        eg_error_set_errno(&err, errno, "cannot execute runc at %s", runc);
        return report_failure(&args, err.msg);
}
