/* runc 1.1's command-line grammar, as containerd, go-runc, dockerd and
 * people type it.  Expected results were taken from how runc 1.1.5 parses
 * each line (Go flag + urfave/cli 1.22.9), quirks included. */
#include "harness.h"

#include "../shim/argv.h"
#include "../shim/goflag.h"

#define MAXV 32

struct expect {
        int rc;
        const char *verb, *id, *bundle, *log, *log_format, *root, *pid_file, *console;
        int creates, help, known;
};

/* Splits at spaces into argv (static storage); '|' stands for "". */
static int split(const char *line, char *argv[MAXV])
{
        static char buf[1024];
        int argc = 0;

        snprintf(buf, sizeof buf, "%s", line);
        for (char *tok = strtok(buf, " "); tok && argc < MAXV - 1; tok = strtok(NULL, " "))
                argv[argc++] = strcmp(tok, "|") == 0 ? tok + 1 : tok;
        argv[argc] = NULL;
        return argc;
}

static int parse(const char *line, struct runc_argv *out, struct eg_error *err)
{
        char full[1024], *argv[MAXV];

        snprintf(full, sizeof full, "edgeguard %s", line);
        return runc_argv_parse(split(full, argv), argv, out, err);
}

static bool mentions(const char *line)
{
        char *argv[MAXV];
        return runc_argv_mentions_creating_verb(split(line, argv), argv);
}

static void expect_line(const char *line, struct expect e)
{
        struct eg_error err = {0};
        struct runc_argv a;
        int rc = parse(line, &a, &err);

        if (rc != e.rc)
                printf("#   \"%s\": rc %d (%s), expected %d\n", line, rc, err.msg, e.rc);
        CHECK(rc == e.rc);
        CHECK_STR(a.verb, e.verb);
        if (e.rc == 0 || e.id) {
                CHECK_STR(a.container_id, e.id);
                CHECK_STR(a.bundle, e.bundle);
        }
        CHECK_STR(a.log_path, e.log);
        CHECK_STR(a.log_format, e.log_format);
        CHECK_STR(a.root, e.root);
        if (e.pid_file)
                CHECK_STR(a.pid_file, e.pid_file);
        if (e.console)
                CHECK_STR(a.console_socket, e.console);
        CHECK(a.creates_container == e.creates);
        CHECK(a.verb_help == e.help);
        if (e.verb)
                CHECK(a.verb_known == (e.known >= 0));
}

static void expect_error(const char *line, const char *verb, int creates, const char *needle)
{
        struct eg_error err = {0};
        struct runc_argv a;

        CHECK(parse(line, &a, &err) == -1);
        CHECK_STR(a.verb, verb);
        CHECK(a.creates_container == creates);
        if (strstr(err.msg, needle) == NULL)
                printf("#   \"%s\": error \"%s\" lacks \"%s\"\n", line, err.msg, needle);
        CHECK(strstr(err.msg, needle) != NULL);
}

TEST(containerd_create)
{
        expect_line("--root /run/containerd/runc/moby --log /b/log.json --log-format json create "
                    "--bundle /b --pid-file /b/init.pid --console-socket /tmp/pty.sock abc123",
                    (struct expect){.verb = "create",
                                    .id = "abc123",
                                    .bundle = "/b",
                                    .log = "/b/log.json",
                                    .log_format = "json",
                                    .root = "/run/containerd/runc/moby",
                                    .pid_file = "/b/init.pid",
                                    .console = "/tmp/pty.sock",
                                    .creates = 1});
}

TEST(runtime_args_before_global_flags_last_wins)
{
        expect_line(
                "--debug --systemd-cgroup --root /a --log-format text --root /run/x --log l.json "
                "--log-format json create --bundle /b id1",
                (struct expect){.verb = "create",
                                .id = "id1",
                                .bundle = "/b",
                                .log = "l.json",
                                .log_format = "json",
                                .root = "/run/x",
                                .creates = 1});
}

