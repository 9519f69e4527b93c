/* The rules over what a container may do: capabilities, privileged and
 * seccomp, over specs dockerd 20.10 wrote (tests/data/spec/docker: docker
 * run with no option, --cap-add SYS_ADMIN, --cap-add ALL, --cap-drop ALL,
 * --privileged, --device, --security-opt seccomp=unconfined), and the
 * arch rule's question whether the seccomp filter lets the executable's
 * system calls through at all. */
#include "../oci/capability.h"
#include "../oci/scmp_arch.h"
#include "scene.h"

#define STRICT                                                                                 \
        "{\"capabilities\":\"docker-default\",\"privileged\":\"refuse\",\"seccomp_required\":" \
        "true}"

static void expect_rule(enum rule r, enum outcome o, const char *words)
{
        const struct rule_result *res = &d.results[r];

        if (res->outcome != o) {
                printf("#   rule %s is %s, expected %s: %s\n", rule_name(r),
                       outcome_name(res->outcome), outcome_name(o), res->detail);
                harness_case_failed = 1;
        }
        for (const char *w = words; w && *w; w += strlen(w) + 1)
                if (strstr(res->detail, w) == NULL) {
                        printf("#   rule %s's detail lacks \"%s\":\n#   %s\n", rule_name(r), w,
                               res->detail);
                        harness_case_failed = 1;
                }
}

/* A native bundle whose process holds `caps`, a jq object of the sets. */
static void caps_spec(const char *caps)
{
        make_bundle("amd64", "");
        harness_sh(
                "jq -n '{ociVersion: \"1.0.2\", root: {path: \"rootfs\"}, linux: {}, process: "
                "{args: "
                "[\"/bin/busybox\", \"true\"], cwd: \"/\", capabilities: %s}}' >'%s/config.json'",
                caps, bundle);
}

static uint64_t cap(const char *name)
{
        int v = -1;

        CHECK(capability_parse(name, &v, NULL) == CAPABILITY_OK);
        return capability_bit(v);
}

TEST(names_as_runc_reads_them)
{
        char canonical[CAPABILITY_NAME_MAX], name[CAPABILITY_NAME_MAX];
        int v = -1;

        CHECK(capability_parse("CAP_SYS_ADMIN", &v, canonical) == CAPABILITY_OK && v == 21);
        CHECK(capability_parse("CAP_CHECKPOINT_RESTORE", &v, NULL) == CAPABILITY_OK && v == 40);
        /* libcap reads all of these; runc reads none */
        CHECK(capability_parse("cap_sys_admin", &v, canonical) == CAPABILITY_MISSPELT);
        CHECK_STR(canonical, "CAP_SYS_ADMIN");
        CHECK(capability_parse("Cap_Sys_Admin", &v, canonical) == CAPABILITY_MISSPELT);
        CHECK_STR(canonical, "CAP_SYS_ADMIN");
        CHECK(capability_parse("21", &v, canonical) == CAPABILITY_MISSPELT);
        CHECK_STR(canonical, "CAP_SYS_ADMIN");
        CHECK(capability_parse("0x15", &v, canonical) == CAPABILITY_MISSPELT);
        CHECK_STR(canonical, "CAP_SYS_ADMIN");
        CHECK(capability_parse("CAP_CHOWN,CAP_KILL", &v, canonical) == CAPABILITY_MISSPELT);
        CHECK_STR(canonical, "");
        CHECK(capability_parse("SYS_ADMIN", &v, canonical) == CAPABILITY_UNKNOWN ||
              capability_parse("SYS_ADMIN", &v, canonical) == CAPABILITY_MISSPELT);
        CHECK(capability_parse("CAP_FOO", &v, NULL) == CAPABILITY_UNKNOWN);
        CHECK(capability_parse("CAP_", &v, NULL) != CAPABILITY_OK);
        CHECK(capability_parse("", &v, NULL) != CAPABILITY_OK);
        CHECK(capability_parse("41", &v, NULL) != CAPABILITY_OK);
        CHECK(capability_parse("-1", &v, NULL) != CAPABILITY_OK);

        CHECK(capability_name(0, name) && strcmp(name, "CAP_CHOWN") == 0);
        CHECK(!capability_name(45, name) && strcmp(name, "capability 45") == 0);
        CHECK(capability_count(capability_docker_default()) == 14);
        CHECK(capability_docker_default() & cap("CAP_NET_BIND_SERVICE"));
        CHECK(!(capability_docker_default() & cap("CAP_SYS_ADMIN")));
        CHECK(capability_count(capability_all_up_to(CAPABILITY_AUDIT_READ)) == 38);
        CHECK(capability_all_up_to(63) == UINT64_MAX && capability_all_up_to(-1) == 0);
}

