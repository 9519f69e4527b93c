/* edgeguard: called exactly as runc is, it execs the real runc in place with
 * the argv, environment, cwd and file descriptors untouched.  Container-
 * creating verbs are where the policy hooks in; a creating command line that
 * cannot be read exactly as runc reads it is refused (fail closed). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
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
#include "version.h"

static const char usage[] =
        "usage: edgeguard [RUNC-GLOBAL-OPTIONS] COMMAND [OPTIONS] [CONTAINER-ID]\n"
        "       edgeguard check [--json] [--host HOST] [--policy FILE]\n"
        "                       [--id ID] [--name NAME] [--image REF] BUNDLE\n"
        "       edgeguard --help\n"
        "\n"
        "An OCI runtime for dockerd and containerd, called exactly as runc is. At create,\n"
        "run and restore it refuses a container whose executable the host cannot run, or\n"
        "that the policy refuses, with the reason in runc's --log file; it logs every\n"
        "decision; then it executes runc with the same arguments.\n"
        "\n"
        "Commands:\n"
        "  create, run, restore   decided on, then passed to runc or refused (exit 1)\n"
        "  check BUNDLE           explain a decision (see edgeguard check --help)\n"
        "  any other              passed to runc unchanged (edgeguard help: runc's help)\n"
        "\n"
        "Environment:\n"
        "  EDGEGUARD_POLICY        the policy file (default /etc/edgeguard/policy.json)\n"
        "  EDGEGUARD_RUNC          the absolute path of the runc to execute\n"
        "  EDGEGUARD_DECISION_LOG  where decision records go\n"
        "                          (default /var/log/edgeguard/decisions.jsonl)\n"
        "\n"
        "edgeguard --version prints runc's version, which the engine reads;\n"
        "edgeguard check --version prints edgeguard's (" EDGEGUARD_VERSION ").\n"
        "See edgeguard(8) and edgeguard-policy(5).\n";

/* Only by its own name: called as runc (runc's own test suite runs it
 * through a link of that name) the help is runc's, as is every other
 * command line the engine could send. */
static bool asks_for_own_help(int argc, char *argv[])
{
        const char *name;

        if (argc != 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0))
                return false;
        name = strrchr(argv[0], '/');
        return strcmp(name ? name + 1 : argv[0], "edgeguard") == 0;
}

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
        if (asks_for_own_help(argc, argv)) {
                fputs(usage, stdout);
                return 0;
        }
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
