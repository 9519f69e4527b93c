/* The hooks rule over real bundles: host hooks against the allow-list
 * (dockerd's network hook built in, the policy's "hooks" added), reached
 * through /proc/<pid>/exe as dockerd writes them; startContainer hooks
 * identified in the rootfs like the process and held against the host. */
#include "scene.h"

/* The docker default spec with its hooks replaced by `hooks` (jq). */
static void with_hooks(const char *debarch, const char *hooks)
{
        char jq[1024];

        snprintf(jq, sizeof(jq), ".hooks = %s", hooks);
        make_fixture_bundle(debarch, "docker/default", jq);
}

TEST(dockerd_network_hook_allowed_by_default)
{
        with_hooks("amd64", "{prestart: [{path: \"/usr/sbin/dockerd\", args: "
                            "[\"libnetwork-setkey\", \"-exec-root=/var/run/docker\", \"x\"]}]}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        CHECK(d.results[RULE_HOOKS].outcome == OUTCOME_PASS);
        CHECK(strstr(d.results[RULE_HOOKS].detail,
                     "hooks.prestart[0] \"/usr/sbin/dockerd\" (dockerd's network hook)") != NULL);
        expect_record("hooks", NULL, "*");
        CHECK(strstr(record, "\"hooks\":[{\"kind\":\"prestart\",\"index\":0,\"path\":\"/usr/sbin/"
                             "dockerd\",\"arg0\":\"libnetwork-setkey\"") != NULL);
        /* dockerd as any other command is not its network hook */
        with_hooks("amd64", "{createRuntime: [{path: \"/usr/bin/dockerd\", args: [\"dockerd\", "
                            "\"-H\", \"tcp://0.0.0.0:2375\"]}]}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_HOOKS,
               WORDS("hooks.createRuntime[0] \"/usr/bin/dockerd\" is a host hook not "
                     "allow-listed [rule hooks]\0add its program to \"hooks\""));
}

TEST(host_hooks_against_the_allow_list)
{
        static const char *const kinds[] = {"prestart", "createRuntime", "createContainer",
                                            "poststart", "poststop"};
        char hooks[256], words[256] = "";

        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                snprintf(hooks, sizeof(hooks), "{%s: [{path: \"/bin/true\"}]}", kinds[i]);
                with_hooks("amd64", hooks);
                decide_scene(&(struct scene){.host = "linux/amd64"});
                snprintf(words, sizeof(words),
                         "hooks.%s[0] \"/bin/true\" is a host hook not "
                         "allow-listed",
                         kinds[i]);
                expect(VERDICT_REFUSE, RULE_HOOKS, words);
                decide_scene(&(struct scene){.host = "linux/amd64",
                                             .policy = "{\"hooks\":[\"/bin/true\"]}"});
                expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        }
        /* a relative path is runc's cwd's: never on the list */
        with_hooks("amd64", "{prestart: [{path: \"bin/true\"}]}");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"hooks\":[\"/bin/true\"]}"});
        expect(VERDICT_REFUSE, RULE_HOOKS, WORDS("\"bin/true\" is a host hook not allow-listed"));
        /* audit mode and an exception, as for every rule */
        with_hooks("amd64", "{prestart: [{path: \"/bin/true\"}]}");
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"rules\":{\"hooks\":\"audit\"}}"});
        expect(VERDICT_AUDIT, RULE_HOOKS, NULL);
}

/* dockerd's form: /proc/<pid>/exe, judged by the program it names */
TEST(proc_pid_exe_judged_by_its_program)
{
        char self[PATH_MAX], hooks[256], policy[PATH_MAX + 32], words[PATH_MAX + 64] = "";
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        CHECK(n > 0);
        self[n > 0 ? n : 0] = '\0';
        snprintf(hooks, sizeof(hooks), "{prestart: [{path: \"/proc/%d/exe\", args: [\"x\"]}]}",
                 (int)getpid());
        with_hooks("amd64", hooks);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        snprintf(words, sizeof(words), "(%s x) is a host hook not allow-listed", self);
        expect(VERDICT_REFUSE, RULE_HOOKS, words);
        snprintf(policy, sizeof(policy), "{\"hooks\":[\"%s\"]}", self);
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = policy});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        /* a pid with no process: nothing to tell, refused */
        with_hooks("amd64", "{prestart: [{path: \"/proc/999999999/exe\", args: "
                            "[\"libnetwork-setkey\"]}]}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_HOOKS, WORDS("the host program cannot be told"));
}