TEST(docker_default_set_allowed)
{
        make_fixture_bundle("amd64", "docker/default", NULL);
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = STRICT});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        expect_rule(RULE_CAPABILITIES, OUTCOME_PASS,
                    WORDS("14 held\0CAP_AUDIT_WRITE\0within the allow-list"));
        expect_rule(RULE_PRIVILEGED, OUTCOME_PASS,
                    WORDS("not privileged: 14 capabilities, 8 device cgroup rules, a seccomp "
                          "filter, 10 masked paths"));
        expect_rule(RULE_SECCOMP, OUTCOME_PASS,
                    WORDS("SCMP_ACT_ERRNO\0SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32"));
        /* the same with the list spelt out, and docker-default inside a list */
        decide_scene(&(struct scene){
                .host = "linux/amd64",
                .policy = "{\"capabilities\":[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FSETID\","
                          "\"CAP_FOWNER\",\"CAP_MKNOD\",\"CAP_NET_RAW\",\"CAP_SETGID\","
                          "\"CAP_SETUID\",\"CAP_SETFCAP\",\"CAP_SETPCAP\",\"CAP_NET_BIND_SERVICE\","
                          "\"CAP_SYS_CHROOT\",\"CAP_KILL\",\"CAP_AUDIT_WRITE\"]}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        decide_scene(&(struct scene){
                .host = "linux/amd64",
                .policy = "{\"capabilities\":[\"docker-default\",\"CAP_SYS_ADMIN\"]}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* --cap-drop ALL holds nothing, which any list allows */
        make_fixture_bundle("amd64", "docker/cap-drop-all", NULL);
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = "{\"capabilities\":[]}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        expect_rule(RULE_CAPABILITIES, OUTCOME_PASS, WORDS("0 held"));
        /* no process.capabilities: runc grants none */
        make_bundle("amd64", "\"linux\":{}");
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = "{\"capabilities\":[]}"});
        expect_rule(RULE_CAPABILITIES, OUTCOME_PASS, WORDS("none"));
}

