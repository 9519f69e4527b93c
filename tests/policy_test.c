/* The policy file: every key, the effective modes, and a clear message
 * naming the key for every mistake an operator can make. */
#include "../oci/rfc3339.h"
#include <unistd.h>

#include "../policy/policy.h"
#include "../shim/policy_load.h"
#include "harness.h"

static int parse(const char *text, struct policy *p, struct eg_error *err)
{
        return policy_parse(text, strlen(text), "/etc/edgeguard/policy.json", p, err);
}

static void expect_error(const char *text, const char *message)
{
        struct policy p;
        struct eg_error err = {0};

        CHECK(parse(text, &p, &err) == -1);
        if (strstr(err.msg, message) == NULL) {
                printf("#   for %s:\n#     \"%s\" lacks \"%s\"\n", text, err.msg, message);
                harness_case_failed = 1;
        }
        policy_free(&p);
}

TEST(defaults)
{
        struct policy p;
        struct eg_error err = {0};

        CHECK(policy_defaults(&p, &err) == 0);
        CHECK(p.modes[RULE_ARCH] == MODE_ENFORCE && p.modes[RULE_OS] == MODE_ENFORCE);
        CHECK(p.modes[RULE_HYPERV] == MODE_ENFORCE && p.modes[RULE_EMULATION] == MODE_ENFORCE);
        CHECK(p.modes[RULE_UNKNOWN] == MODE_OFF && p.modes[RULE_METADATA] == MODE_OFF);
        CHECK_STR(p.decision_log, POLICY_DEFAULT_DECISION_LOG);
        CHECK(p.runtime == NULL && !p.has_host && p.n_exceptions == 0);
        CHECK_STR(p.docker_root, "/var/lib/docker");
        CHECK(p.repeat_window == POLICY_REPEAT_WINDOW_DEFAULT);
        policy_free(&p);
        /* an empty object is the defaults */
        CHECK(parse("{}", &p, &err) == 0);
        CHECK(p.modes[RULE_ARCH] == MODE_ENFORCE && p.modes[RULE_UNKNOWN] == MODE_OFF);
        policy_free(&p);
}

