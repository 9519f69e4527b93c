/* The engine plugin's request reader (envelope, URI, body as dockerd reads
 * them) and its decision. */
#include "../oci/authz_request.h"
#include "../policy/authz_decide.h"
#include "harness.h"

static void expect_body_error(const char *text, const char *message)
{
        struct authz_body b;
        struct eg_error err = {0};

        CHECK(authz_body_parse(text, strlen(text), AUTHZ_CREATE, &b, &err) == -1);
        if (strstr(err.msg, message) == NULL)
                printf("#   for %s: \"%s\" lacks \"%s\"\n", text, err.msg, message),
                        harness_case_failed = 1;
        authz_body_free(&b);
}

TEST(envelope_and_base64_body)
{
        /* {"Image":"busybox"} */
        const char *text =
                "{\"RequestMethod\":\"POST\",\"RequestUri\":\"/v1.41/containers/create\","
                "\"RequestBody\":\"eyJJbWFnZSI6ImJ1c3lib3gifQ==\",\"RequestHeaders\":"
                "{\"Content-Type\":\"application/json\"},\"User\":\"\"}";
        struct authz_request r;
        struct eg_error err = {0};

        CHECK(authz_request_parse(text, strlen(text), &r, &err) == 0);
        CHECK_STR(r.method, "POST");
        CHECK_STR(r.uri, "/v1.41/containers/create");
        CHECK(r.has_body && r.body_len == 19);
        CHECK_STR((const char *)r.body, "{\"Image\":\"busybox\"}");
        authz_request_free(&r);

        text = "{\"RequestMethod\":\"POST\",\"RequestBody\":\"eyJ=\"}";
        CHECK(authz_request_parse(text, strlen(text), &r, &err) == -1);
        CHECK(strstr(err.msg, "not standard base64") != NULL);
        authz_request_free(&r);
        text = "{\"RequestMethod\":\"POST\",\"requestbody\":\"e30=\"}";
        CHECK(authz_request_parse(text, strlen(text), &r, &err) == -1);
        authz_request_free(&r);
}

TEST(base64)
{
        unsigned char out[16];

        CHECK(authz_base64_decode("", 0, out) == 0);
        CHECK(authz_base64_decode("YQ==", 4, out) == 1 && out[0] == 'a');
        CHECK(authz_base64_decode("YWI=", 4, out) == 2);
        CHECK(authz_base64_decode("YWJj", 4, out) == 3);
        CHECK(authz_base64_decode("YR==", 4, out) == -1); /* bits under the padding */
        CHECK(authz_base64_decode("YQ=", 3, out) == -1);
        CHECK(authz_base64_decode("Y===", 4, out) == -1);
        CHECK(authz_base64_decode("YQ==YQ==", 8, out) == -1);
        CHECK(authz_base64_decode("Y-_a", 4, out) == -1); /* URL alphabet: not Go's StdEncoding */
}