TEST(capability_beyond_the_allow_list)
{
        make_fixture_bundle("amd64", "docker/cap-sys-admin", NULL);
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = STRICT, .name = "edgeHub"});
        expect(VERDICT_REFUSE, RULE_CAPABILITIES,
               WORDS("CAP_SYS_ADMIN is beyond the allow-list [rule capabilities]\0--cap-drop"));
        expect_record("rules", "capabilities", "*");
        CHECK(strstr(record, "\"capabilities\":{\"result\":\"fail\",\"action\":\"refuse\","
                             "\"detail\":\"CAP_SYS_ADMIN is beyond the allow-list\"}") != NULL);
        /* without an allow-list the rule has nothing to hold it against */
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        expect_rule(RULE_CAPABILITIES, OUTCOME_PASS, WORDS("15 held\0CAP_SYS_ADMIN"));
        /* audit mode records what would have been refused */
        decide_scene(&(struct scene){
                .host = "linux/amd64",
                .policy = "{\"capabilities\":\"docker-default\",\"rules\":{\"capabilities\":"
                          "\"audit\"}}"});
        expect(VERDICT_AUDIT, RULE_CAPABILITIES, WORDS("audit: would refuse\0CAP_SYS_ADMIN"));

        /* one module may hold more: an exception's capabilities add to the list */
        static const char *const scoped =
                "{\"capabilities\":\"docker-default\",\"exceptions\":[{\"name\":\"edgeHub\","
                "\"capabilities\":[\"CAP_SYS_ADMIN\"],\"reason\":\"mounts its store\"}]}";
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = scoped, .name = "edgeHub"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        expect_rule(RULE_CAPABILITIES, OUTCOME_PASS,
                    WORDS("within the allow-list and what the exception \"mounts its store\" "
                          "adds"));
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = scoped, .name = "other"});
        expect(VERDICT_REFUSE, RULE_CAPABILITIES, WORDS("CAP_SYS_ADMIN"));
        /* an expired one adds nothing */
        decide_scene(&(struct scene){
                .host = "linux/amd64",
                .name = "edgeHub",
                .policy = "{\"capabilities\":\"docker-default\",\"exceptions\":[{\"name\":"
                          "\"edgeHub\",\"capabilities\":[\"CAP_SYS_ADMIN\"],\"reason\":\"r\","
                          "\"expires\":\"2020-01-01T00:00:00Z\"}]}"});
        expect(VERDICT_REFUSE, RULE_CAPABILITIES, WORDS("CAP_SYS_ADMIN"));
        /* or the whole rule excepted */
        decide_scene(&(struct scene){
                .host = "linux/amd64",
                .name = "edgeHub",
                .policy = "{\"capabilities\":\"docker-default\",\"exceptions\":[{\"name\":"
                          "\"edge*\",\"rules\":[\"capabilities\"],\"reason\":\"trusted\"}]}"});
        expect(VERDICT_ALLOW, RULE_COUNT,
               WORDS("excepted from rule capabilities (\"trusted\"): CAP_SYS_ADMIN is beyond"));
}

TEST(misspelt_and_numeric_names_refused)
{
        caps_spec("{bounding:[\"CAP_CHOWN\","
                  "\"cap_net_admin\",\"21\"],effective:[\"0x15\",\"CAP_KILL,CAP_CHOWN\"]}");
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = STRICT});
        expect(VERDICT_REFUSE, RULE_CAPABILITIES,
               WORDS("not capability names as runc reads them: \"cap_net_admin\" (runc reads "
                     "only CAP_NET_ADMIN), \"21\" (runc reads only CAP_SYS_ADMIN), \"0x15\" "
                     "(runc reads only CAP_SYS_ADMIN), \"CAP_KILL,CAP_CHOWN\" (runc drops them "
                     "with a warning)"));
        /* they fail the rule even with no allow-list: noted by default... */
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule capabilities): not capability names"));
        /* ...refused when the rule is enforced */
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"rules\":{\"capabilities\":\"enforce\"}}"});
        expect(VERDICT_REFUSE, RULE_CAPABILITIES, WORDS("\"cap_net_admin\""));
}

TEST(unknown_capabilities)
{
        caps_spec("{bounding:[\"CAP_CHOWN\","
                  "\"CAP_FOO\",\"CAP_BPF\"],effective:[\"CAP_BPF\"]}");
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .cap_last = CAPABILITY_AUDIT_READ,
                                     .policy = "{\"capabilities\":[\"CAP_CHOWN\",\"CAP_BPF\"]}"});
        expect(VERDICT_REFUSE, RULE_CAPABILITIES,
               WORDS("no such capability: CAP_FOO\0unknown to this kernel (its last is "
                     "CAP_AUDIT_READ): CAP_BPF (runc drops them with a warning)"));
        /* a kernel that knows CAP_BPF */
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .cap_last = 40,
                                     .policy = "{\"capabilities\":[\"CAP_CHOWN\",\"CAP_BPF\"]}"});
        expect(VERDICT_REFUSE, RULE_CAPABILITIES, WORDS("no such capability: CAP_FOO"));
        CHECK(strstr(d.reason, "kernel") == NULL);
}

