/* The bounded JSON tree: values, limits, and faults named by JSON path. */
#include "../oci/json_tree.h"
#include "harness.h"

static int parse(const char *text, struct json_value *v, struct eg_error *err)
{
        return json_parse(text, strlen(text), 4096, 4, v, err);
}

static void expect_error(const char *text, const char *message)
{
        struct json_value v;
        struct eg_error err = {0};

        CHECK(parse(text, &v, &err) == -1);
        if (strstr(err.msg, message) == NULL)
                printf("#   for %s: \"%s\" lacks \"%s\"\n", text, err.msg, message),
                        harness_case_failed = 1;
        json_free(&v);
}

TEST(values_and_lookup)
{
        struct json_value v;
        struct eg_error err = {0};
        const struct json_value *a;

        CHECK(parse("{\"s\":\"x\",\"n\":-1.5e3,\"b\":true,\"z\":null,\"a\":[1,{\"k\":[]}],"
                    "\"o\":{}}",
                    &v, &err) == 0);
        CHECK(v.type == JSON_OBJECT && v.len == 6);
        CHECK_STR(json_get(&v, "s")->text, "x");
        CHECK_STR(json_get(&v, "n")->text, "-1.5e3");
        CHECK(json_get(&v, "b")->boolean);
        CHECK(json_get(&v, "z")->type == JSON_NULL);
        a = json_get(&v, "a");
        CHECK(a->type == JSON_ARRAY && a->len == 2);
        CHECK(json_get(&a->items[1], "k")->type == JSON_ARRAY);
        CHECK(json_get(&v, "missing") == NULL);
        CHECK(json_get(a, "k") == NULL); /* not an object */
        json_free(&v);
}

TEST(many_members_grow)
{
        char text[8192] = "[";
        struct json_value v;
        struct eg_error err = {0};

        for (int i = 0; i < 1000; i++)
                strcat(text, i ? ",7" : "7");
        strcat(text, "]");
        CHECK(parse(text, &v, &err) == 0);
        CHECK(v.len == 1000 && strcmp(v.items[999].text, "7") == 0);
        json_free(&v);
}

TEST(faults_are_named)
{
        expect_error("{\"a\":1,\"a\":2}", "a: duplicate key");
        /* the fifth level would open at a[0][0][0], as spec_parse names it */
        expect_error("{\"a\":[[[[1]]]]}", "a[0][0][0]: nested deeper than 4 levels");
        expect_error("{\"a\":\"x\\u0000y\"}", "a: a string holding NUL");
        expect_error("{\"a\":\"\xc0\xaf\"}", "byte");
        expect_error("{\"a\":1} x", "invalid JSON");
        expect_error("", "invalid JSON");
        expect_error("{\"a\":", "invalid JSON");
}

TEST(size_limit)
{
        struct json_value v;
        struct eg_error err = {0};
        char big[5000];

        memset(big, ' ', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        big[0] = '1';
        CHECK(json_parse(big, strlen(big), 4096, 4, &v, &err) == -1);
        CHECK(strstr(err.msg, "over the 4096-byte limit") != NULL);
        json_free(&v);
}

HARNESS_MAIN(RUN(values_and_lookup); RUN(many_members_grow); RUN(faults_are_named); RUN(size_limit))
