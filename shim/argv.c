/* runc 1.1.5's command table, transcribed from its main.go and per-command
 * files (Debian's runc_1.1.5+ds1 source), and the walk runc's urfave/cli app
 * does over it. */
#include "argv.h"

#include <errno.h>
#include <string.h>

#include "../oci/path.h"
#include "goflag.h"

#define HELP_FLAG                                            \
        {                                                    \
                {"help", "h"}, GOFLAG_BOOL, GOFLAG_SLOT_HELP \
        }

static const struct goflag_spec global_flags[] = {
        {{"debug", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_DEBUG},
        {{"log", NULL}, GOFLAG_STRING, GOFLAG_SLOT_LOG},
        {{"log-format", NULL}, GOFLAG_STRING, GOFLAG_SLOT_LOG_FORMAT},
        {{"root", NULL}, GOFLAG_STRING, GOFLAG_SLOT_ROOT},
        {{"criu", NULL}, GOFLAG_STRING, GOFLAG_SLOT_CRIU},
        {{"systemd-cgroup", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_SYSTEMD_CGROUP},
        {{"rootless", NULL}, GOFLAG_STRING, GOFLAG_SLOT_ROOTLESS},
        HELP_FLAG,
        {{"version", "v"}, GOFLAG_BOOL, GOFLAG_SLOT_VERSION},
};

static const struct goflag_spec create_flags[] = {
        {{"bundle", "b"}, GOFLAG_STRING, GOFLAG_SLOT_BUNDLE},
        {{"console-socket", NULL}, GOFLAG_STRING, GOFLAG_SLOT_CONSOLE_SOCKET},
        {{"pid-file", NULL}, GOFLAG_STRING, GOFLAG_SLOT_PID_FILE},
        {{"no-pivot", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"no-new-keyring", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"preserve-fds", NULL}, GOFLAG_INT, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec run_flags[] = {
        {{"bundle", "b"}, GOFLAG_STRING, GOFLAG_SLOT_BUNDLE},
        {{"console-socket", NULL}, GOFLAG_STRING, GOFLAG_SLOT_CONSOLE_SOCKET},
        {{"detach", "d"}, GOFLAG_BOOL, GOFLAG_SLOT_DETACH},
        {{"keep", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"pid-file", NULL}, GOFLAG_STRING, GOFLAG_SLOT_PID_FILE},
        {{"no-subreaper", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"no-pivot", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"no-new-keyring", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"preserve-fds", NULL}, GOFLAG_INT, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec restore_flags[] = {
        {{"console-socket", NULL}, GOFLAG_STRING, GOFLAG_SLOT_CONSOLE_SOCKET},
        {{"image-path", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"work-path", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"tcp-established", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"ext-unix-sk", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"shell-job", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"file-locks", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"manage-cgroups-mode", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"bundle", "b"}, GOFLAG_STRING, GOFLAG_SLOT_BUNDLE},
        {{"detach", "d"}, GOFLAG_BOOL, GOFLAG_SLOT_DETACH},
        {{"pid-file", NULL}, GOFLAG_STRING, GOFLAG_SLOT_PID_FILE},
        {{"no-subreaper", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"no-pivot", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"empty-ns", NULL}, GOFLAG_SLICE, GOFLAG_SLOT_NONE},
        {{"auto-dedup", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"lazy-pages", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"lsm-profile", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"lsm-mount-context", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec checkpoint_flags[] = {
        {{"image-path", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"work-path", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"parent-path", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"leave-running", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"tcp-established", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"ext-unix-sk", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"shell-job", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"lazy-pages", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"status-fd", NULL}, GOFLAG_INT, GOFLAG_SLOT_NONE},
        {{"page-server", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"file-locks", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"pre-dump", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"manage-cgroups-mode", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"empty-ns", NULL}, GOFLAG_SLICE, GOFLAG_SLOT_NONE},
        {{"auto-dedup", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec delete_flags[] = {
        {{"force", "f"}, GOFLAG_BOOL, GOFLAG_SLOT_FORCE},
        HELP_FLAG,
};

static const struct goflag_spec events_flags[] = {
        {{"interval", NULL}, GOFLAG_DURATION, GOFLAG_SLOT_NONE},
        {{"stats", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec exec_flags[] = {
        {{"console-socket", NULL}, GOFLAG_STRING, GOFLAG_SLOT_CONSOLE_SOCKET},
        {{"cwd", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"env", "e"}, GOFLAG_SLICE, GOFLAG_SLOT_NONE},
        {{"tty", "t"}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"user", "u"}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"additional-gids", "g"}, GOFLAG_INT_SLICE, GOFLAG_SLOT_NONE},
        {{"process", "p"}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"detach", "d"}, GOFLAG_BOOL, GOFLAG_SLOT_DETACH},
        {{"pid-file", NULL}, GOFLAG_STRING, GOFLAG_SLOT_PID_FILE},
        {{"process-label", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"apparmor", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"no-new-privs", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        {{"cap", "c"}, GOFLAG_SLICE, GOFLAG_SLOT_NONE},
        {{"preserve-fds", NULL}, GOFLAG_INT, GOFLAG_SLOT_NONE},
        {{"cgroup", NULL}, GOFLAG_SLICE, GOFLAG_SLOT_NONE},
        {{"ignore-paused", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec kill_flags[] = {
        {{"all", "a"}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec list_flags[] = {
        {{"format", "f"}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"quiet", "q"}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec ps_flags[] = {
        {{"format", "f"}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec spec_flags[] = {
        {{"bundle", "b"}, GOFLAG_STRING, GOFLAG_SLOT_BUNDLE},
        {{"rootless", NULL}, GOFLAG_BOOL, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec update_flags[] = {
        {{"resources", "r"}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"blkio-weight", NULL}, GOFLAG_INT, GOFLAG_SLOT_NONE},
        {{"cpu-period", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"cpu-quota", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"cpu-share", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"cpu-rt-period", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"cpu-rt-runtime", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"cpuset-cpus", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"cpuset-mems", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"kernel-memory", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"kernel-memory-tcp", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"memory", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"memory-reservation", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"memory-swap", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"pids-limit", NULL}, GOFLAG_INT, GOFLAG_SLOT_NONE},
        {{"l3-cache-schema", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        {{"mem-bw-schema", NULL}, GOFLAG_STRING, GOFLAG_SLOT_NONE},
        HELP_FLAG,
};

static const struct goflag_spec help_only[] = {HELP_FLAG};

enum id_arity { ID_NONE, ID_EXACTLY_ONE, ID_FIRST_OF_SEVERAL };

struct runc_verb {
        const char *name;
        const struct goflag_spec *flags;
        int nflags;
        enum id_arity id;
        bool skip_reorder; /* urfave SkipArgReorder: exec and ps keep their argv order */
        bool creates_container;
};

#define FLAGS(a) a, (int)(sizeof a / sizeof *a)

static const struct runc_verb verbs[] = {
        {"checkpoint", FLAGS(checkpoint_flags), ID_EXACTLY_ONE, false, false},
        {"create", FLAGS(create_flags), ID_EXACTLY_ONE, false, true},
        {"delete", FLAGS(delete_flags), ID_EXACTLY_ONE, false, false},
        {"events", FLAGS(events_flags), ID_EXACTLY_ONE, false, false},
        {"exec", FLAGS(exec_flags), ID_FIRST_OF_SEVERAL, true, false},
        {"kill", FLAGS(kill_flags), ID_FIRST_OF_SEVERAL, false, false},
        {"list", FLAGS(list_flags), ID_NONE, false, false},
        {"pause", FLAGS(help_only), ID_EXACTLY_ONE, false, false},
        {"ps", FLAGS(ps_flags), ID_FIRST_OF_SEVERAL, true, false},
        {"restore", FLAGS(restore_flags), ID_EXACTLY_ONE, false, true},
        {"resume", FLAGS(help_only), ID_EXACTLY_ONE, false, false},
        {"run", FLAGS(run_flags), ID_EXACTLY_ONE, false, true},
        {"spec", FLAGS(spec_flags), ID_NONE, false, false},
        {"start", FLAGS(help_only), ID_EXACTLY_ONE, false, false},
        {"state", FLAGS(help_only), ID_EXACTLY_ONE, false, false},
        {"update", FLAGS(update_flags), ID_EXACTLY_ONE, false, false},
        {"features", FLAGS(help_only), ID_NONE, false, false},
};

static const struct runc_verb *find_verb(const char *name)
{
        for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
                if (strcmp(verbs[i].name, name) == 0)
                        return &verbs[i];
        return NULL;
}

bool runc_argv_mentions_creating_verb(int argc, char *const argv[])
{
        for (int i = 1; i < argc; i++) {
                const struct runc_verb *v = find_verb(argv[i]);
                if (v != NULL && v->creates_container)
                        return true;
        }
        return false;
}

int runc_argv_bundle_abs(const struct runc_argv *a, const char *cwd, char *out, size_t size,
                         struct eg_error *err)
{
        const char *bundle = a->bundle != NULL && a->bundle[0] != '\0' ? a->bundle : ".";

        if (path_join_clean(cwd, bundle, out, size, err) < 0)
                return eg_error_prefix(err, "bundle");
        return 0;
}

bool runc_argv_log_is_json(const struct runc_argv *a)
{
        return a->log_format != NULL && strcmp(a->log_format, "json") == 0;
}

/* The command's own flags, after urfave's reorder; argv here starts after the
 * verb. */
static int parse_verb_args(const struct runc_verb *verb, int argc, char *const argv[],
                           struct runc_argv *out, struct eg_error *err)
{
        enum { MAX_ARGS = 4096 };
        struct goflag_values values = {0};
        char *reordered[MAX_ARGS];
        char *const *args = argv;
        int first, npos;

        if (!verb->skip_reorder) {
                if (argc > MAX_ARGS)
                        return eg_error_set(err, E2BIG, "\"%s\": too many arguments (%d)",
                                            verb->name, argc);
                goflag_reorder(verb->flags, verb->nflags, argc, argv, reordered);
                args = reordered;
        }
        first = goflag_parse(verb->flags, verb->nflags, argc, args, &values, err);
        if (first < 0)
                return eg_error_prefix(err, "\"%s\"", verb->name);

        out->bundle = values.str[GOFLAG_SLOT_BUNDLE];
        out->pid_file = values.str[GOFLAG_SLOT_PID_FILE];
        out->console_socket = values.str[GOFLAG_SLOT_CONSOLE_SOCKET];
        out->verb_help = values.on[GOFLAG_SLOT_HELP];
        if (out->verb_help)
                return 0; /* runc prints the command's help before counting arguments */

        npos = argc - first;
        if (verb->id != ID_NONE && npos > 0)
                out->container_id = args[first];
        if (verb->id == ID_EXACTLY_ONE && npos != 1)
                return eg_error_set(err, EINVAL, "\"%s\" requires exactly 1 argument(s), got %d",
                                    verb->name, npos);
        if (verb->id == ID_FIRST_OF_SEVERAL && npos < 1)
                return eg_error_set(err, EINVAL, "\"%s\" requires a minimum of 1 argument(s)",
                                    verb->name);
        return 0;
}

int runc_argv_parse(int argc, char *const argv[], struct runc_argv *out, struct eg_error *err)
{
        struct goflag_values values = {0};
        const struct runc_verb *verb;
        int first;

        memset(out, 0, sizeof *out);
        if (argc < 1)
                return eg_error_set(err, EINVAL, "empty argument vector");
        argc--, argv++; /* argv[0] is whatever name we were called by */

        first = goflag_parse(global_flags, (int)(sizeof global_flags / sizeof *global_flags), argc,
                             argv, &values, err);
        /* Kept even on failure: the refusal still belongs in the --log file. */
        out->root = values.str[GOFLAG_SLOT_ROOT];
        out->log_path = values.str[GOFLAG_SLOT_LOG];
        out->log_format = values.str[GOFLAG_SLOT_LOG_FORMAT];
        out->debug = values.on[GOFLAG_SLOT_DEBUG];
        if (first < 0)
                return -1;
        if (values.on[GOFLAG_SLOT_HELP] || values.on[GOFLAG_SLOT_VERSION] || first >= argc)
                return 0; /* runc prints help or its version and runs no command */

        out->verb = argv[first];
        verb = find_verb(out->verb);
        if (verb == NULL)
                return 0; /* runc answers "No help topic"; nothing to find */
        out->verb_known = true;
        out->creates_container = verb->creates_container;
        return parse_verb_args(verb, argc - first - 1, argv + first + 1, out, err);
}