TEST(capability_runc_cannot_grant)
{
        uint64_t bounding = capability_all_up_to(40) & ~cap("CAP_SYS_RESOURCE");

        caps_spec("{bounding:[\"CAP_CHOWN\","
                  "\"CAP_SYS_RESOURCE\"],effective:[\"CAP_SYS_RESOURCE\"],permitted:"
                  "[\"CAP_SYS_RESOURCE\"]}");
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .cap_last = 40,
                                     .cap_bounding = bounding,
                                     .policy = "{\"rules\":{\"capabilities\":\"enforce\"}}"});
        /* a certain failure, not the capabilities policy's business */
        expect(VERDICT_REFUSE, RULE_CERTAIN_FAILURE,
               WORDS("CAP_SYS_RESOURCE is not in the bounding set runc inherits from the engine: "
                     "runc would fail with \"unable to apply caps: operation not permitted\"\0"
                     "Drop those capabilities"));
        expect_rule(RULE_CERTAIN_FAILURE, OUTCOME_FAIL,
                    WORDS("CAP_SYS_RESOURCE is not in the bounding set runc inherits"));
        expect_rule(RULE_CAPABILITIES, OUTCOME_PASS, NULL);
        /* the field case: docker run --privileged under exceptions for privileged,
         * capabilities and seccomp, on a host whose bounding set lacks
         * CAP_SYS_RESOURCE: no exception lets runc's failure through */
        decide_scene(&(struct scene){
                .host = "linux/amd64",
                .cap_last = 40,
                .cap_bounding = bounding,
                .name = "debug",
                .policy = "{\"rules\":{\"capabilities\":\"enforce\",\"privileged\":"
                          "\"enforce\",\"seccomp\":\"enforce\"},\"exceptions\":[{\"name\":"
                          "\"debug\",\"rules\":[\"privileged\",\"capabilities\",\"seccomp\"],"
                          "\"reason\":\"field debugging\"}]}"});
        expect(VERDICT_REFUSE, RULE_CERTAIN_FAILURE, WORDS("CAP_SYS_RESOURCE"));
        /* and the policy cannot name it */
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"exceptions\":[{\"name\":\"x\",\"rules\":["
                                               "\"certain_failure\"],\"reason\":"
                                               "\"x\"}]}"});
        expect(VERDICT_REFUSE, RULE_POLICY, WORDS("certain_failure cannot be excepted"));
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"rules\":{\"certain_failure\":\"off\"}}"});
        expect(VERDICT_REFUSE, RULE_POLICY, WORDS("certain_failure has no mode"));
        /* in the bounding set alone it is only not there: runc does not fail */
        caps_spec("{bounding:[\"CAP_SYS_RESOURCE\"]}");
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .cap_last = 40,
                                     .cap_bounding = bounding,
                                     .policy = "{\"rules\":{\"capabilities\":\"enforce\"}}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