/* The file's hash, for records: computed when asked, skipped when not. */
TEST(loaded_with_hash)
{
        struct policy p;
        struct eg_error err = {0};
        char dir[256], path[300];
        FILE *f;

        CHECK(harness_mkdtemp(dir, sizeof(dir), "policy") != NULL);
        snprintf(path, sizeof(path), "%s/policy.json", dir);
        f = fopen(path, "we");
        CHECK(f != NULL);
        if (f) {
                fputs("{}", f);
                fclose(f);
        }
        CHECK(policy_load(path, true, true, &p, &err) == 0);
        CHECK_STR(p.sha256, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        CHECK_STR(p.source, path);
        policy_free(&p);
        CHECK(policy_load(path, true, false, &p, &err) == 0);
        CHECK_STR(p.sha256, "");
        policy_free(&p);
        unlink(path);
        rmdir(dir);
}

TEST(every_key)
{
        struct policy p;
        struct eg_error err = {0};
        const char *text =
                "{\"comment\":\"for the "
                "line\",\"mode\":\"audit\",\"rules\":{\"hyperv\":\"enforce\","
                "\"metadata\":\"audit\"},\"runtime\":\"/usr/sbin/"
                "runc\",\"decision_log\":\"syslog\",\"docker_root\":\"/data/docker\","
                "\"repeat_window\":0,"
                "\"unknown\":\"refuse\",\"allow_emulation\":true,\"host\":\"linux/arm/v7\","
                "\"exceptions\":[{\"name\":\"edge*\",\"image\":\"mcr.microsoft.com/*\",\"rules\":"
                "[\"arch\",\"emulation\"],\"reason\":\"ticket 42\",\"expires\":"
                "\"2027-01-31T00:00:00Z\"},{\"image\":\"sha256:ab*\",\"rules\":[\"bundle\"],"
                "\"reason\":\"r\",\"comment\":\"c\"}]}";

        CHECK(parse(text, &p, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK(p.modes[RULE_OS] == MODE_AUDIT && p.modes[RULE_ARCH] == MODE_AUDIT);
        CHECK(p.modes[RULE_HYPERV] == MODE_ENFORCE);
        CHECK(p.modes[RULE_METADATA] == MODE_AUDIT);
        CHECK(p.modes[RULE_UNKNOWN] == MODE_ENFORCE);
        CHECK(p.modes[RULE_EMULATION] == MODE_OFF);
        CHECK_STR(p.runtime, "/usr/sbin/runc");
        CHECK_STR(p.decision_log, "syslog");
        CHECK_STR(p.docker_root, "/data/docker");
        CHECK(p.repeat_window == 0);
        CHECK(p.has_host && strcmp(p.host.arch, "arm") == 0 && strcmp(p.host.variant, "v7") == 0);
        CHECK(p.n_exceptions == 2);
        if (p.n_exceptions == 2) {
                CHECK_STR(p.exceptions[0].name, "edge*");
                CHECK_STR(p.exceptions[0].image, "mcr.microsoft.com/*");
                CHECK(p.exceptions[0].rules == (1u << RULE_ARCH | 1u << RULE_EMULATION));
                CHECK(p.exceptions[0].expires && p.exceptions[0].expires_at == 1801353600);
                CHECK(p.exceptions[1].name == NULL && !p.exceptions[1].expires);
        }
        policy_free(&p);
}

TEST(mistakes_are_named)
{
        expect_error("", "invalid JSON");
        expect_error("[]", "the document: an array where an object is expected");
        expect_error("{\"mode\":\"audit\",\"mode\":\"enforce\"}", "mode: duplicate key");
        expect_error("{\"alow_emulation\":true}", "unknown key \"alow_emulation\"");
        expect_error("{\"mode\":\"off\"}", "mode: \"off\" is not \"enforce\" or \"audit\"");
        expect_error("{\"rules\":{\"arch\":\"warn\"}}",
                     "rules.arch: \"warn\" is not \"enforce\", \"audit\" or \"off\"");
        expect_error("{\"rules\":{\"archh\":\"off\"}}", "unknown rule \"archh\"");
        expect_error("{\"rules\":{\"policy\":\"off\"}}", "unknown rule \"policy\"");
        expect_error("{\"unknown\":\"allow\",\"rules\":{\"unknown\":\"audit\"}}",
                     "unknown: also set as rules.unknown");
        expect_error("{\"allow_emulation\":\"yes\"}",
                     "allow_emulation: a string where true or false is expected");
        expect_error("{\"runtime\":\"runc\"}", "runtime: \"runc\" is not an absolute path");
        expect_error("{\"decision_log\":\"log.jsonl\"}",
                     "decision_log: \"log.jsonl\" is not an absolute path, \"-\" or \"syslog\"");
        expect_error("{\"docker_root\":\"docker\"}",
                     "docker_root: \"docker\" is not an absolute path");
        expect_error("{\"docker_root\":null}", "docker_root: null where a string is expected");
        expect_error("{\"repeat_window\":-1}", "repeat_window: -1 is not a whole number");
        expect_error("{\"repeat_window\":1.5}", "repeat_window: 1.5 is not a whole number");
        expect_error("{\"repeat_window\":99999999999999999999}", "is not a whole number");
        expect_error("{\"repeat_window\":604801}", "from 0 to 604800");
        expect_error("{\"repeat_window\":\"1h\"}",
                     "repeat_window: a string where a number of seconds is expected");
        expect_error("{\"host\":\"arm64\"}", "host: \"arm64\" names no OS");
        expect_error("{\"host\":\"linux/ar m\"}", "host:");
        expect_error("{\"exceptions\":{}}", "exceptions: an object where an array is expected");
        expect_error("{\"exceptions\":[{\"rules\":[\"arch\"],\"reason\":\"r\"}]}",
                     "exceptions[0]: needs \"name\" or \"image\"");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"reason\":\"r\"}]}",
                     "exceptions[0]: needs \"rules\"");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"rules\":[],\"reason\":\"r\"}]}",
                     "exceptions[0].rules: a non-empty array");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"rules\":[\"arc\"],\"reason\":\"r\"}]}",
                     "exceptions[0].rules[0]: unknown rule \"arc\"");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"rules\":[\"config\"],\"reason\":\"r\"}]}",
                     "the config rule cannot be excepted");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"rules\":[\"arch\"]}]}",
                     "exceptions[0]: needs \"reason\"");
        expect_error("{\"exceptions\":[{\"name\":\"\",\"rules\":[\"arch\"],\"reason\":\"r\"}]}",
                     "exceptions[0].name: an empty pattern");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"rules\":[\"arch\"],\"reason\":\"r\","
                     "\"expires\":\"2027-02-30T00:00:00Z\"}]}",
                     "exceptions[0].expires: \"2027-02-30T00:00:00Z\" is not an RFC 3339");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"rules\":[\"arch\"],\"reason\":\"r\","
                     "\"until\":\"2027\"}]}",
                     "exceptions[0]: unknown key \"until\"");
}

