/* edgeguard: called exactly as runc (or crun) is, it execs the real runtime
 * in place with the argv, environment, cwd and file descriptors untouched.
 * Container-creating verbs are where the policy hooks in; a creating command
 * line that cannot be read exactly as the runtime reads it is refused (fail
 * closed), and that refusal is a logged decision like any other. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
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
#include "start_check.h"
#include "start_record.h"
#include "version.h"
#include "why.h"

static const char usage[] =
        "usage: edgeguard [RUNC-GLOBAL-OPTIONS] COMMAND [OPTIONS] [CONTAINER-ID]\n"
        "       edgeguard check [--json] [--host HOST] [--policy FILE]\n"
        "                       [--id ID] [--name NAME] [--image REF] BUNDLE\n"
        "       edgeguard why [--since TIME] [--decision D] [--rule RULE] [--last N]\n"
        "                     [--json] [--log FILE] [NAME]\n"
        "       edgeguard --help\n"
        "\n"
        "An OCI runtime for dockerd, containerd and podman, called exactly as runc (or\n"
        "crun) is. At create,\n"
        "run and restore it refuses a container whose executable the host cannot run, or\n"
        "that the policy refuses, with the reason in runc's --log file; it logs every\n"
        "decision; then it executes runc with the same arguments.\n"
        "\n"
        "Commands:\n"
        "  create, run, restore   decided on, then passed to runc or refused (exit 1)\n"
        "  start                  the program looked up again in the created container;\n"
        "                         passed to runc when it is the one create judged\n"
        "  check BUNDLE           explain a decision (see edgeguard check --help)\n"
        "  why NAME               the latest decisions about a module, from the decision\n"
        "                         log, with the fix (see edgeguard why --help)\n"
        "  any other              passed to runc unchanged (edgeguard help: runc's help)\n"
        "\n"
        "Environment:\n"
        "  EDGEGUARD_POLICY        the policy file (default /etc/edgeguard/policy.json)\n"
        "  EDGEGUARD_RUNC          the absolute path of the runtime (runc or crun) to\n"
        "                          execute; a container keeps the one of its create\n"
        "  EDGEGUARD_DECISION_LOG  where decision records go\n"
        "                          (default /var/log/edgeguard/decisions.jsonl)\n"
        "  EDGEGUARD_STATE_DIR     what create judged, for start (default\n"
        "                          /run/edgeguard/start)\n"
        "  EDGEGUARD_IA32_CACHE    whether this kernel runs 32-bit x86, kept for\n"
        "                          the boot (default /run/edgeguard/ia32)\n"
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
        struct policy_read preread;
        bool creating, have_preread = false, out_of_memory = false;
        int status;

        clock_gettime(CLOCK_MONOTONIC, &started);
        if (asks_for_own_help(argc, argv)) {
                fputs(usage, stdout);
                return 0;
        }
        /* edgeguard's own verb; runc has none of that name */
        if (argc >= 2 && strcmp(argv[1], "check") == 0)
                return check_main(argc - 1, argv + 1);
        if (argc >= 2 && strcmp(argv[1], "why") == 0)
                return why_main(argc - 1, argv + 1);

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
        if (chosen == NULL && ((chosen = getenv("EDGEGUARD_RUNC")) == NULL || chosen[0] == '\0')) {
                if (creating) { /* judged by the same read below */
                        policy_read(&preread);
                        have_preread = true;
                        /* a copy: the evaluation takes the policy over and
                         * frees it before the exec */
                        if ((chosen = preread.policy.runtime) != NULL &&
                            (chosen = policy_runtime = strdup(chosen)) == NULL)
                                out_of_memory = true;
                } else {
                        chosen = policy_runtime = gate_passthrough_runtime();
                }
        }
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
        if (out_of_memory)
                return report_failure(&args, "refusing: out of memory");

        if (args.creates_container && !args.verb_help) {
                status = gate_creating_verb(&args, started, have_preread ? &preread : NULL,
                                            &gate_runtime);
                if (status != 0)
                        return status;
                if (backend_record_write(args.root, args.container_id, runc, &err) < 0)
                        return report_failure(&args, err.msg);
        } else if (args.verb != NULL && !args.verb_help && args.container_id != NULL &&
                   args.container_id[0] != '\0') {
                /* start verifies what create judged; delete forgets it all */
                if (strcmp(args.verb, "start") == 0 && (status = start_check(&args, started)) != 0)
                        return status;
                if (strcmp(args.verb, "delete") == 0) {
                        start_record_remove(args.root, args.container_id);
                        backend_record_remove(args.root, args.container_id);
                }
        }

        execv(runc, argv);
        eg_error_set_errno(&err, errno, "cannot execute %s at %s", backend_name(grammar), runc);
        return report_failure(&args, err.msg);
}