TEST(bundle_spellings)
{
        static const char *const lines[] = {
                "create -b /b x",       "create --b /b x",
                "create -b=/b x",       "create --bundle=/b x",
                "create -bundle /b x",  "create x --bundle /b",
                "create x -b=/b",       "create --bundle /a --bundle /b x",
                "create -b /a x -b /b",
        };
        for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
                expect_line(
                        lines[i],
                        (struct expect){.verb = "create", .id = "x", .bundle = "/b", .creates = 1});
}

TEST(no_bundle_means_cwd)
{
        expect_line("create x", (struct expect){.verb = "create", .id = "x", .creates = 1});
        expect_line("create --bundle | x",
                    (struct expect){.verb = "create", .id = "x", .bundle = "", .creates = 1});
}

TEST(two_forms_of_one_flag_is_an_error)
{
        expect_error("create -b /a --bundle /b x", "create", 1, "two forms of the same flag");
        expect_error("run x --bundle /b -b=/c", "run", 1, "two forms of the same flag");
        expect_error("create -b /a --bundle /b -- x", "create", 1, "two forms of the same flag");
}

TEST(flags_after_the_id)
{
        expect_line("create id1 --pid-file /p --bundle /b --no-pivot",
                    (struct expect){.verb = "create",
                                    .id = "id1",
                                    .bundle = "/b",
                                    .pid_file = "/p",
                                    .creates = 1});
}

TEST(bool_flag_glues_the_next_token_like_urfave)
{
        /* urfave moves "id1" next to --no-pivot as its possible value; Go's
         * flag then stops at it, leaving three positionals: runc refuses. */
        expect_error("create --no-pivot id1 --bundle /b", "create", 1, "exactly 1 argument");
        expect_line("create --no-pivot --bundle /b id1",
                    (struct expect){.verb = "create", .id = "id1", .bundle = "/b", .creates = 1});
}

TEST(value_flag_takes_any_next_token)
{
        /* Go takes "--bundle" as the pid file, leaving /b and id1. */
        expect_error("create --pid-file --bundle /b id1", "create", 1, "exactly 1 argument");
        expect_line("create --bundle -- id1",
                    (struct expect){.verb = "create", .id = "id1", .bundle = "--", .creates = 1});
}

TEST(double_dash)
{
        expect_line("-- create x", (struct expect){.verb = "create", .id = "x", .creates = 1});
        expect_line("create -b /b -- x",
                    (struct expect){.verb = "create", .id = "x", .bundle = "/b", .creates = 1});
        expect_line("create -- -x", (struct expect){.verb = "create", .id = "-x", .creates = 1});
        expect_error("create x -- y", "create", 1, "exactly 1 argument");
}

TEST(run_and_restore)
{
        expect_line("run -d --bundle /b x",
                    (struct expect){.verb = "run", .id = "x", .bundle = "/b", .creates = 1});
        expect_line("run --detach=true --keep -no-subreaper x",
                    (struct expect){.verb = "run", .id = "x", .creates = 1});
        expect_line("--log /l --log-format json restore -no-subreaper --image-path /ck --bundle /b "
                    "--detach --pid-file /p --empty-ns network --empty-ns ipc x",
                    (struct expect){.verb = "restore",
                                    .id = "x",
                                    .bundle = "/b",
                                    .log = "/l",
                                    .log_format = "json",
                                    .pid_file = "/p",
                                    .creates = 1});
}

