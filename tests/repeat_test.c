/* Repeated refusals: which ones are logged, what each line counts, and
 * the table that carries the counts from one edgeguard to the next. */
#include "../policy/repeat.h"
#include "harness.h"

#define KEY_A "0123456789abcdef0123456789abcdef"
#define KEY_B "fedcba9876543210fedcba9876543210"
#define T0    1800000000

static struct repeat_table table;

TEST(doubling_within_a_window)
{
        struct repeat_note n;
        unsigned long written = 0, last_written = 0;

        memset(&table, 0, sizeof(table));
        for (unsigned long i = 1; i <= 100; i++) {
                repeat_observe(&table, KEY_A, T0 + (time_t)i, 3600, &n);
                CHECK(n.count == i);
                CHECK(n.first == T0 + 1);
                if (!n.write)
                        continue;
                written++;
                CHECK((i & (i - 1)) == 0);
                /* every refusal between two lines is counted by the later one */
                CHECK(n.unlogged == (i == 1 ? 0 : i - last_written - 1));
                last_written = i;
        }
        CHECK(written == 7); /* 1 2 4 8 16 32 64 */
        CHECK(table.n == 1 && table.entries[0].count == 100 && table.entries[0].logged == 64);
}

TEST(a_line_per_window_while_it_goes_on)
{
        struct repeat_note n;

        memset(&table, 0, sizeof(table));
        repeat_observe(&table, KEY_A, T0, 600, &n);
        repeat_observe(&table, KEY_A, T0 + 300, 600, &n); /* 2: doubling */
        repeat_observe(&table, KEY_A, T0 + 500, 600, &n); /* 3 */
        CHECK(!n.write);
        repeat_observe(&table, KEY_A, T0 + 900, 600, &n); /* 4: doubling */
        CHECK(n.write);
        repeat_observe(&table, KEY_A, T0 + 1200, 600, &n); /* 5 */
        CHECK(!n.write);
        repeat_observe(&table, KEY_A, T0 + 1500, 600, &n); /* 6: a window after line 4 */
        CHECK(n.write && n.count == 6 && n.unlogged == 1);
}

TEST(a_quiet_window_ends_the_episode)
{
        struct repeat_note n;

        memset(&table, 0, sizeof(table));
        for (int i = 0; i < 5; i++)
                repeat_observe(&table, KEY_A, T0 + i, 60, &n);
        CHECK(!n.write && n.count == 5); /* logged at 4 */
        repeat_observe(&table, KEY_A, T0 + 4 + 61, 60, &n);
        CHECK(n.write && n.count == 1 && n.first == T0 + 65);
        /* the fifth was never logged: the new episode's first line says so */
        CHECK(n.previous_count == 5 && n.previous_unlogged == 1);
        CHECK(n.previous_first == T0 && n.previous_last == T0 + 4);
        repeat_observe(&table, KEY_A, T0 + 66, 60, &n);
        CHECK(n.write && n.count == 2 && n.previous_count == 0);

        /* nothing left unlogged: no "previous" */
        repeat_observe(&table, KEY_A, T0 + 1000, 60, &n);
        CHECK(n.write && n.count == 1 && n.previous_count == 0);

        /* a clock set back starts afresh rather than computing a negative gap */
        repeat_observe(&table, KEY_A, T0 - 100, 60, &n);
        CHECK(n.write && n.count == 1);
}

TEST(keys_are_separate)
{
        struct repeat_note n;

        memset(&table, 0, sizeof(table));
        repeat_observe(&table, KEY_A, T0, 60, &n);
        repeat_observe(&table, KEY_B, T0, 60, &n);
        CHECK(n.write && n.count == 1);
        repeat_observe(&table, KEY_A, T0, 60, &n);
        CHECK(n.count == 2);
        CHECK(table.n == 2);
}

TEST(table_round_trip_and_damage)
{
        static struct repeat_table back;
        static char text[REPEAT_STATE_MAX];
        struct repeat_note n;
        size_t len;
        const char *damaged = "edgeguard-repeats 1\n"
                              "0123456789abcdef0123456789abcdef 5 4 1 2 3\n"
                              "0123456789ABCDEF0123456789abcdef 5 4 1 2 3\n" /* upper case */
                              "fedcba9876543210fedcba9876543210 5 6 1 2 3\n" /* logged > count */
                              "fedcba9876543210fedcba9876543210 0 0 1 2 3\n" /* count 0 */
                              "fedcba9876543210fedcba9876543210 5 4 1 2\n"   /* short */
                              "fedcba9876543210fedcba9876543210 5 4 1 2 3 4\n"
                              "fedcba9876543210fedcba9876543210 99999999999999999999999 4 1 2 3\n"
                              "fedcba9876543210fedcba9876543210 5 4 1 2 3"; /* torn */

        memset(&table, 0, sizeof(table));
        repeat_observe(&table, KEY_A, T0, 60, &n);
        repeat_observe(&table, KEY_A, T0 + 1, 60, &n);
        repeat_observe(&table, KEY_B, T0 + 2, 60, &n);
        len = repeat_table_format(&table, text, sizeof(text));
        repeat_table_parse(text, len, &back);
        CHECK(back.n == 2);
        CHECK_STR(back.entries[0].key, KEY_A);
        CHECK(back.entries[0].count == 2 && back.entries[0].logged == 2);
        CHECK(back.entries[0].first == T0 && back.entries[0].last_seen == T0 + 1);

        repeat_table_parse(damaged, strlen(damaged), &back);
        CHECK(back.n == 1);
        CHECK(back.entries[0].count == 5 && back.entries[0].logged == 4);
        repeat_table_parse("edgeguard-repeats 2\n" KEY_A " 1 1 1 1 1\n", 45, &back);
        CHECK(back.n == 0);
        repeat_table_parse("", 0, &back);
        CHECK(back.n == 0);
}