TEST(uri_as_dockerd_routes_it)
{
        struct authz_uri u, slashed;
        struct eg_error err = {0};

        CHECK(authz_uri_parse("/v1.41/containers/cre%61te?name=mod%201&platform=linux%2Farm64&"
                              "name=second",
                              &u, &err) == 0);
        CHECK_STR(u.path, "/containers/create");
        CHECK_STR(u.version, "1.41");
        CHECK(u.has_name && u.has_platform);
        CHECK_STR(u.name, "mod 1");
        /* dockerd's one name with or without its slash; one slash only */
        CHECK(authz_uri_parse("/containers/create?name=/debug-x", &slashed, &err) == 0);
        CHECK_STR(slashed.name, "debug-x");
        CHECK(authz_uri_parse("/containers/create?name=%2F%2Fx", &slashed, &err) == 0);
        CHECK_STR(slashed.name, "/x");
        CHECK_STR(u.platform, "linux/arm64");
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_CREATE);
        CHECK(authz_endpoint_of("post", &u) == AUTHZ_CREATE);
        CHECK(authz_endpoint_of("GET", &u) == AUTHZ_OTHER);

        CHECK(authz_uri_parse("/containers/create?na%6De=x+y", &u, &err) == 0);
        CHECK_STR(u.name, "x y");
        CHECK_STR(u.version, "");
        CHECK(authz_uri_parse("//v1.40/containers/./x/../create", &u, &err) == 0);
        CHECK_STR(u.path, "/containers/create");
        CHECK(authz_uri_parse("/v1.41/containers/abc/exec", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_EXEC);
        CHECK(authz_uri_parse("/v1.41/containers/abc%2Fexec", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_EXEC);
        CHECK(authz_uri_parse("/v1.41/containers/json", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_OTHER);
        /* a start's body is a HostConfig below API 1.24 only */
        CHECK(authz_uri_parse("/v1.23/containers/abc/st%61rt", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_START_LEGACY);
        CHECK(authz_uri_parse("/v1.12/containers/abc/start", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_START_LEGACY);
        CHECK(authz_uri_parse("/v0.9/containers/abc/start", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_START_LEGACY);
        CHECK(authz_uri_parse("/v1.24/containers/abc/start", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_OTHER);
        CHECK(authz_uri_parse("/containers/abc/start", &u, &err) == 0);
        CHECK(authz_endpoint_of("POST", &u) == AUTHZ_OTHER);

        CHECK(authz_uri_parse("/containers/cre%6", &u, &err) == -1);
        CHECK(authz_uri_parse("/containers/cre%zzte", &u, &err) == -1);
        CHECK(authz_uri_parse("/containers/create%00", &u, &err) == -1);
        CHECK(authz_uri_parse("/containers/create?name=a;b", &u, &err) == -1);
        CHECK(authz_uri_parse("containers/create", &u, &err) == -1);
}

TEST(create_body_fields)
{
        const char *text =
                "{\"Image\":\"edge/mod:1\",\"Labels\":{\"net.azure-devices.edge.owner\":\"a\"},"
                "\"HostConfig\":{\"Privileged\":true,\"Runtime\":\"runc\",\"Isolation\":"
                "\"hyperv\",\"CapAdd\":\"SYS_ADMIN\",\"SecurityOpt\":[\"seccomp=unconfined\"],"
                "\"Binds\":null,\"Other\":{\"Deep\":[1,2,{\"x\":null}]}},\"CapAdd\":[\"NET_ADMIN\"]"
                "}";
        struct authz_body b;
        struct eg_error err = {0};

        CHECK(authz_body_parse(text, strlen(text), AUTHZ_CREATE, &b, &err) == 0);
        CHECK_STR(b.image, "edge/mod:1");
        CHECK_STR(authz_body_label(&b, "net.azure-devices.edge.owner"), "a");
        CHECK(b.has_host_config && b.host_config.privileged);
        CHECK_STR(b.host_config.runtime, "runc");
        CHECK_STR(b.host_config.isolation, "hyperv");
        CHECK(b.host_config.cap_add.len == 1); /* strslice: a lone string */
        CHECK_STR(b.host_config.cap_add.items[0], "SYS_ADMIN");
        CHECK(b.host_config.security_opt.len == 1);
        CHECK(b.top.cap_add.len == 1);
        authz_body_free(&b);

        /* the process asked for: docker run --entrypoint "" -e A=1 -w /w -u 1:2 IMAGE x y */
        text = "{\"Image\":\"x\",\"Entrypoint\":[],\"Cmd\":[\"x\",\"y\"],\"Env\":[\"A=1\"],"
               "\"WorkingDir\":\"/w\",\"User\":\"1:2\"}";
        CHECK(authz_body_parse(text, strlen(text), AUTHZ_CREATE, &b, &err) == 0);
        CHECK(b.entrypoint.present && b.entrypoint.len == 0); /* [] resets, unlike absent */
        CHECK(b.cmd.present && b.cmd.len == 2);
        CHECK_STR(b.cmd.items[1], "y");
        CHECK(b.env.len == 1);
        CHECK_STR(b.env.items[0], "A=1");
        CHECK_STR(b.working_dir, "/w");
        CHECK_STR(b.user, "1:2");
        authz_body_free(&b);
        text = "{\"Image\":\"x\",\"Entrypoint\":\"/bin/sh -c\",\"Cmd\":null,\"Env\":null}";
        CHECK(authz_body_parse(text, strlen(text), AUTHZ_CREATE, &b, &err) == 0);
        CHECK(b.entrypoint.len == 1); /* strslice: a lone string is one item, not split */
        CHECK_STR(b.entrypoint.items[0], "/bin/sh -c");
        CHECK(!b.cmd.present && !b.env.present && b.working_dir == NULL && b.user == NULL);
        authz_body_free(&b);

        text = "{\"Image\":\"x\",\"HostConfig\":null,\"Privileged\":true}";
        CHECK(authz_body_parse(text, strlen(text), AUTHZ_CREATE, &b, &err) == 0);
        CHECK(!b.has_host_config && b.top.privileged);
        authz_body_free(&b);

        text = "{\"Privileged\":true,\"Cmd\":[\"sh\"]}";
        CHECK(authz_body_parse(text, strlen(text), AUTHZ_EXEC, &b, &err) == 0);
        CHECK(b.privileged);
        authz_body_free(&b);
}

TEST(body_read_as_go_or_refused)
{
        expect_body_error("{\"hostconfig\":{}}", "reads as \"HostConfig\"");
        expect_body_error("{\"HostConfig\":{\"Iſolation\":\"hyperv\"}}", "reads as \"Isolation\"");
        expect_body_error("{\"HostConfig\":{\"Runtime\":\"a\",\"Runtime\":\"b\"}}",
                          "HostConfig.Runtime: duplicate key");
        expect_body_error("{\"Labels\":{\"a\":\"1\",\"a\":\"2\"}}", "duplicate key");
        expect_body_error("{\"PRIVILEGED\":true}", "reads as \"Privileged\"");
        expect_body_error("{\"HostConfig\":{\"Privileged\":\"true\"}}",
                          "a string where true or false is expected");
        expect_body_error("{\"HostConfig\":{\"CapAdd\":[1]}}", "a number where a string");
        expect_body_error("{\"Image\":\"a\\u0000b\"}", "NUL");
        expect_body_error("{\"Image\":\"x\"} {}", "invalid JSON");
        expect_body_error("[]", "an array where an object is expected");
        expect_body_error("{\"Image\":\"\\ud800\"}", "surrogate");
        expect_body_error("{\"Cmd\":[\"a\",null]}", "null where a string");
        expect_body_error("{\"Env\":\"A=1\"}", "a string where");
        expect_body_error("{\"cmd\":[\"sh\"]}", "reads as \"Cmd\"");
        expect_body_error("{\"Entrypoint\":[\"a\"],\"Entrypoint\":[\"b\"]}", "duplicate key");
        expect_body_error("{\"User\":1}", "a number where a string");
}

TEST(depth_bounded)
{
        char text[400];
        size_t n = 0;

        for (int i = 0; i < 100; i++)
                text[n++] = '[';
        text[n] = '\0';
        memmove(text + 5, text, n + 1);
        memcpy(text, "{\"x\":", 5);
        expect_body_error(text, "nested deeper than 64 levels");
}

/* ---- the decision ---- */

struct scene {
        struct policy policy;
        struct host_facts host;
        struct authz_uri uri;
        struct authz_body body;
        struct authz_facts facts;
        struct decision_input in;
        struct decision d;
};

static struct scene *scene(const char *host, const char *policy_json, const char *body)
{
        struct scene *s = calloc(1, sizeof(*s));
        struct eg_error err = {0};

        if (s == NULL)
                abort();
        CHECK(policy_json ? policy_parse(policy_json, strlen(policy_json), "p.json", &s->policy,
                                         &err) == 0
                          : policy_defaults(&s->policy, &err) == 0);
        CHECK(host_simulate(host, &s->host, &err) == 0);
        CHECK(authz_uri_parse("/v1.41/containers/create?name=mod", &s->uri, &err) == 0);
        CHECK(authz_body_parse(body, strlen(body), AUTHZ_CREATE, &s->body, &err) == 0);
        s->facts = (struct authz_facts){.endpoint = AUTHZ_CREATE, .uri = &s->uri, .body = &s->body};
        s->facts.image.status = AUTHZ_IMAGE_READ;
        CHECK(platform_parse(host, &s->facts.image.platform, &err) == 0);
        s->facts.daemon = (struct authz_daemon){.known = true, .default_runtime = "edgeguard"};
        s->in = (struct decision_input){.policy = &s->policy, .host = &s->host};
        s->in.ctx = (struct decision_context){.id = "", .name = "mod", .door = "authz"};
        return s;
}

static void decide_scene(struct scene *s)
{
        authz_decide(&s->in, &s->facts, &s->d);
}

static void scene_free(struct scene *s)
{
        authz_body_free(&s->body);
        policy_free(&s->policy);
        free(s);
}

TEST(decide_runtime_and_hyperv)
{
        struct scene *s = scene("linux/amd64", NULL, "{\"HostConfig\":{\"Runtime\":\"runc\"}}");

        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_REFUSE && s->d.rule == RULE_RUNTIME);
        CHECK(strstr(s->d.reason, "refused a new container (name mod)") != NULL);
        scene_free(s);

        s = scene("linux/amd64", NULL, "{\"HostConfig\":{}}");
        strcpy(s->facts.daemon.default_runtime, "runc");
        decide_scene(s);
        CHECK(s->d.rule == RULE_RUNTIME); /* the daemon's default is the bypass */
        scene_free(s);

        s = scene("linux/amd64", "{\"trusted_runtimes\":[\"edgeguard\",\"runc\"]}",
                  "{\"HostConfig\":{\"Runtime\":\"runc\"}}");
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW);
        scene_free(s);

        s = scene("windows/amd64", NULL, "{\"HostConfig\":{\"Isolation\":\"\"}}");
        strcpy(s->facts.daemon.isolation, "hyperv");
        decide_scene(s);
        CHECK(s->d.rule == RULE_HYPERV);
        scene_free(s);

        s = scene("windows/amd64", NULL, "{\"HostConfig\":{\"Isolation\":\"process\"}}");
        strcpy(s->facts.daemon.isolation, "hyperv");
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW);
        scene_free(s);

        /* a Windows daemon whose default is not known: fail closed, and say so */
        s = scene("windows/amd64", NULL, "{\"HostConfig\":{\"Isolation\":\"default\"}}");
        s->facts.daemon.known = false;
        strcpy(s->facts.daemon.detail, "GET /info on \\\\.\\pipe\\docker_engine: no pipe");
        decide_scene(s);
        CHECK(s->d.rule == RULE_HYPERV);
        CHECK(strstr(s->d.reason, "whose default could not be known") != NULL);
        scene_free(s);
        s = scene("windows/amd64", NULL, "{\"HostConfig\":{\"Isolation\":\"Process\"}}");
        s->facts.daemon.known = false;
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW); /* asked for: no default needed */
        scene_free(s);
        /* dockerd on Windows reports no default runtime: not judged there */
        s = scene("windows/amd64", NULL, "{\"HostConfig\":{\"Isolation\":\"process\"}}");
        s->facts.daemon = (struct authz_daemon){.known = true, .isolation = "process"};
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW);
        CHECK(s->d.results[RULE_RUNTIME].outcome == OUTCOME_SKIPPED);
        scene_free(s);
        s = scene("linux/amd64", NULL, "{\"HostConfig\":{}}");
        s->facts.daemon.known = false;
        decide_scene(s);
        CHECK(s->d.results[RULE_HYPERV].outcome != OUTCOME_FAIL); /* no Hyper-V on Linux */
        scene_free(s);
}

/* A start below API 1.24: allowed with no settings, refused with any. */
TEST(decide_start_legacy)
{
        static const char *const bodies[] = {" { }\n", "null", "{\"Runtime\":\"runc\"}",
                                             "{\"Privileged\":true}", "{} {}"};
        static const bool allowed[] = {true, true, false, false, false};

        for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
                struct scene *s = scene("linux/amd64", NULL, "{}");
                struct eg_error err = {0};
                CHECK(authz_uri_parse("/v1.23/containers/abc/start", &s->uri, &err) == 0);
                s->facts = (struct authz_facts){.endpoint = AUTHZ_START_LEGACY,
                                                .uri = &s->uri,
                                                .start_body = (const unsigned char *)bodies[i],
                                                .start_body_len = strlen(bodies[i])};
                decide_scene(s);
                CHECK((s->d.verdict == VERDICT_ALLOW) == allowed[i]);
                if (!allowed[i])
                        CHECK(s->d.rule == RULE_RUNTIME &&
                              strstr(s->d.reason, "a start at API 1.23 carries a body") != NULL);
                scene_free(s);
        }
}

