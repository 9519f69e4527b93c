/* What runs behind args[0], and what the kernel loads on the way: Debian's
 * real tini, dumb-init, gosu, busybox (as sh and env) and musl's loader for
 * arm64 and amd64 (hack/fetch-foreign-binaries.sh), bundles decided against
 * simulated hosts.  Each input of the field reports and its variants. */
#include "scene.h"

/* A fresh rootfs; config.json's process from `process` (JSON), and the
 * rest of the spec from `extra` (JSON members, or ""). */
static void spec(const char *process, const char *extra)
{
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s/config.json", bundle);
        f = fopen(path, "we");
        CHECK(f != NULL);
        if (f) {
                fprintf(f,
                        "{\"ociVersion\":\"1.0.2\",\"process\":%s,\"root\":{\"path\":\"rootfs\"}%s%"
                        "s}",
                        process, extra[0] ? "," : "", extra);
                fclose(f);
        }
        chmod(path, 0644);
        chmod(bundle, 0755);
}

static void fresh(void)
{
        harness_sh("rm -rf '%s/rootfs' && mkdir -p '%s'/rootfs/bin '%s'/rootfs/lib '%s'/rootfs/opt "
                   "'%s'/rootfs/usr/bin '%s'/rootfs/usr/local/bin '%s'/rootfs/sbin '%s'/rootfs/app",
                   bundle, bundle, bundle, bundle, bundle, bundle, bundle, bundle);
}

/* Debian's file NAME for DEBARCH at REL in the rootfs. */
static void put(const char *debarch, const char *name, const char *rel)
{
        harness_sh("install -m 0755 '%s/%s/%s' '%s/rootfs%s'", harness_foreign_dir(), debarch, name,
                   bundle, rel);
}

static void put_text(const char *rel, const char *text)
{
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s/rootfs%s", bundle, rel);
        f = fopen(path, "we");
        CHECK(f != NULL);
        if (f) {
                fputs(text, f);
                fclose(f);
        }
        chmod(path, 0755);
}

static void expect_no_raw_control(void)
{
        for (const char *p = d.reason; *p; p++)
                CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
        CHECK(strchr(record, '\r') == NULL);
        CHECK(strstr(record, "\\r") == NULL || strstr(record, "\\\\r") != NULL);
}

#define PATH_ENV ",\"cwd\":\"/\",\"env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\"]}"

TEST(foreign_program_behind_dumb_init)
{
        fresh();
        put("arm64", "dumb-init", "/usr/bin/dumb-init");
        put("arm64", "ld-linux", "/lib/ld-linux-aarch64.so.1");
        put("amd64", "busybox-static", "/opt/app");
        spec("{\"args\":[\"dumb-init\",\"--\",\"/opt/app\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("/opt/app (run by dumb-init (/usr/bin/dumb-init)) is linux/amd64"));
        expect_record("examined", NULL, "*");
        CHECK(strstr(record, "\"via\":\"dumb-init (/usr/bin/dumb-init)\"") != NULL);
        CHECK(strstr(record, "\"file\":\"/usr/bin/dumb-init\"") != NULL);
        CHECK(strstr(record, "\"state\":\"present\"") != NULL);

        put("arm64", "busybox-static", "/opt/app");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("/opt/app (run by dumb-init"));
        /* the wrapper itself is judged too */
        put("amd64", "dumb-init", "/usr/bin/dumb-init");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/usr/bin/dumb-init is linux/amd64"));
}