TEST(passthrough_verbs_go_runc_uses)
{
        const char *g = "--root /r --log /b/log.json --log-format json ";
        static const struct {
                const char *args, *verb, *id;
        } cases[] = {
                {"start x", "start", "x"},
                {"state x", "state", "x"},
                {"kill x 9", "kill", "x"},
                {"kill --all x KILL", "kill", "x"},
                {"delete x", "delete", "x"},
                {"delete --force x", "delete", "x"},
                {"delete -f x", "delete", "x"},
                {"exec --process /tmp/p.json --detach --pid-file /tmp/p.pid x", "exec", "x"},
                {"exec -t x sh -c --cwd", "exec", "x"},
                {"ps --format json x", "ps", "x"},
                {"ps x -- -ef", "ps", "x"},
                {"pause x", "pause", "x"},
                {"resume x", "resume", "x"},
                {"update --resources - x", "update", "x"},
                {"update --resources=- x", "update", "x"},
                {"update -r - --pids-limit 0x20 x", "update", "x"},
                {"checkpoint --image-path /ck --work-path /w --leave-running x", "checkpoint", "x"},
                {"events --interval 5s --stats x", "events", "x"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
                char line[512];
                snprintf(line, sizeof line, "%s%s", g, cases[i].args);
                expect_line(line, (struct expect){.verb = cases[i].verb,
                                                  .id = cases[i].id,
                                                  .log = "/b/log.json",
                                                  .log_format = "json",
                                                  .root = "/r"});
        }
}

TEST(verbs_without_container)
{
        expect_line("features", (struct expect){.verb = "features"});
        expect_line("--version", (struct expect){0});
        expect_line("-v", (struct expect){0});
        expect_line("", (struct expect){0});
        expect_line("spec --rootless -b /b", (struct expect){.verb = "spec", .bundle = "/b"});
        expect_line("--root /r list -q", (struct expect){.verb = "list", .root = "/r"});
        expect_line("frobnicate x", (struct expect){.verb = "frobnicate", .known = -1});
}

TEST(help_creates_nothing)
{
        expect_line("--help create x", (struct expect){0});
        expect_line("create --help x", (struct expect){.verb = "create", .creates = 1, .help = 1});
        expect_line("create x -h", (struct expect){.verb = "create", .creates = 1, .help = 1});
        expect_line("create --help=false x",
                    (struct expect){.verb = "create", .id = "x", .creates = 1});
}

TEST(empty_id_is_grammatical)
{
        /* runc's grammar accepts it; main refuses it for creating verbs. */
        expect_line("create |", (struct expect){.verb = "create", .id = "", .creates = 1});
}

TEST(rootless_is_a_value_flag)
{
        expect_line("--rootless=true create x",
                    (struct expect){.verb = "create", .id = "x", .creates = 1});
        expect_line("--rootless false create x",
                    (struct expect){.verb = "create", .id = "x", .creates = 1});
        /* "--rootless create" makes "create" the flag's value. */
        expect_error("--rootless create --bundle /b x", NULL, 0, "not defined: -bundle");
}

TEST(malformed)
{
        expect_error("create", "create", 1, "exactly 1 argument");
        expect_error("create a b", "create", 1, "exactly 1 argument");
        expect_error("run --bundle", "run", 1, "needs an argument: -bundle");
        expect_error("--log", NULL, 0, "needs an argument: -log");
        expect_error("--bogus create x", NULL, 0, "not defined: -bogus");
        expect_error("create --bogus x", "create", 1, "not defined: -bogus");
        expect_error("create ---bundle /b x", "create", 1, "bad flag syntax");
        expect_error("create -=x x", "create", 1, "bad flag syntax");
        expect_error("--debug=maybe create x", NULL, 0, "invalid boolean value");
        expect_error("create --preserve-fds abc x", "create", 1, "invalid value");
        expect_error("create --preserve-fds 1__0 x", "create", 1, "invalid value");
        expect_error("start", "start", 0, "exactly 1 argument");
        expect_error("exec", "exec", 0, "minimum of 1");

        struct eg_error err = {0};
        struct runc_argv a;
        char *none[MAXV];
        CHECK(runc_argv_parse(split("", none), none, &a, &err) == -1);
}

TEST(log_path_survives_a_failed_parse)
{
        struct eg_error err = {0};
        struct runc_argv a;

        CHECK(parse("--log /l.json --log-format json --nope create x", &a, &err) == -1);
        CHECK_STR(a.log_path, "/l.json");
        CHECK(runc_argv_log_is_json(&a));
}

TEST(preserve_fds_numbers_as_go_reads_them)
{
        static const char *const good[] = {"3",
                                           "0x10",
                                           "010",
                                           "0b11",
                                           "0o17",
                                           "1_000",
                                           "+5",
                                           "-1",
                                           "0x_1f",
                                           "9223372036854775807",
                                           "-9223372036854775808",
                                           "0"};
        static const char *const bad[] = {"",    "_1", "1_",  "08",  "0x",   "9223372036854775808",
                                          "1.5", " 1", "0x_", "--1", "1__0", "abc"};
        long long v;

        for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
                if (!goflag_parse_int(good[i], &v))
                        printf("#   rejected %s\n", good[i]);
                CHECK(goflag_parse_int(good[i], &v));
        }
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
                if (goflag_parse_int(bad[i], &v))
                        printf("#   accepted \"%s\"\n", bad[i]);
                CHECK(!goflag_parse_int(bad[i], &v));
        }
        CHECK(goflag_parse_int("0x10", &v) && v == 16);
        CHECK(goflag_parse_int("010", &v) && v == 8);
        CHECK(goflag_parse_int("-9223372036854775808", &v) && v == (-9223372036854775807LL - 1));
}