TEST(decide_platform)
{
        struct scene *s = scene("linux/amd64", NULL, "{\"Image\":\"x\"}");
        struct eg_error err;

        CHECK(platform_parse("linux/arm64", &s->facts.image.platform, &err) == 0);
        decide_scene(s);
        CHECK(s->d.rule == RULE_ARCH);
        CHECK(strstr(s->d.reason, "the image x is linux/arm64, which this host does not run") !=
              NULL);
        scene_free(s);

        s = scene("linux/amd64", NULL, "{\"Image\":\"x\"}");
        CHECK(platform_parse("linux/386", &s->facts.image.platform, &err) == 0);
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW);
        scene_free(s);
        /* a kernel without IA32 emulation runs no 386 image */
        s = scene("linux/amd64", NULL, "{\"Image\":\"x\"}");
        CHECK(host_simulate("linux/amd64,ia32=no", &s->host, &err) == 0);
        CHECK(platform_parse("linux/386", &s->facts.image.platform, &err) == 0);
        decide_scene(s);
        CHECK(s->d.rule == RULE_ARCH);
        CHECK(strstr(s->d.reason, "this host's kernel does not run 32-bit x86 programs (IA32 "
                                  "emulation is off)") != NULL);
        scene_free(s);

        s = scene("linux/amd64", NULL, "{\"Image\":\"x\"}");
        CHECK(authz_uri_parse("/containers/create?platform=linux/s390x", &s->uri, &err) == 0);
        decide_scene(s);
        CHECK(s->d.rule == RULE_ARCH); /* the platform query, too */
        scene_free(s);

        s = scene("linux/amd64", NULL, "{\"Image\":\"x\"}");
        s->facts.image.status = AUTHZ_IMAGE_ABSENT;
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW);
        scene_free(s);
}