TEST(privileged_detected)
{
        make_fixture_bundle("amd64", "docker/privileged", NULL);
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = STRICT, .name = "debug"});
        expect(VERDICT_REFUSE, RULE_PRIVILEGED,
               WORDS("privileged: it holds every capability (38); every device is allowed "
                     "(the device cgroup is allow-by-default after linux.resources.devices[0]); "
                     "also: no seccomp filter, no "
                     "masked paths, no read-only paths, /sys writable, 102 device nodes [rule "
                     "privileged]\0Run it without --privileged"));
        expect_rule(RULE_CAPABILITIES, OUTCOME_FAIL, WORDS("CAP_SYS_MODULE"));
        expect_rule(RULE_SECCOMP, OUTCOME_FAIL, WORDS("no seccomp filter"));
        /* allowed for the excepted module, refused for another */
        static const char *const excepted =
                "{\"privileged\":\"refuse\",\"exceptions\":[{\"name\":\"debug-*\",\"rules\":"
                "[\"privileged\"],\"reason\":\"field debugging\"}]}";
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = excepted, .name = "debug-shell"});
        expect(VERDICT_ALLOW, RULE_COUNT,
               WORDS("excepted from rule privileged (\"field debugging\"): privileged: it "
                     "holds every capability"));
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = excepted, .name = "tempSensor"});
        expect(VERDICT_REFUSE, RULE_PRIVILEGED, WORDS("tempSensor"));
        /* the default policy lets it run, and notes it */
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule privileged): privileged"));

        /* every capability alone is privileged; a device alone is not */
        make_fixture_bundle("amd64", "docker/cap-add-all", NULL);
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"privileged\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_PRIVILEGED, WORDS("every capability (38)"));
        CHECK(strstr(d.reason, "every device") == NULL);
        make_fixture_bundle("amd64", "docker/device", NULL);
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"privileged\":\"refuse\"}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* every device through a wildcard rule after docker's deny-all */
        make_fixture_bundle("amd64", "docker/default",
                            ".linux.resources.devices += [{allow: true, type: \"a\", access: "
                            "\"rwm\"}]");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"privileged\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_PRIVILEGED,
               WORDS("every device is allowed (the device cgroup is allow-by-default after "
                     "linux.resources.devices[8])"));
        /* a wildcard deny after it takes it back */
        make_fixture_bundle("amd64", "docker/default",
                            ".linux.resources.devices += [{allow: true, access: \"rwm\"}, "
                            "{allow: false, access: \"rwm\"}]");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"privileged\":\"refuse\"}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

/* A device rule set and what runc's device filter makes of it. */
static void devices_refused(const char *rules, const char *words)
{
        char jq[512];

        snprintf(jq, sizeof(jq), ".linux.resources.devices += %s", rules);
        make_fixture_bundle("amd64", "docker/default", jq);
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"privileged\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_PRIVILEGED, words);
}