TEST(tini_docker_init_gosu_su_exec)
{
        fresh();
        put("arm64", "tini-static", "/sbin/tini");
        put("amd64", "busybox-static", "/opt/app");
        put("arm64", "busybox-static", "/bin/busybox");
        spec("{\"args\":[\"/sbin/tini\",\"-s\",\"-e\",\"143\",\"--\",\"/opt/app\",\"-v\"]" PATH_ENV,
             "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/opt/app (run by tini (/sbin/tini))"));

        /* docker run --init: docker-init is bind-mounted from the host (here
         * the simulated arm64 host's, a file of the bundle): judged there */
        harness_sh("install -m 0755 '%s/arm64/tini-static' '%s/docker-init'", harness_foreign_dir(),
                   bundle);
        char init_spec[1024];
        snprintf(init_spec, sizeof(init_spec),
                 "\"mounts\":[{\"destination\":\"/sbin/docker-init\",\"type\":\"bind\","
                 "\"source\":\"%s/docker-init\",\"options\":[\"bind\",\"ro\"]}]",
                 bundle);
        spec("{\"args\":[\"/sbin/docker-init\",\"--\",\"/opt/app\"]" PATH_ENV, init_spec);
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/opt/app (run by tini (/sbin/docker-init))"));

        put("arm64", "gosu", "/usr/bin/gosu");
        put("amd64", "busybox-static", "/usr/local/bin/app");
        spec("{\"args\":[\"gosu\",\"nobody\",\"app\",\"serve\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("/usr/local/bin/app (run by gosu (/usr/bin/gosu)) is linux/amd64"));

        /* su-exec is not packaged by Debian: its grammar on a stand-in */
        harness_sh("cp '%s/rootfs/sbin/tini' '%s/rootfs/sbin/su-exec'", bundle, bundle);
        spec("{\"args\":[\"su-exec\",\"1000:1000\",\"/opt/app\"],\"cwd\":\"/\",\"env\":[\"PATH=/"
             "sbin\"]}",
             "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/opt/app (run by su-exec (/sbin/su-exec))"));

        /* nested: tini -- gosu nobody env PATH=/opt sh -c "exec app" */
        put("arm64", "busybox-static", "/usr/bin/env");
        put("arm64", "busybox-static", "/bin/sh");
        harness_sh("mkdir -p '%s/rootfs/srv'", bundle);
        put("amd64", "busybox-static", "/srv/app");
        spec("{\"args\":[\"/sbin/tini\",\"--\",\"gosu\",\"nobody\",\"env\",\"PATH=/srv:/bin\","
             "\"sh\",\"-c\",\"exec app\"]" PATH_ENV,
             "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/srv/app (run by sh (/bin/sh)) is linux/amd64"));
}

TEST(env_and_sh_c)
{
        fresh();
        put("arm64", "busybox-static", "/usr/bin/env");
        put("arm64", "busybox-static", "/bin/sh");
        put("arm64", "busybox-static", "/bin/app");
        harness_sh("mkdir -p '%s/rootfs/foreign'", bundle);
        put("amd64", "busybox-static", "/foreign/app");
        /* env's PATH= is the one the program is searched with */
        spec("{\"args\":[\"env\",\"PATH=/foreign:/bin\",\"app\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/foreign/app (run by env (/usr/bin/env))"));
        spec("{\"args\":[\"env\",\"-i\",\"app\"]" PATH_ENV, ""); /* /bin:/usr/bin */
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("/bin/app (run by env"));

        spec("{\"args\":[\"/bin/sh\",\"-c\",\"exec /foreign/app --serve\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/foreign/app (run by sh (/bin/sh))"));
        spec("{\"args\":[\"sh\",\"-c\",\"PATH=/foreign app\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/foreign/app (run by sh (/bin/sh))"));
}

/* Debian's busybox-static as sh runs its own applet for a name it has
 * (FEATURE_SH_STANDALONE): the foreign ls first in PATH never runs. */
TEST(busybox_static_sh_runs_its_applets)
{
        fresh();
        put("amd64", "busybox-static", "/bin/sh");
        put("arm64", "busybox-static", "/usr/local/bin/ls");
        put("arm64", "busybox-static", "/usr/local/bin/app");
        spec("{\"args\":[\"sh\",\"-c\",\"ls -l /\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("/bin/sh"));
        CHECK(strstr(record, "(Debian's busybox-static) runs its applet ls itself") != NULL);
        CHECK(strstr(record, "/usr/local/bin/ls") == NULL);
        /* through `busybox sh` too */
        spec("{\"args\":[\"/bin/sh\",\"sh\",\"-c\",\"exec ls\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("/bin/sh"));
        /* a name that is no applet, and a path, are searched as usual */
        spec("{\"args\":[\"sh\",\"-c\",\"app\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/usr/local/bin/app (run by sh (/bin/sh))"));
        spec("{\"args\":[\"sh\",\"-c\",\"/usr/local/bin/ls\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/usr/local/bin/ls (run by sh (/bin/sh))"));
        /* Debian's dynamic busybox searches PATH (its loader is mounted in) */
        put("amd64", "busybox", "/bin/sh");
        spec("{\"args\":[\"sh\",\"-c\",\"ls\"]" PATH_ENV,
             "\"mounts\":[{\"destination\":\"/lib64\",\"type\":\"bind\",\"source\":\"/lib64\","
             "\"options\":[\"rbind\",\"ro\"]},{\"destination\":\"/lib\",\"type\":\"bind\","
             "\"source\":\"/lib\",\"options\":[\"rbind\",\"ro\"]}]");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/usr/local/bin/ls (run by sh (/bin/sh))"));
}