TEST(a_full_table_forgets_the_oldest)
{
        struct repeat_note n;
        char key[REPEAT_KEY_SIZE];
        static char text[REPEAT_STATE_MAX];
        size_t len;

        memset(&table, 0, sizeof(table));
        for (int i = 0; i < REPEAT_ENTRIES_MAX; i++) {
                snprintf(key, sizeof(key), "%032x", i);
                repeat_observe(&table, key, T0 + 10 + i, 60, &n);
        }
        CHECK(table.n == REPEAT_ENTRIES_MAX);
        snprintf(key, sizeof(key), "%032x", 5);
        repeat_observe(&table, key, T0 + 1000, 600000, &n); /* 5 is now the newest */
        repeat_observe(&table, KEY_A, T0 + 1001, 60, &n);
        CHECK(table.n == REPEAT_ENTRIES_MAX);
        CHECK(strcmp(table.entries[0].key, KEY_A) == 0); /* took 0's place, the oldest */
        len = repeat_table_format(&table, text, sizeof(text));
        CHECK(len < sizeof(text) - 1); /* the cap holds a full table */
}

static void decision_with(struct decision_input *in, struct decision *d, const char *id,
                          const char *name, const char *image, const char *detail)
{
        memset(in, 0, sizeof(*in));
        memset(d, 0, sizeof(*d));
        in->ctx.id = id;
        in->ctx.name = name;
        in->ctx.image = image;
        d->verdict = VERDICT_REFUSE;
        d->rule = RULE_ARCH;
        snprintf(d->results[RULE_ARCH].detail, sizeof(d->results[RULE_ARCH].detail), "%s", detail);
        snprintf(d->reason, sizeof(d->reason), "refused container \"%s\": %s", id, detail);
}

TEST(what_makes_refusals_identical)
{
        struct decision_input in;
        struct decision d;
        char a[REPEAT_KEY_SIZE], b[REPEAT_KEY_SIZE];

        decision_with(&in, &d, "id1", "edgeHub", "img:1", "arm64 on amd64");
        repeat_key(&in, &d, a);
        CHECK(strlen(a) == REPEAT_KEY_SIZE - 1);
        decision_with(&in, &d, "id2", "edgeHub", "img:1", "arm64 on amd64");
        repeat_key(&in, &d, b);
        CHECK_STR(a, b); /* a recreated module: new id, same module */
        decision_with(&in, &d, "id1", "other", "img:1", "arm64 on amd64");
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
        decision_with(&in, &d, "id1", "edgeHub", "img:2", "arm64 on amd64");
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
        decision_with(&in, &d, "id1", "edgeHub", "img:1", "ppc64le on amd64");
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
        decision_with(&in, &d, "id1", "edgeHub", "img:1", "arm64 on amd64");
        d.verdict = VERDICT_AUDIT;
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
        /* without a name, the id tells containers apart */
        decision_with(&in, &d, "id1", NULL, NULL, "arm64 on amd64");
        repeat_key(&in, &d, a);
        decision_with(&in, &d, "id2", NULL, NULL, "arm64 on amd64");
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
        /* the separator cannot be forged: name "a" image "b\0" vs name "a\0b" */
        decision_with(&in, &d, "i", "ab", "", "x");
        repeat_key(&in, &d, a);
        decision_with(&in, &d, "i", "a", "b", "x");
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
}

/* Kubernetes: the same container name in another pod or namespace is
 * another restart loop; without them the key is what it always was. */
TEST(pods_and_namespaces_are_separate)
{
        struct decision_input in;
        struct decision d;
        char plain[REPEAT_KEY_SIZE], a[REPEAT_KEY_SIZE], b[REPEAT_KEY_SIZE];

        decision_with(&in, &d, "id1", "app", "img:1", "arm64 on amd64");
        repeat_key(&in, &d, plain);
        in.ctx.pod = "sensor";
        in.ctx.pod_namespace = "edge";
        repeat_key(&in, &d, a);
        CHECK(strcmp(plain, a) != 0);
        in.ctx.pod = "other";
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
        in.ctx.pod = "sensor";
        in.ctx.pod_namespace = "default";
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
        /* a recreated container of the same pod: one loop */
        decision_with(&in, &d, "id2", "app", "img:1", "arm64 on amd64");
        in.ctx.pod = "sensor";
        in.ctx.pod_namespace = "edge";
        repeat_key(&in, &d, b);
        CHECK_STR(a, b);
        /* the separator cannot be forged: pod "ab" vs pod "a", namespace "b" */
        in.ctx.pod = "ab";
        in.ctx.pod_namespace = "";
        repeat_key(&in, &d, a);
        in.ctx.pod = "a";
        in.ctx.pod_namespace = "b";
        repeat_key(&in, &d, b);
        CHECK(strcmp(a, b) != 0);
}

HARNESS_MAIN(RUN(doubling_within_a_window); RUN(a_line_per_window_while_it_goes_on);
             RUN(a_quiet_window_ends_the_episode); RUN(keys_are_separate);
             RUN(table_round_trip_and_damage); RUN(a_full_table_forgets_the_oldest);
             RUN(what_makes_refusals_identical); RUN(pods_and_namespaces_are_separate))