static time_t at(const char *text)
{
        struct eg_error err = {0};
        time_t t = -1;

        if (rfc3339_parse(text, &t, &err) < 0) {
                printf("#   %s: %s\n", text, err.msg);
                harness_case_failed = 1;
        }
        return t;
}

/* capabilities, privileged and seccomp_required: the keys, the modes they
 * set, and every mistake named with the spelling runc reads. */
TEST(privilege_keys)
{
        struct policy p;
        struct eg_error err = {0};

        CHECK(policy_defaults(&p, &err) == 0);
        CHECK(p.modes[RULE_PRIVILEGED] == MODE_OFF && p.modes[RULE_CAPABILITIES] == MODE_OFF &&
              p.modes[RULE_SECCOMP] == MODE_OFF && !p.has_capabilities);
        policy_free(&p);

        CHECK(parse("{\"capabilities\":\"docker-default\",\"privileged\":\"refuse\","
                    "\"seccomp_required\":true}",
                    &p, &err) == 0);
        CHECK(p.has_capabilities && __builtin_popcountll(p.capabilities) == 14);
        CHECK(p.modes[RULE_PRIVILEGED] == MODE_ENFORCE &&
              p.modes[RULE_CAPABILITIES] == MODE_ENFORCE && p.modes[RULE_SECCOMP] == MODE_ENFORCE);
        policy_free(&p);
        /* global audit mode reaches the allow-list; explicit modes win */
        CHECK(parse("{\"mode\":\"audit\",\"capabilities\":[\"CAP_CHOWN\",\"docker-default\","
                    "\"CAP_SYS_ADMIN\"],\"privileged\":\"allow\",\"rules\":{\"seccomp\":"
                    "\"audit\"}}",
                    &p, &err) == 0);
        CHECK(__builtin_popcountll(p.capabilities) == 15);
        CHECK(p.modes[RULE_CAPABILITIES] == MODE_AUDIT && p.modes[RULE_PRIVILEGED] == MODE_OFF &&
              p.modes[RULE_SECCOMP] == MODE_AUDIT);
        policy_free(&p);
        CHECK(parse("{\"capabilities\":[]}", &p, &err) == 0);
        CHECK(p.has_capabilities && p.capabilities == 0);
        policy_free(&p);
        /* an exception may add capabilities without excepting a rule */
        CHECK(parse("{\"exceptions\":[{\"name\":\"edgeHub\",\"capabilities\":"
                    "[\"CAP_NET_ADMIN\"],\"reason\":\"r\"}]}",
                    &p, &err) == 0);
        CHECK(p.n_exceptions == 1 && p.exceptions[0].has_capabilities &&
              p.exceptions[0].capabilities == (UINT64_C(1) << 12) && p.exceptions[0].rules == 0);
        policy_free(&p);

        expect_error("{\"capabilities\":[\"cap_net_admin\"]}",
                     "capabilities[0]: \"cap_net_admin\" is not spelt as runc reads it: write "
                     "\"CAP_NET_ADMIN\"");
        expect_error("{\"capabilities\":[\"CAP_CHOWN\",\"21\"]}",
                     "capabilities[1]: \"21\" is not spelt as runc reads it: write "
                     "\"CAP_SYS_ADMIN\"");
        expect_error("{\"capabilities\":[\"0x15\"]}", "write \"CAP_SYS_ADMIN\"");
        expect_error("{\"capabilities\":[\"CAP_CHOWN,CAP_KILL\"]}",
                     "capabilities[0]: \"CAP_CHOWN,CAP_KILL\" is not a capability name as runc "
                     "reads it");
        expect_error("{\"capabilities\":[\"CAP_FOO\"]}",
                     "capabilities[0]: \"CAP_FOO\" is not a capability libcap knows");
        expect_error("{\"capabilities\":\"all\"}",
                     "capabilities: another string where \"docker-default\" or an array of "
                     "capability names is expected");
        expect_error("{\"capabilities\":[7]}",
                     "capabilities[0]: a number where a string is expected");
        expect_error("{\"privileged\":\"yes\"}",
                     "privileged: \"yes\" is not \"allow\" or \"refuse\"");
        expect_error("{\"privileged\":\"refuse\",\"rules\":{\"privileged\":\"audit\"}}",
                     "privileged: also set as rules.privileged: keep one");
        expect_error("{\"seccomp_required\":\"true\"}",
                     "seccomp_required: a string where true or false is expected");
        expect_error("{\"rules\":{\"seccomp_required\":\"enforce\"}}",
                     "privileged, capabilities, seccomp, windows_build, interpreter, runtime)");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"reason\":\"r\"}]}",
                     "exceptions[0]: needs \"rules\" (the rules it excepts) or \"capabilities\"");
        expect_error("{\"exceptions\":[{\"name\":\"x\",\"reason\":\"r\",\"capabilities\":"
                     "[\"sys_admin\"]}]}",
                     "exceptions[0].capabilities[0]: \"sys_admin\"");
}