TEST(decide_windows_build)
{
        struct scene *s = scene("windows(10.0.17763)/amd64", NULL,
                                "{\"HostConfig\":{\"Isolation\":\"process\"}}");

        strcpy(s->facts.image.os_version, "10.0.20348.1");
        decide_scene(s);
        CHECK(s->d.rule == RULE_WINDOWS_BUILD);
        CHECK(strstr(s->d.reason, "the image is Windows build 20348") != NULL);
        strcpy(s->facts.image.os_version, "10.0.17763.4377");
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW);
        scene_free(s);

        s = scene("windows(10.0.17763)/amd64", NULL, "{\"HostConfig\":{\"Isolation\":\"hyperv\"}}");
        strcpy(s->facts.image.os_version, "10.0.20348.1");
        decide_scene(s);
        CHECK(s->d.rule == RULE_HYPERV); /* not windows_build: Hyper-V runs other builds */
        CHECK(s->d.results[RULE_WINDOWS_BUILD].outcome == OUTCOME_SKIPPED);
        scene_free(s);
}

TEST(decide_privilege)
{
        const char *strict = "{\"privileged\":\"refuse\",\"seccomp_required\":true,"
                             "\"capabilities\":\"docker-default\",\"exceptions\":[{\"name\":"
                             "\"ok-*\",\"rules\":[\"seccomp\"],\"reason\":\"r\"}]}";
        struct eg_error err = {0};
        struct scene *s = scene("linux/amd64", strict, "{\"Privileged\":true}");

        decide_scene(s);
        CHECK(s->d.rule == RULE_PRIVILEGED); /* top level, no HostConfig */
        scene_free(s);
        s = scene("linux/amd64", strict, "{\"HostConfig\":{\"CapAdd\":[\"net_admin\"]}}");
        decide_scene(s);
        CHECK(s->d.rule == RULE_CAPABILITIES);
        CHECK(strstr(s->d.reason, "CAP_NET_ADMIN is beyond the allow-list") != NULL);
        scene_free(s);
        s = scene("linux/amd64", strict, "{\"HostConfig\":{\"CapAdd\":[\"CAP_NOPE\"]}}");
        decide_scene(s);
        CHECK(s->d.rule == RULE_CAPABILITIES);
        scene_free(s);
        s = scene("linux/amd64", strict,
                  "{\"HostConfig\":{\"SecurityOpt\":[\"seccomp:unconfined\"]}}");
        decide_scene(s);
        CHECK(s->d.rule == RULE_SECCOMP);
        /* `docker create --name /ok-1`: the exception "ok-*" holds */
        CHECK(authz_uri_parse("/v1.41/containers/create?name=/ok-1", &s->uri, &err) == 0);
        s->in.ctx.name = s->uri.name;
        decide_scene(s);
        CHECK(s->d.verdict == VERDICT_ALLOW);
        CHECK(s->d.results[RULE_SECCOMP].action == ACTION_EXCEPTED);
        scene_free(s);
}

TEST(elf_head_for_binfmt)
{
        unsigned char head[BINFMT_BUF_SIZE];
        struct platform p = {.os = "linux", .arch = "s390x"};

        CHECK(authz_elf_head(&p, head));
        CHECK(memcmp(head, "\177ELF\002\002\001", 7) == 0);
        CHECK(head[17] == 2 && head[19] == 22);
        strcpy(p.arch, "arm64");
        CHECK(authz_elf_head(&p, head));
        CHECK(head[4] == 2 && head[5] == 1 && head[16] == 2 && head[18] == 183);
        strcpy(p.arch, "sparc");
        CHECK(!authz_elf_head(&p, head));
}

HARNESS_MAIN(RUN(envelope_and_base64_body); RUN(base64); RUN(uri_as_dockerd_routes_it);
             RUN(create_body_fields); RUN(body_read_as_go_or_refused); RUN(depth_bounded);
             RUN(decide_runtime_and_hyperv); RUN(decide_start_legacy); RUN(decide_platform);
             RUN(decide_windows_build); RUN(decide_privilege); RUN(elf_head_for_binfmt))
