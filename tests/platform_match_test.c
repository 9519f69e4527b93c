/* containerd's choice of a manifest for a target (platforms.Only). */
#include <string.h>

#include "../oci/platform_match.h"
#include "harness.h"

static struct platform P(const char *text) {
        struct platform p = {0};
        struct eg_error err;

        if (platform_parse(text, &p, &err) < 0)
                printf("#   %s: %s\n", text, err.msg);
        return p;
}

static int
rank(const char *target, const char *candidate)
{
        struct platform t = P(target), c = P(candidate);
        return platform_match_rank(&t, true, &c);
}

TEST(vectors_as_containerd_orders_them)
{
        CHECK(rank("linux/amd64", "linux/amd64") == 0);
        CHECK(rank("linux/amd64", "linux/amd64/v1") == 0);
        CHECK(rank("linux/amd64", "linux/386") == 1);
        CHECK(rank("linux/amd64", "linux/amd64/v2") == -1);
        CHECK(rank("linux/amd64/v3", "linux/amd64/v2") == 1);
        CHECK(rank("linux/amd64/v3", "linux/amd64") == 2);
        CHECK(rank("linux/amd64/v3", "linux/386") == 3);
        CHECK(rank("linux/arm/v7", "linux/arm") == 0);
        CHECK(rank("linux/arm/v7", "linux/armhf") == 0);
        CHECK(rank("linux/arm/v7", "linux/arm/v6") == 1);
        CHECK(rank("linux/arm/v7", "linux/arm/v5") == 2);
        CHECK(rank("linux/arm/v7", "linux/arm/v8") == -1);
        CHECK(rank("linux/arm/v7", "linux/arm64") == -1);
        CHECK(rank("linux/arm64", "linux/aarch64") == 0);
        CHECK(rank("linux/arm64", "linux/arm64/v8") == 0);
        CHECK(rank("linux/arm64", "linux/arm/v8") == 1);
        CHECK(rank("linux/arm64", "linux/arm/v7") == 2);
        CHECK(rank("linux/arm64", "linux/arm") == 2);
        CHECK(rank("linux/arm64", "linux/amd64") == -1);
        CHECK(rank("linux/amd64", "windows/amd64") == -1);
        CHECK(rank("linux/ppc64le", "linux/ppc64le") == 0);
        CHECK(rank("windows(10.0.17763)/amd64", "windows(10.0.17763.4377)/amd64") == 0);
        CHECK(rank("windows(10.0.17763)/amd64", "windows(10.0.20348.1)/amd64") == -1);
        CHECK(rank("windows(10.0.17763)/amd64", "windows/amd64") == 0);
}

TEST(no_ia32_leaves_386_out)
{
        struct platform t = P("linux/amd64"), c = P("linux/386");

        CHECK(platform_match_rank(&t, false, &c) == -1);
        CHECK(platform_match_rank(&t, true, &c) == 1);
}

TEST(the_best_then_the_first)
{
        struct platform c[] = {P("linux/arm/v6"), P("linux/amd64"), P("linux/arm/v7"),
                               P("linux/arm/v7"), P("linux/arm64")};
        bool usable[] = {true, true, true, true, false};
        struct platform t = P("linux/arm64"), v7 = P("linux/arm/v7"), s390 = P("linux/s390x");

        CHECK(platform_match_select(&t, true, c, NULL, 5) == 4);
        CHECK(platform_match_select(&t, true, c, usable, 5) == 2); /* v7 before v6, first of two */
        CHECK(platform_match_select(&v7, true, c, NULL, 5) == 2);
        CHECK(platform_match_select(&s390, true, c, NULL, 5) == -1);
}

HARNESS_MAIN(RUN(vectors_as_containerd_orders_them), RUN(no_ia32_leaves_386_out),
             RUN(the_best_then_the_first))