TEST(bools_as_go_reads_them)
{
        bool b;
        CHECK(goflag_parse_bool("T", &b) && b);
        CHECK(goflag_parse_bool("False", &b) && !b);
        CHECK(!goflag_parse_bool("yes", &b));
        CHECK(!goflag_parse_bool("tRUE", &b));
}

TEST(mentions_creating_verb)
{
        CHECK(mentions("edgeguard --what run x"));
        CHECK(mentions("edgeguard --what delete run"));
        CHECK(!mentions("edgeguard delete x"));
        CHECK(!mentions("run delete")); /* argv[0] is only our name */
}

TEST(bundle_made_absolute)
{
        static const char *const cases[][2] = {
                {"create x", "/run/c/b1"},
                {"create --bundle | x", "/run/c/b1"},
                {"create -b ../b2 x", "/run/c/b2"},
                {"create -b /abs//b3/. x", "/abs/b3"},
                {"create -b sub/../b4 x", "/run/c/b1/b4"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
                struct eg_error err = {0};
                struct runc_argv a;
                char out[64];
                CHECK(parse(cases[i][0], &a, &err) == 0);
                CHECK(runc_argv_bundle_abs(&a, "/run/c/b1", out, sizeof out, &err) == 0);
                CHECK_STR(out, cases[i][1]);
        }
}

TEST(reorder_matches_urfave)
{
        static const struct goflag_spec specs[] = {
                {{"bundle", "b"}, GOFLAG_STRING, GOFLAG_SLOT_BUNDLE},
                {{"detach", "d"}, GOFLAG_BOOL, GOFLAG_SLOT_DETACH},
        };
        char *in[MAXV], *out[8];
        const char *want[] = {"-d", "y", "--bundle=/b", "--", "x", "z", "-b", "w"};

        CHECK(split("x -d y --bundle=/b z -- -b w", in) == 8);
        goflag_reorder(specs, 2, 8, in, out);
        for (int i = 0; i < 8; i++)
                CHECK_STR(out[i], want[i]);
}

HARNESS_MAIN(RUN(containerd_create); RUN(runtime_args_before_global_flags_last_wins);
             RUN(bundle_spellings); RUN(no_bundle_means_cwd);
             RUN(two_forms_of_one_flag_is_an_error); RUN(flags_after_the_id);
             RUN(bool_flag_glues_the_next_token_like_urfave); RUN(value_flag_takes_any_next_token);
             RUN(double_dash); RUN(run_and_restore); RUN(passthrough_verbs_go_runc_uses);
             RUN(verbs_without_container); RUN(help_creates_nothing); RUN(empty_id_is_grammatical);
             RUN(rootless_is_a_value_flag); RUN(malformed); RUN(log_path_survives_a_failed_parse);
             RUN(preserve_fds_numbers_as_go_reads_them); RUN(bools_as_go_reads_them);
             RUN(mentions_creating_verb); RUN(bundle_made_absolute); RUN(reorder_matches_urfave))
