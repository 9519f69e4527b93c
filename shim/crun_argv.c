/* crun 1.8.1's option tables, transcribed from `crun COMMAND --help` and
 * its src/crun.c and src/<command>.c (Debian's crun 1.8.1-1+deb12u1), and
 * the walk its main() does: argp over the global options, the command, argp
 * over the command's options with the command's argv[0] replaced. */
#include "crun_argv.h"

#include <errno.h>
#include <string.h>

#include "argp.h"

#define R  ARGP_ARG_REQUIRED
#define N  ARGP_ARG_NONE
#define O  ARGP_ARG_OPTIONAL
#define S0 GOFLAG_SLOT_NONE
#define C0 ARGP_CHECK_NONE

static const struct argp_spec global_options[] = {
        {"cgroup-manager", 0, R, GOFLAG_SLOT_CGROUP_MANAGER, ARGP_CHECK_CGROUP_MANAGER},
        {"debug", 0, N, GOFLAG_SLOT_DEBUG, C0},
        {"log", 0, R, GOFLAG_SLOT_LOG, C0},
        {"log-format", 0, R, GOFLAG_SLOT_LOG_FORMAT, C0},
        {"root", 0, R, GOFLAG_SLOT_ROOT, C0},
        /* crun 1.8 gives --rootless the key of --root: "--rootless=X" is
         * the root X (fixed in later releases, which ignore it) */
        {"rootless", 0, R, GOFLAG_SLOT_ROOT, C0},
        {"systemd-cgroup", 0, N, GOFLAG_SLOT_SYSTEMD_CGROUP, C0},
        {"version", 'v', N, GOFLAG_SLOT_VERSION, C0},
        {NULL, 'V', N, GOFLAG_SLOT_VERSION, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec create_options[] = {
        {"bundle", 'b', R, GOFLAG_SLOT_BUNDLE, C0},
        {"config", 'f', R, GOFLAG_SLOT_CONFIG, C0},
        {"console-socket", 0, R, GOFLAG_SLOT_CONSOLE_SOCKET, C0},
        {"preserve-fds", 0, R, S0, C0},
        {"no-pivot", 0, N, S0, C0},
        {"pid-file", 0, R, GOFLAG_SLOT_PID_FILE, C0},
        {"no-subreaper", 0, N, S0, C0},
        {"no-new-keyring", 0, N, S0, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec run_options[] = {
        {"bundle", 'b', R, GOFLAG_SLOT_BUNDLE, C0},
        {"config", 'f', R, GOFLAG_SLOT_CONFIG, C0},
        {"console-socket", 0, R, GOFLAG_SLOT_CONSOLE_SOCKET, C0},
        {"detach", 'd', N, GOFLAG_SLOT_DETACH, C0},
        {"preserve-fds", 0, R, S0, C0},
        {"no-pivot", 0, N, S0, C0},
        {"pid-file", 0, R, GOFLAG_SLOT_PID_FILE, C0},
        {"no-subreaper", 0, N, S0, C0},
        {"no-new-keyring", 0, N, S0, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec delete_options[] = {
        {"force", 'f', N, GOFLAG_SLOT_FORCE, C0},
        {"regex", 'r', N, GOFLAG_SLOT_REGEX, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec kill_options[] = {
        {"all", 'a', N, S0, C0},
        {"regex", 'r', N, GOFLAG_SLOT_REGEX, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec exec_options[] = {
        {"apparmor", 0, R, S0, C0},
        {"cgroup", 0, R, S0, C0},
        {"console-socket", 0, R, GOFLAG_SLOT_CONSOLE_SOCKET, C0},
        {"cwd", 0, R, S0, C0},
        {"cap", 'c', R, S0, C0},
        {"detach", 'd', N, GOFLAG_SLOT_DETACH, C0},
        {"env", 'e', R, S0, C0},
        {"no-new-privs", 0, N, S0, C0},
        {"pid-file", 0, R, GOFLAG_SLOT_PID_FILE, C0},
        {"preserve-fds", 0, R, S0, C0},
        {"process-label", 0, R, S0, C0},
        {"process", 'p', R, S0, C0},
        {"tty", 't', O, S0, C0},
        {"user", 'u', R, S0, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec ps_options[] = {
        {"format", 'f', R, S0, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec update_options[] = {
        {"blkio-weight", 0, R, S0, C0},   {"cpu-period", 0, R, S0, C0},
        {"cpu-quota", 0, R, S0, C0},      {"cpu-rt-period", 0, R, S0, C0},
        {"cpu-rt-runtime", 0, R, S0, C0}, {"cpu-share", 0, R, S0, C0},
        {"cpuset-cpus", 0, R, S0, C0},    {"cpuset-mems", 0, R, S0, C0},
        {"kernel-memory", 0, R, S0, C0},  {"kernel-memory-tcp", 0, R, S0, C0},
        {"memory", 0, R, S0, C0},         {"memory-reservation", 0, R, S0, C0},
        {"memory-swap", 0, R, S0, C0},    {"pids-limit", 0, R, S0, C0},
        {"resources", 'r', R, S0, C0},    ARGP_DEFAULTS,
};

static const struct argp_spec list_options[] = {
        {"format", 'f', R, S0, C0},
        {"quiet", 'q', N, S0, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec spec_options[] = {
        {"bundle", 'b', R, GOFLAG_SLOT_BUNDLE, C0},
        {"file", 'f', R, S0, C0},
        {"rootless", 0, N, S0, C0},
        ARGP_DEFAULTS,
};

static const struct argp_spec defaults_only[] = {ARGP_DEFAULTS};

/* crun_assert_n_args(n, min, max) of each command; -1: no bound. */
struct crun_verb {
        const char *name;
        const struct argp_spec *options;
        int noptions;
        int min_args, max_args;
        bool creates_container;
};

#define OPTIONS(a) a, (int)(sizeof a / sizeof *a)

static const struct crun_verb verbs[] = {
        {"create", OPTIONS(create_options), 1, 1, true},
        {"delete", OPTIONS(delete_options), 1, 1, false},
        {"exec", OPTIONS(exec_options), 1, -1, false},
        {"features", OPTIONS(defaults_only), 0, 0, false},
        {"kill", OPTIONS(kill_options), 1, 2, false},
        {"list", OPTIONS(list_options), 0, 0, false},
        {"pause", OPTIONS(defaults_only), 1, 1, false},
        {"ps", OPTIONS(ps_options), 1, 1, false},
        {"resume", OPTIONS(defaults_only), 1, 1, false},
        {"run", OPTIONS(run_options), 1, 1, true},
        {"spec", OPTIONS(spec_options), 0, 0, false},
        {"start", OPTIONS(defaults_only), 1, 1, false},
        {"state", OPTIONS(defaults_only), 1, 1, false},
        {"update", OPTIONS(update_options), 1, 1, false},
};

static const struct crun_verb *find_verb(const char *name)
{
        for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
                if (strcmp(verbs[i].name, name) == 0)
                        return &verbs[i];
        return NULL;
}

/* crun's init_logging: "file:PATH" or a bare path is a file. */
static const char *log_file(const char *log)
{
        if (log == NULL || strncmp(log, "journald:", 9) == 0 || strncmp(log, "syslog:", 7) == 0)
                return NULL;
        return strncmp(log, "file:", 5) == 0 ? log + 5 : log;
}

static int parse_verb(const struct crun_verb *verb, int argc, char *const argv[],
                      struct runc_argv *out, struct eg_error *err)
{
        struct goflag_values values = {0};
        int first = argp_parse_in_order(verb->options, verb->noptions, argc, argv, &values, err);
        int npos;

        out->bundle = values.str[GOFLAG_SLOT_BUNDLE];
        out->pid_file = values.str[GOFLAG_SLOT_PID_FILE];
        out->console_socket = values.str[GOFLAG_SLOT_CONSOLE_SOCKET];
        out->verb_help = values.on[GOFLAG_SLOT_HELP];
        if (first < 0)
                return eg_error_prefix(err, "%s", verb->name);
        if (out->verb_help)
                return 0; /* argp prints the help and exits before counting */
        npos = argc - first;
        if (npos > 0 && verb->max_args != 0 && !values.on[GOFLAG_SLOT_REGEX])
                out->container_id = argv[first];
        if (npos == 0 && verb->min_args > 0) /* argp's ARGP_KEY_NO_ARGS */
                return eg_error_set(err, EINVAL, "%s: please specify a ID for the container",
                                    verb->name);
        if (npos < verb->min_args || (verb->max_args >= 0 && npos > verb->max_args))
                return eg_error_set(err, EINVAL, "`%s` takes %d to %d arguments, got %d",
                                    verb->name, verb->min_args, verb->max_args, npos);
        if (verb->creates_container && values.on[GOFLAG_SLOT_CONFIG])
                return eg_error_set(err, EPERM,
                                    "%s: -f/--config \"%s\" would make crun read another file "
                                    "than the bundle's config.json, which is what is checked",
                                    verb->name, values.str[GOFLAG_SLOT_CONFIG]);
        if (verb->creates_container && out->bundle != NULL && out->bundle[0] == '\0')
                return eg_error_set(err, EINVAL, "%s: empty --bundle", verb->name);
        return 0;
}

int crun_argv_parse(int argc, char *const argv[], struct runc_argv *out, struct eg_error *err)
{
        struct goflag_values values = {0};
        const struct crun_verb *verb;
        int first;

        memset(out, 0, sizeof *out);
        if (argc < 1)
                return eg_error_set(err, EINVAL, "empty argument vector");
        argc--, argv++; /* argp starts after argv[0] */

        first = argp_parse_in_order(global_options,
                                    (int)(sizeof global_options / sizeof *global_options), argc,
                                    argv, &values, err);
        /* Kept even on failure: the refusal still belongs in the --log file. */
        out->root = values.str[GOFLAG_SLOT_ROOT];
        out->log_path = log_file(values.str[GOFLAG_SLOT_LOG]);
        out->log_format = values.str[GOFLAG_SLOT_LOG_FORMAT];
        out->debug = values.on[GOFLAG_SLOT_DEBUG];
        if (first < 0)
                return -1;
        if (values.on[GOFLAG_SLOT_HELP] || values.on[GOFLAG_SLOT_VERSION])
                return 0; /* crun prints and exits before looking for a command */
        if (first >= argc)
                return eg_error_set(err, EINVAL, "please specify a command");

        out->verb = argv[first];
        verb = find_verb(out->verb);
        if (verb == NULL)
                return 0; /* crun answers "unknown command" */
        out->verb_known = true;
        out->creates_container = verb->creates_container;
        /* the command's argv[0] is crun's; its options start after the verb */
        return parse_verb(verb, argc - first - 1, argv + first + 1, out, err);
}