TEST(start_container_hooks_identified_in_the_rootfs)
{
        /* the image's busybox is arm64: the process is not checked here
         * (args point at it too, so arch refuses first); a hook alone */
        with_hooks("amd64", "{startContainer: [{path: \"/bin/busybox\", args: [\"true\"]}]}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        CHECK(strstr(d.results[RULE_HOOKS].detail, "(amd64, in the container)") != NULL);
        expect_record("hooks", NULL, "*");
        CHECK(strstr(record, "\"program\":\"/bin/busybox\",\"platform\":\"linux/amd64\"") != NULL);

        harness_sh("install -m 0755 '%s/arm64/busybox-static' '%s/rootfs/bin/arm'",
                   harness_foreign_dir(), bundle);
        harness_sh("jq '.hooks = {startContainer: [{path: \"/bin/arm\"}]}' '%s/config.json' "
                   ">'%s/c' && mv '%s/c' '%s/config.json'",
                   bundle, bundle, bundle, bundle);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_HOOKS,
               WORDS("hooks.startContainer[0] \"/bin/arm\" runs in the container: /bin/arm is "
                     "linux/arm64, which this host does not run"));
        /* a bare name is the working directory's (exec.Cmd.Path) */
        harness_sh("jq '.hooks = {startContainer: [{path: \"arm\"}]} | .process.cwd = \"/bin\"' "
                   "'%s/config.json' >'%s/c' && mv '%s/c' '%s/config.json'",
                   bundle, bundle, bundle, bundle);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_HOOKS,
               WORDS("\"arm\" runs in the container: ./arm is linux/arm64"));
        /* missing in the image */
        harness_sh("jq '.hooks = {startContainer: [{path: \"/nope\"}]}' '%s/config.json' "
                   ">'%s/c' && mv '%s/c' '%s/config.json'",
                   bundle, bundle, bundle, bundle);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_HOOKS,
               WORDS("\"/nope\" runs in the container, and could not be identified"));
}

TEST(too_many_hooks)
{
        with_hooks("amd64", "{poststop: [range(33) | {path: \"/bin/true\"}]}");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"hooks\":[\"/bin/true\"]}"});
        expect(VERDICT_REFUSE, RULE_HOOKS, WORDS("33 hooks, over the limit of 32"));
        CHECK(strstr(record, "\"hooks_total\":33") != NULL);
}

TEST(policy_hooks_key)
{
        struct policy p;
        struct eg_error err = {0};
        static const struct {
                const char *text, *error;
        } bad[] = {
                {"{\"hooks\":\"/bin/true\"}", "hooks: a string where an array"},
                {"{\"hooks\":[\"bin/true\"]}", "hooks[0]: \"bin/true\" is not an absolute path"},
                {"{\"hooks\":[7]}", "hooks[0]"},
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                CHECK(policy_parse(bad[i].text, strlen(bad[i].text), "p", &p, &err) < 0);
                if (strstr(err.msg, bad[i].error) == NULL) {
                        printf("#   %s: %s\n", bad[i].text, err.msg);
                        harness_case_failed = 1;
                }
                policy_free(&p);
        }
        CHECK(policy_parse("{\"hooks\":[\"/a\",\"/b\"]}", 21, "p", &p, &err) == 0);
        CHECK(p.n_hooks == 2 && strcmp(p.hooks[1], "/b") == 0);
        CHECK(p.modes[RULE_HOOKS] == MODE_ENFORCE);
        policy_free(&p);
}

int main(void)
{
        if (harness_mkdtemp(bundle, sizeof(bundle), "hooks") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(dockerd_network_hook_allowed_by_default);
        RUN(host_hooks_against_the_allow_list);
        RUN(proc_pid_exe_judged_by_its_program);
        RUN(start_container_hooks_identified_in_the_rootfs);
        RUN(too_many_hooks);
        RUN(policy_hooks_key);
        harness_sh("rm -rf '%s'", bundle);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