TEST(arguments_that_are_not_programs_are_never_judged)
{
        fresh();
        put("arm64", "gosu", "/usr/bin/gosu");
        put("arm64", "busybox-static", "/bin/sh");
        put("arm64", "busybox-static", "/bin/app");
        put("arm64", "tini-static", "/sbin/tini");
        put("amd64", "busybox-static", "/opt/app");
        const char *const cases[] = {
                "[\"gosu\",\"/opt/app\",\"app\"]",              /* gosu's user */
                "[\"sh\",\"-c\",\"echo /opt/app\"]",            /* a builtin */
                "[\"sh\",\"-c\",\"app /opt/app\"]",             /* an argument */
                "[\"sh\",\"/opt/app\"]",                        /* a script sh reads */
                "[\"/sbin/tini\",\"-p\",\"/opt/app\",\"app\"]", /* -p's value */
                "[\"/sbin/tini\",\"--version\",\"/opt/app\"]",  /* nothing runs */
                "[\"/bin/app\",\"--\",\"/opt/app\"]",           /* not a wrapper */
                "[\"/usr/bin/env\",\"/opt/app\"]", /* no env in the image: nothing runs */
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char process[256];
                snprintf(process, sizeof(process), "{\"args\":%s" PATH_ENV, cases[i]);
                spec(process, "");
                decide_scene(&(struct scene){.host = "linux/arm64"});
                if (d.verdict != VERDICT_ALLOW)
                        printf("#   %s: %s\n", cases[i], d.reason);
                expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        }
}