static void devices_allowed(const char *rules)
{
        char jq[512];

        snprintf(jq, sizeof(jq), ".linux.resources.devices += %s", rules);
        make_fixture_bundle("amd64", "docker/default", jq);
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"privileged\":\"refuse\"}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

/* runc's devices emulator: type "a" (or none) resets whatever its other
 * fields, access merges per type:major:minor, later rules override. */
TEST(device_rules_as_runc_applies_them)
{
        devices_refused("[{allow: true, type: \"c\", access: \"rwm\"}, {allow: true, type: "
                        "\"b\", access: \"rwm\"}]",
                        WORDS("every character device is allowed (c *:* rwm after "
                              "linux.resources.devices[8]); every block device is allowed "
                              "(b *:* rwm after linux.resources.devices[9])"));
        devices_refused("[{allow: true, type: \"a\", access: \"rw\"}, {allow: true, type: "
                        "\"a\", access: \"m\"}]",
                        WORDS("every device is allowed (the device cgroup is allow-by-default "
                              "after linux.resources.devices[9])"));
        /* no type is "a"; a major and an access do not narrow it */
        devices_refused("[{allow: true, major: 1, access: \"r\"}]",
                        WORDS("every device is allowed"));
        /* access merges: rw, then m */
        devices_refused("[{allow: true, type: \"c\", major: -1, minor: -1, access: \"rw\"}, "
                        "{allow: true, type: \"c\", access: \"m\"}]",
                        WORDS("every character device is allowed (c *:* rwm"));
        /* a later deny takes it back; runc's own c *:* m stays */
        devices_allowed("[{allow: true, type: \"c\", access: \"rwm\"}, {allow: false, type: "
                        "\"c\", access: \"rw\"}]");
        /* deny-all resets what came before */
        devices_allowed("[{allow: true, type: \"b\", access: \"rw\"}, {allow: false, access: "
                        "\"rwm\"}]");
        /* a hole punched in a wildcard rule: runc fails, and says so */
        devices_refused("[{allow: true, type: \"c\", access: \"rw\"}, {allow: false, type: "
                        "\"c\", major: 1, minor: 1, access: \"r\"}]",
                        WORDS("linux.resources.devices[9]: removes access a wider wildcard rule "
                              "grants"));
        devices_refused("[{allow: true, type: \"c\", access: \"\"}]",
                        WORDS("linux.resources.devices[8]: empty access"));
        devices_refused("[{allow: true, type: \"u\", access: \"rwm\"}]",
                        WORDS("type \"u\" is not a, b or c"));
        /* allow-by-default with a wildcard deny: runc's own rules that follow
         * (allow c 1:3 rwm, ...) would punch holes in it, and runc fails */
        devices_refused("[{allow: true, access: \"rwm\"}, {allow: false, type: \"c\", "
                        "access: \"rw\"}]",
                        WORDS("runc's default rule 2: removes access a wider wildcard rule"));
        devices_refused("[{allow: true, access: \"rwm\"}, {allow: false, type: \"c\", major: "
                        "4, minor: 1, access: \"rwm\"}]",
                        WORDS("every device is allowed"));
        /* Docker's own: deny all, c *:* m, b *:* m and single devices */
        devices_allowed("[]");
}

TEST(seccomp_unconfined)
{
        make_fixture_bundle("amd64", "docker/unconfined", NULL);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule seccomp): no seccomp filter"));
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"seccomp_required\":true}"});
        expect(VERDICT_REFUSE, RULE_SECCOMP,
               WORDS("no seccomp filter (no linux.seccomp: seccomp=unconfined or --privileged) "
                     "[rule seccomp]\0drop seccomp=unconfined"));
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"seccomp_required\":false}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* a profile that allows whatever it does not name */
        make_fixture_bundle("amd64", "docker/default",
                            ".linux.seccomp.defaultAction = \"SCMP_ACT_ALLOW\"");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"seccomp_required\":true}"});
        expect(VERDICT_REFUSE, RULE_SECCOMP,
               WORDS("defaultAction is SCMP_ACT_ALLOW: every system call it does not name is "
                     "allowed"));
        make_fixture_bundle("amd64", "docker/default",
                            ".linux.seccomp.defaultAction = \"SCMP_ACT_LOG\"");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"seccomp_required\":true}"});
        expect(VERDICT_REFUSE, RULE_SECCOMP, WORDS("SCMP_ACT_LOG"));
        /* runc installs no filter for an empty one (specconv.SetupSeccomp) */
        static const char *const empty[] = {".linux.seccomp = {}",
                                            ".linux.seccomp = {defaultAction: \"\"}",
                                            ".linux.seccomp = {defaultAction: \"\", syscalls: "
                                            "[], architectures: [\"SCMP_ARCH_X86_64\"]}",
                                            ".linux.seccomp.defaultAction = null | "
                                            ".linux.seccomp.syscalls = null"};
        for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
                make_fixture_bundle("amd64", "docker/default", empty[i]);
                decide_scene(&(struct scene){.host = "linux/amd64",
                                             .policy = "{\"seccomp_required\":true}"});
                expect(VERDICT_REFUSE, RULE_SECCOMP,
                       WORDS("no seccomp filter: linux.seccomp has no defaultAction and no "
                             "syscalls"));
        }
        /* syscalls alone are a filter (runc fails on the empty defaultAction) */
        make_fixture_bundle("amd64", "docker/default", ".linux.seccomp.defaultAction = \"\"");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"seccomp_required\":true}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
}

/* libseccomp puts runc's own architecture in every filter; any other
 * architecture the profile does not list meets the filter's bad-arch
 * action, which kills the task with SIGSYS. */
