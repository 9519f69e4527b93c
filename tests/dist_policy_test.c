/* The policy file the package installs as /etc/edgeguard/policy.json: it
 * must be accepted and mean exactly the built-in defaults, so that
 * installing the package changes no decision. */
#include <stdio.h>

#include "../policy/policy.h"
#include "harness.h"

#define DIST_POLICY "dist/policy.json"

static size_t read_all(const char *path, char *buf, size_t size)
{
        FILE *f = fopen(path, "re");
        size_t n;

        if (f == NULL)
                return 0;
        n = fread(buf, 1, size, f);
        fclose(f);
        return n;
}

TEST(shipped_policy_is_the_defaults)
{
        static char text[65536];
        struct policy shipped, builtin;
        struct eg_error err = {0};
        size_t len = read_all(DIST_POLICY, text, sizeof(text));

        CHECK(len > 0 && len < sizeof(text));
        CHECK(policy_parse(text, len, DIST_POLICY, &shipped, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK(policy_defaults(&builtin, &err) == 0);
        for (int r = 0; r < RULE_COUNT; r++) {
                if (shipped.modes[r] != builtin.modes[r]) {
                        printf("#   rule %s: %d in the file, %d built in\n", rule_name(r),
                               (int)shipped.modes[r], (int)builtin.modes[r]);
                        harness_case_failed = 1;
                }
        }
        CHECK(shipped.runtime == NULL && builtin.runtime == NULL);
        CHECK_STR(shipped.decision_log, builtin.decision_log);
        CHECK_STR(shipped.docker_root, builtin.docker_root);
        CHECK(shipped.repeat_window == builtin.repeat_window);
        CHECK(shipped.has_capabilities == builtin.has_capabilities);
        CHECK(shipped.has_host == builtin.has_host);
        CHECK(shipped.n_exceptions == 0);
        CHECK(shipped.n_hooks == builtin.n_hooks);
        policy_free(&shipped);
        policy_free(&builtin);
}

/* "comment" is accepted in every object the reader reads, whatever its
 * value, and nothing else unknown is. */
TEST(comments_everywhere)
{
        static const char text[] =
                "{\"comment\":[\"a\",\"b\"],\"rules\":{\"comment\":{\"x\":1},\"arch\":\"audit\"},"
                "\"exceptions\":[{\"comment\":null,\"name\":\"n\",\"rules\":[\"os\"],"
                "\"reason\":\"r\"}]}";
        static const char misspelt[] = "{\"rules\":{\"coment\":\"x\"}}";
        struct policy p;
        struct eg_error err = {0};

        CHECK(policy_parse(text, sizeof(text) - 1, "t", &p, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK(p.modes[RULE_ARCH] == MODE_AUDIT && p.n_exceptions == 1);
        policy_free(&p);
        CHECK(policy_parse(misspelt, sizeof(misspelt) - 1, "t", &p, &err) == -1);
        CHECK(strstr(err.msg, "coment") != NULL);
        policy_free(&p);
}

HARNESS_MAIN(RUN(shipped_policy_is_the_defaults); RUN(comments_everywhere))