TEST(what_cannot_be_told_is_unknown)
{
        fresh();
        put("arm64", "busybox-static", "/bin/sh");
        put("amd64", "busybox-static", "/opt/app");
        spec("{\"args\":[\"sh\",\"-c\",\"cd /opt && exec ./app\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT,
               WORDS("noted (rule unknown): what /bin/sh runs could not be told: sh -c: cd is a "
                     "shell builtin"));
        CHECK(strstr(record, "\"examined_stop\":\"sh -c: cd is a shell builtin") != NULL);
        decide_scene(&(struct scene){.host = "linux/arm64", .policy = "{\"unknown\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_UNKNOWN, WORDS("what /bin/sh runs could not be told"));
        spec("{\"args\":[\"sh\",\"-c\",\"exec $APP\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64", .policy = "{\"unknown\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_UNKNOWN, WORDS("is expanded by the shell"));
        /* a wrapper told to run nothing is not unknown */
        spec("{\"args\":[\"sh\",\"-c\",\"exec\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64", .policy = "{\"unknown\":\"refuse\"}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

TEST(missing_elf_interpreter)
{
        fresh();
        /* the field input: a glibc program in an image with musl's loader */
        put("arm64", "busybox", "/bin/demo");
        put("arm64", "ld-musl", "/lib/ld-musl-aarch64.so.1");
        spec("{\"args\":[\"/bin/demo\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER,
               WORDS("/bin/demo is dynamically linked\0/lib/ld-linux-aarch64.so.1 is not in the "
                     "image\0no such file or directory\0musl\0[rule interpreter]"));
        CHECK(strstr(d.reason, "runs natively") == NULL);
        expect_record("rule", NULL, "interpreter");
        CHECK(strstr(record, "\"state\":\"missing\"") != NULL);

        decide_scene(&(struct scene){.host = "linux/arm64",
                                     .policy = "{\"rules\":{\"interpreter\":\"audit\"}}"});
        expect(VERDICT_AUDIT, RULE_INTERPRETER, WORDS("audit: would refuse"));
        decide_scene(&(struct scene){.host = "linux/arm64",
                                     .policy = "{\"rules\":{\"interpreter\":\"off\"}}"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule interpreter)"));
        decide_scene(&(struct scene){
                .host = "linux/arm64",
                .policy = "{\"exceptions\":[{\"name\":\"ctr1\",\"rules\":[\"interpreter\"],"
                          "\"reason\":\"loader from a volume\"}]}"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("excepted from rule interpreter"));

        /* a spec mount that provides the loader: judged in its source */
        harness_sh("mkdir -p '%s/hostlib' && install -m 0755 '%s/arm64/ld-linux' "
                   "'%s/hostlib/ld-linux-aarch64.so.1'",
                   bundle, harness_foreign_dir(), bundle);
        char lib_spec[1024];
        snprintf(lib_spec, sizeof(lib_spec),
                 "\"mounts\":[{\"destination\":\"/lib\",\"type\":\"bind\",\"source\":"
                 "\"%s/hostlib\",\"options\":[\"rbind\"]}]",
                 bundle);
        spec("{\"args\":[\"/bin/demo\"]" PATH_ENV, lib_spec);
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        CHECK(d.results[RULE_INTERPRETER].outcome == OUTCOME_PASS);

        /* the loader present */
        put("arm64", "ld-linux", "/lib/ld-linux-aarch64.so.1");
        spec("{\"args\":[\"/bin/demo\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        CHECK(d.results[RULE_INTERPRETER].outcome == OUTCOME_PASS);
        /* a missing loader behind a wrapper */
        put("arm64", "tini-static", "/sbin/tini");
        harness_sh("rm '%s/rootfs/lib/ld-linux-aarch64.so.1'", bundle);
        spec("{\"args\":[\"/sbin/tini\",\"--\",\"/bin/demo\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER, WORDS("/bin/demo (run by tini (/sbin/tini))"));
}

TEST(foreign_elf_interpreter)
{
        fresh();
        put("arm64", "busybox", "/bin/demo");
        put("amd64", "ld-musl", "/lib/ld-linux-aarch64.so.1");
        spec("{\"args\":[\"/bin/demo\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER,
               WORDS("its ELF interpreter /lib/ld-linux-aarch64.so.1 is built for "
                     "linux/amd64\0accessing a corrupted shared library"));
        CHECK(strstr(record, "\"state\":\"unusable\"") != NULL);

        put_text("/lib/ld-linux-aarch64.so.1", "#!/bin/sh\n");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER, WORDS("is not an ELF file"));
        harness_sh("chmod 0644 '%s/rootfs/lib/ld-linux-aarch64.so.1'", bundle);
        put("arm64", "ld-musl", "/lib/ld-linux-aarch64.so.1");
        harness_sh("chmod 0644 '%s/rootfs/lib/ld-linux-aarch64.so.1'", bundle);
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER, WORDS("is not executable"));
        /* an arm64 loader that is not glibc's still loads: the kernel only
         * checks its machine */
        put("arm64", "ld-musl", "/lib/ld-linux-aarch64.so.1");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

TEST(windows_line_endings)
{
        fresh();
        put("arm64", "busybox-static", "/bin/sh");
        put_text("/app/run.sh", "#!/bin/sh\r\necho hi\r\n");
        spec("{\"args\":[\"/app/run.sh\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER,
               WORDS("/app/run.sh is a #! script whose interpreter \"/bin/sh\\r\" is not in the "
                     "image\0Windows (CRLF) line endings\0dos2unix"));
        expect_no_raw_control();
        CHECK(strstr(record, "\"crlf\":true") != NULL);

        /* env in the #! line: it looks for "bash\r" */
        put("arm64", "busybox-static", "/usr/bin/env");
        put("arm64", "busybox-static", "/bin/bash");
        put_text("/app/run.sh", "#!/usr/bin/env bash\r\necho hi\r\n");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER,
               WORDS("\"bash\\r\"\0Windows (CRLF) line endings\0env looks for"));
        expect_no_raw_control();

        /* env in the #! line follows PATH to bash, and bash is judged */
        put_text("/app/run.sh", "#!/usr/bin/env bash\necho hi\n");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("/bin/bash (run by env (/usr/bin/env"));
        put("amd64", "busybox-static", "/bin/bash");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/bin/bash (run by env (/usr/bin/env"));
        put_text("/app/run.sh", "#!/usr/bin/env -S bash -e\necho hi\n");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("/bin/bash (run by env (/usr/bin/env"));
        /* a #! line whose env finds nothing */
        put_text("/app/run.sh", "#!/usr/bin/env python3\nprint()\n");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_INTERPRETER, WORDS("python3"));
}

TEST(control_characters_never_reach_a_message)
{
        fresh();
        put("arm64", "busybox-static", "/bin/sh");
        spec("{\"args\":[\"/bin/x\\r\\u001b[2J\\u0085\"]" PATH_ENV, "");
        decide_scene(&(struct scene){.host = "linux/arm64", .policy = "{\"unknown\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_UNKNOWN, NULL);
        expect_no_raw_control();
        CHECK(strstr(record, "\\\\r\\\\x1b[2J\\\\u0085") != NULL);
        CHECK(strstr(record, "\\u001b") == NULL);
}

int main(void)
{
        if (harness_mkdtemp(bundle, sizeof(bundle), "behind") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(foreign_program_behind_dumb_init);
        RUN(tini_docker_init_gosu_su_exec);
        RUN(env_and_sh_c);
        RUN(arguments_that_are_not_programs_are_never_judged);
        RUN(what_cannot_be_told_is_unknown);
        RUN(missing_elf_interpreter);
        RUN(foreign_elf_interpreter);
        RUN(windows_line_endings);
        RUN(control_characters_never_reach_a_message);
        RUN(busybox_static_sh_runs_its_applets);
        harness_sh("rm -rf '%s'", bundle);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