TEST(seccomp_architecture_gap)
{
        uint32_t arm = scmp_arch_from_spec_name("SCMP_ARCH_ARM");
        uint32_t aarch64 = scmp_arch_from_spec_name("SCMP_ARCH_AARCH64");
        uint32_t x86 = scmp_arch_from_spec_name("SCMP_ARCH_X86");
        const char *arm_only = ".linux.seccomp.architectures = [\"SCMP_ARCH_ARM\"]";

        CHECK(arm && aarch64 && x86);
        /* arm64 code on an arm64 kernel under a 32-bit ARM runc (Raspberry Pi
         * OS 32-bit with its 64-bit kernel) and an ARM-only profile */
        make_fixture_bundle("arm64", "docker/default", arm_only);
        decide_scene(&(struct scene){.host = "linux/arm64", .scmp_native = arm});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("/bin/busybox is linux/arm64 (ELF 64-bit LSB AArch64, static), which this "
                     "host runs, but not under this seccomp filter: its architectures "
                     "(SCMP_ARCH_ARM) and runc's own (SCMP_ARCH_ARM) leave out "
                     "SCMP_ARCH_AARCH64, so the filter kills the first system call with SIGSYS "
                     "(exit status 159)\0Add SCMP_ARCH_AARCH64 to the seccomp profile's "
                     "architectures"));
        CHECK(d.seccomp_gap != NULL && strcmp(d.seccomp_gap, "SCMP_ARCH_AARCH64") == 0);
        /* with a 64-bit runc its own architecture covers it */
        decide_scene(&(struct scene){.host = "linux/arm64", .scmp_native = aarch64});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* amd64 code under an i386 runc and an X86-only profile */
        make_fixture_bundle("amd64", "docker/default",
                            ".linux.seccomp.architectures = [\"SCMP_ARCH_X86\"]");
        decide_scene(&(struct scene){.host = "linux/amd64", .scmp_native = x86});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("leave out SCMP_ARCH_X86_64\0SIGSYS"));
        /* 386 code under an amd64 runc whose profile lists only X86_64 */
        make_fixture_bundle("i386", "docker/default",
                            ".linux.seccomp.architectures = [\"SCMP_ARCH_X86_64\"]");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("linux/386\0leave out SCMP_ARCH_X86"));
        /* docker's own profile lists X86 */
        make_fixture_bundle("i386", "docker/default", NULL);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* 32-bit ARM on arm64 under an AArch64-only profile */
        make_fixture_bundle("armhf", "docker/default",
                            ".linux.seccomp.architectures = [\"SCMP_ARCH_AARCH64\"]");
        decide_scene(&(struct scene){.host = "linux/arm64", .aarch32 = HOST_AARCH32_YES});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("leave out SCMP_ARCH_ARM"));
        /* no filter, no gap; an arch rule exception covers the gap */
        make_fixture_bundle("arm64", "docker/unconfined", NULL);
        decide_scene(&(struct scene){.host = "linux/arm64", .scmp_native = arm});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        make_fixture_bundle("arm64", "docker/default", arm_only);
        decide_scene(&(struct scene){.host = "linux/arm64",
                                     .scmp_native = arm,
                                     .policy = "{\"rules\":{\"arch\":\"audit\"}}"});
        expect(VERDICT_AUDIT, RULE_ARCH, WORDS("SIGSYS"));
}

TEST(every_rule_in_the_record)
{
        make_fixture_bundle("amd64", "docker/cap-sys-admin", NULL);
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = STRICT});
        CHECK(strstr(record, "\"privileged\":{\"result\":\"pass\",\"detail\":\"not privileged: "
                             "15 capabilities") != NULL);
        CHECK(strstr(record, "\"seccomp\":{\"result\":\"pass\",\"detail\":\"defaultAction "
                             "SCMP_ACT_ERRNO") != NULL);
        expect_record("rule", NULL, "capabilities");
}

int main(void)
{
        if (harness_mkdtemp(bundle, sizeof(bundle), "privilege") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(names_as_runc_reads_them);
        RUN(docker_default_set_allowed);
        RUN(capability_beyond_the_allow_list);
        RUN(misspelt_and_numeric_names_refused);
        RUN(unknown_capabilities);
        RUN(capability_runc_cannot_grant);
        RUN(privileged_detected);
        RUN(device_rules_as_runc_applies_them);
        RUN(seccomp_unconfined);
        RUN(seccomp_architecture_gap);
        RUN(every_rule_in_the_record);
        harness_sh("rm -rf '%s'", bundle);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