TEST(rfc3339_dates)
{
        struct eg_error err = {0};
        time_t t;

        CHECK(at("1970-01-01T00:00:00Z") == 0);
        CHECK(at("2027-01-31T00:00:00Z") == 1801353600);
        CHECK(at("2027-01-31T02:00:00.123456+02:00") == 1801353600);
        CHECK(at("2027-01-30t19:00:00-05:00") == 1801353600);
        CHECK(at("2024-02-29T00:00:00z") == 1709164800);
        CHECK(rfc3339_parse("2023-02-29T00:00:00Z", &t, &err) == -1);
        CHECK(rfc3339_parse("2027-01-31", &t, &err) == -1);
        CHECK(rfc3339_parse("2027-01-31T00:00:00", &t, &err) == -1);
        CHECK(rfc3339_parse("2027-01-31T24:00:00Z", &t, &err) == -1);
        CHECK(rfc3339_parse("2027-01-31T00:00:00Z ", &t, &err) == -1);
        CHECK(rfc3339_parse("2027-1-31T00:00:00Z", &t, &err) == -1);
        CHECK(strstr(err.msg, "is not an RFC 3339 date-time") != NULL);
}

HARNESS_MAIN(RUN(defaults); RUN(loaded_with_hash); RUN(every_key); RUN(mistakes_are_named);
             RUN(privilege_keys); RUN(rfc3339_dates))
