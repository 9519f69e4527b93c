/* crun 1.8's command-line grammar (argp over getopt_long, in order), as
 * podman and people type it.  Expected results were taken from how Debian's
 * crun 1.8.1 answers each line (tests/argv_vs_crun_test.sh holds the same
 * grammar against it on generated lines). */
#include "harness.h"

#include "../shim/backend.h"
#include "../shim/crun_argv.h"

#define MAXV 32

/* Splits at spaces into argv (static storage); '|' stands for "". */
static int split(const char *line, char *argv[MAXV])
{
        static char buf[1024];
        int argc = 0;

        snprintf(buf, sizeof buf, "crun %s", line);
        for (char *tok = strtok(buf, " "); tok && argc < MAXV - 1; tok = strtok(NULL, " "))
                argv[argc++] = strcmp(tok, "|") == 0 ? tok + 1 : tok;
        argv[argc] = NULL;
        return argc;
}

static int parse(const char *line, struct runc_argv *a, struct eg_error *err)
{
        char *argv[MAXV];
        int argc = split(line, argv);

        return crun_argv_parse(argc, argv, a, err);
}

/* ok: the bundle ("-" for none) and id read; else the error's words. */
static void expect(const char *line, const char *bundle, const char *id)
{
        struct eg_error err = {0};
        struct runc_argv a;

        if (parse(line, &a, &err) < 0) {
                printf("#   \"%s\": %s\n", line, err.msg);
                CHECK(false);
                return;
        }
        CHECK(a.creates_container);
        CHECK_STR(a.bundle ? a.bundle : "-", bundle);
        CHECK_STR(a.container_id, id);
}

static void refuse(const char *line, const char *words)
{
        struct eg_error err = {0};
        struct runc_argv a;

        CHECK(parse(line, &a, &err) < 0);
        if (strstr(err.msg, words) == NULL)
                printf("#   \"%s\": \"%s\" not in \"%s\"\n", line, words, err.msg);
        CHECK(strstr(err.msg, words) != NULL);
}

TEST(podman_create)
{
        struct eg_error err = {0};
        struct runc_argv a;

        CHECK(parse("--root /run/crun --log /u/oci-log --log-format=json --cgroup-manager disabled "
                    "create --bundle /u --pid-file /u/pidfile --console-socket /s c1",
                    &a, &err) == 0);
        CHECK_STR(a.root, "/run/crun");
        CHECK_STR(a.log_path, "/u/oci-log");
        CHECK(runc_argv_log_is_json(&a));
        CHECK_STR(a.pid_file, "/u/pidfile");
        CHECK_STR(a.console_socket, "/s");
        CHECK_STR(a.container_id, "c1");
}

TEST(argp_spellings)
{
        expect("create -b /a id", "/a", "id");
        expect("create -b/a id", "/a", "id");
        expect("create -b=/a id", "=/a", "id"); /* the rest of the token, '=' and all */
        expect("create --bundle=/a id", "/a", "id");
        expect("create --bund /a id", "/a", "id"); /* a unique prefix */
        expect("create --bundle /a -b /b id", "/b", "id");
        expect("create --bundle --no-pivot id", "--no-pivot", "id");
        expect("create -- id", "-", "id");
        expect("create --no-subreaper --no-s --preserve-fds=x id", "-", "id");
        expect("--cgroup-manager=cgroupfs --cgroup-man systemd --systemd-cgroup create id", "-",
               "id");
        expect("run -d -b /a id", "/a", "id");
}

TEST(crun_1_8_rootless_is_root)
{
        struct eg_error err = {0};
        struct runc_argv a;

        CHECK(parse("--root /a --rootless=/b create id", &a, &err) == 0);
        CHECK_STR(a.root, "/b");
        CHECK(parse("--ro /c create id", &a, &err) == 0); /* root and rootless: one key */
        CHECK_STR(a.root, "/c");
}

TEST(in_order_and_counted)
{
        refuse("create id --bundle /a", "takes 1 to 1 arguments, got 3");
        refuse("create", "please specify a ID");
        refuse("create id1 id2", "got 2");
        refuse("create --pr 3 id", "ambiguous");
        refuse("--lo x create id", "ambiguous");
        refuse("create --no-pivot=1 id", "doesn't allow an argument");
        refuse("create --bogus id", "unrecognized option");
        refuse("create -x id", "invalid option");
        refuse("create id -b", "got 2");
        refuse("create -b", "requires an argument");
        refuse("--cgroup-manager=bogus create id", "unknown cgroup manager");
        refuse("--root", "requires an argument");
        refuse("--root /r", "please specify a command");
}

TEST(refused_on_purpose)
{
        refuse("create -f /other.json id", "-f/--config");
        refuse("run --config=c.json -b /a id", "-f/--config");
        refuse("create --bundle= id", "empty --bundle");
}

TEST(help_version_and_other_verbs)
{
        struct eg_error err = {0};
        struct runc_argv a;

        CHECK(parse("create --usage --bogus", &a, &err) == 0 && a.verb_help);
        CHECK(parse("create -? x y", &a, &err) == 0 && a.verb_help);
        CHECK(parse("-V create id", &a, &err) == 0 && a.verb == NULL);
        CHECK(parse("delete -f c1", &a, &err) == 0 && !a.creates_container);
        CHECK_STR(a.container_id, "c1");
        CHECK(parse("delete -r c.*", &a, &err) == 0 && a.container_id == NULL); /* a pattern */
        CHECK(parse("kill c1 9", &a, &err) == 0);
        CHECK_STR(a.container_id, "c1");
        CHECK(parse("exec -t --process /p c1 sh", &a, &err) == 0);
        CHECK_STR(a.container_id, "c1");
        CHECK(parse("restore c1", &a, &err) == 0 && !a.verb_known); /* no CRIU in Debian's */
        CHECK(parse("--log=journald:x --log-format json create id", &a, &err) == 0);
        CHECK(a.log_path == NULL);
        CHECK(parse("--log=file:/l create id", &a, &err) == 0);
        CHECK_STR(a.log_path, "/l");
}

TEST(grammar_by_executable_name)
{
        CHECK(backend_grammar_of("/usr/bin/crun") == BACKEND_CRUN);
        CHECK(backend_grammar_of("/opt/crun-wasm") == BACKEND_CRUN);
        CHECK(backend_grammar_of("/usr/sbin/runc") == BACKEND_RUNC);
        CHECK(backend_grammar_of("/usr/bin/crunchy") == BACKEND_RUNC);
        CHECK_STR(backend_default_root(BACKEND_CRUN), "/run/crun");
}

HARNESS_MAIN(RUN(podman_create); RUN(argp_spellings); RUN(crun_1_8_rootless_is_root);
             RUN(in_order_and_counted); RUN(refused_on_purpose); RUN(help_version_and_other_verbs);
             RUN(grammar_by_executable_name))
