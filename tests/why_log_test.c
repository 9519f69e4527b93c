/* `edgeguard why`'s log reading: the bounded line reader, a record read
 * back, the filters, the grouping by module, and the text, on hostile
 * lines. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../policy/log_explain.h"
#include "../policy/log_select.h"
#include "harness.h"

#define REC(t, d, rule, extra)                                                       \
        "{\"time\":\"" t "\",\"decision\":\"" d "\",\"rule\":" rule ",\"reason\":\"" \
        "because " d "\"" extra "}"

/* The text as a file (memfd): its lines through the reader into s. */
static int feed_fd(struct log_selection *s, int fd)
{
        struct log_reader r;
        struct log_line line;
        struct eg_error err = {0};
        int rc = 0;

        CHECK(log_reader_init(&r, fd, &err) == 0);
        do {
                if ((rc = log_reader_next(&r, &line, &err)) < 0)
                        break;
                log_select_line(s, 0, "test.jsonl", &line);
        } while (line.kind != LOG_LINE_END);
        log_reader_free(&r);
        return rc;
}

static int memfd_of(const char *text, size_t len)
{
        int fd = memfd_create("log", MFD_CLOEXEC);

        CHECK(fd >= 0);
        CHECK(write(fd, text, len) == (ssize_t)len);
        CHECK(lseek(fd, 0, SEEK_SET) == 0);
        return fd;
}

static void feed(struct log_selection *s, const char *text)
{
        int fd = memfd_of(text, strlen(text));

        CHECK(feed_fd(s, fd) == 0);
        close(fd);
}

static bool has_note(const struct log_selection *s, const char *text)
{
        for (size_t i = 0; i < s->n_notes; i++)
                if (strstr(s->notes[i], text))
                        return true;
        printf("#   no note holds \"%s\"\n", text);
        for (size_t i = 0; i < s->n_notes; i++)
                printf("#     %s\n", s->notes[i]);
        return false;
}

TEST(reader_lines_and_limits)
{
        size_t big = LOG_LINE_MAX + 100;
        char *text = malloc(big + 200);
        struct log_reader r;
        struct log_line l;
        struct eg_error err = {0};
        size_t o = 0;
        int fd;

        o += (size_t)sprintf(text + o, "a\n\n");
        memset(text + o, 'x', big);
        o += big;
        text[o++] = '\n';
        o += (size_t)sprintf(text + o, "b\nlast without newline");
        fd = memfd_of(text, o);
        CHECK(log_reader_init(&r, fd, &err) == 0);
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_TEXT && l.len == 1 && l.text[0] == 'a' && l.number == 1 &&
              l.offset == 0);
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_TEXT && l.len == 0 && l.number == 2);
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_TOO_LONG && l.number == 3 && l.len == big + 1 && l.offset == 3);
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_TEXT && l.len == 1 && l.text[0] == 'b' && l.number == 4 &&
              l.offset == (off_t)(3 + big + 1));
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_TEXT && l.len == strlen("last without newline"));
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_END && l.number == 5);
        log_reader_free(&r);
        close(fd);
        free(text);
}

/* A line of exactly the cap is read; one byte more is skipped; an endless
 * line at the end of the file ends the reading. */
TEST(reader_cap_exact)
{
        char *text = malloc(2 * LOG_LINE_MAX + 8);
        struct log_reader r;
        struct log_line l;
        struct eg_error err = {0};
        int fd;

        memset(text, 'y', LOG_LINE_MAX);
        text[LOG_LINE_MAX] = '\n';
        memset(text + LOG_LINE_MAX + 1, 'z', LOG_LINE_MAX + 1);
        fd = memfd_of(text, 2 * LOG_LINE_MAX + 2);
        CHECK(log_reader_init(&r, fd, &err) == 0);
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_TEXT && l.len == LOG_LINE_MAX);
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_TOO_LONG && l.len == LOG_LINE_MAX + 1);
        CHECK(log_reader_next(&r, &l, &err) == 0);
        CHECK(l.kind == LOG_LINE_END);
        log_reader_free(&r);
        close(fd);
        free(text);
}

/* Reads that return a few bytes at a time (a seqpacket socket keeps each
 * write a read of its own): lines still come whole. */
TEST(reader_short_reads)
{
        int sv[2];
        struct log_reader r;
        struct log_line l;
        struct eg_error err = {0};
        const char *chunks[] = {"fi", "rst\nsec", "ond line", "\n", "third\n"};
        const char *want[] = {"first", "second line", "third"};
        size_t n;

        CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
        for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
                CHECK(write(sv[1], chunks[i], strlen(chunks[i])) == (ssize_t)strlen(chunks[i]));
        close(sv[1]);
        CHECK(log_reader_init(&r, sv[0], &err) == 0);
        for (n = 0; n < 3; n++) {
                CHECK(log_reader_next(&r, &l, &err) == 0 && l.kind == LOG_LINE_TEXT);
                CHECK(l.len == strlen(want[n]) && memcmp(l.text, want[n], l.len) == 0);
        }
        CHECK(log_reader_next(&r, &l, &err) == 0 && l.kind == LOG_LINE_END);
        log_reader_free(&r);
        close(sv[0]);
}

static void entry_refused(const char *text, const char *message)
{
        struct log_entry e;
        struct eg_error err = {0};

        CHECK(log_entry_parse(text, strlen(text), &e, &err) == -1);
        if (strstr(err.msg, message) == NULL)
                printf("#   for %s: \"%s\" lacks \"%s\"\n", text, err.msg, message),
                        harness_case_failed = 1;
        log_entry_free(&e);
}

TEST(entry_hostile_lines)
{
        char deep[256] = "";

        entry_refused("not json", "invalid JSON");
        entry_refused("[1,2]", "an array, not a record");
        entry_refused("{\"time\":\"2026-11-30T10:00:00Z\"}", "no \"decision\"");
        entry_refused("{\"time\":\"2026-11-30T10:00:00Z\",\"decision\":\"maybe\"}",
                      "no \"decision\"");
        entry_refused("{\"decision\":\"allow\"}", "no \"time\"");
        entry_refused("{\"time\":\"yesterday\",\"decision\":\"allow\"}", "\"time\"");
        entry_refused("{\"time\":1,\"decision\":\"allow\"}", "no \"time\"");
        entry_refused(REC("2026-11-30T10:00:00Z", "allow", "null", ",\"id\":\"a\",\"id\":\"b\""),
                      "");
        entry_refused("{\"time\":\"2026-11-30T10:00:00Z\",\"decision\":\"allow\"} {}", "");
        entry_refused("{\"time\":\"2026-11-30T10:00:00Z\",\"decision\":\"al\xc0\x80low\"}", "");
        for (int i = 0; i < 40; i++)
                strcat(deep, "{\"a\":");
        entry_refused(deep, "");
}

TEST(entry_fields)
{
        const char *text = REC("2026-11-30T10:00:00.123456Z", "refuse", "\"arch\"",
                               ",\"id\":\"abc\",\"name\":\"web\",\"image\":\"nginx:latest\","
                               "\"repeat\":{\"count\":5,\"since\":\"2026-11-30T09:00:00Z\","
                               "\"unlogged\":3},\"verb\":7");
        struct log_entry e;
        struct eg_error err = {0};

        CHECK(log_entry_parse(text, strlen(text), &e, &err) == 0);
        CHECK(e.verdict == VERDICT_REFUSE);
        CHECK_STR(e.rule, "arch");
        CHECK_STR(e.name, "web");
        CHECK(e.verb == NULL); /* the wrong type: left out, not trusted */
        CHECK(e.repeat_count == 5 && e.repeat_unlogged == 3);
        CHECK(e.time == 1796032800);
        log_entry_free(&e);
}

TEST(since)
{
        time_t t;
        struct eg_error err = {0};

        CHECK(log_filter_since("10m", 100000, &t, &err) == 0 && t == 100000 - 600);
        CHECK(log_filter_since("2h", 100000, &t, &err) == 0 && t == 100000 - 7200);
        CHECK(log_filter_since("1d", 100000, &t, &err) == 0 && t == 100000 - 86400);
        CHECK(log_filter_since("30s", 100000, &t, &err) == 0 && t == 100000 - 30);
        CHECK(log_filter_since("2026-11-30T10:00:00Z", 0, &t, &err) == 0 && t == 1796032800);
        CHECK(log_filter_since("10", 0, &t, &err) == -1);
        CHECK(log_filter_since("10x", 0, &t, &err) == -1);
        CHECK(log_filter_since("99999999999999999d", 0, &t, &err) == -1);
        CHECK(log_filter_since("", 0, &t, &err) == -1);
        CHECK(strstr(err.msg, "duration") != NULL);
}

static bool who(const char *w, const char *record_extra)
{
        char text[1024];
        struct log_entry e;
        struct eg_error err = {0};
        bool yes;

        snprintf(text, sizeof(text), "{\"time\":\"2026-11-30T10:00:00Z\",\"decision\":\"allow\"%s}",
                 record_extra);
        CHECK(log_entry_parse(text, strlen(text), &e, &err) == 0);
        yes = log_filter_who(w, &e);
        log_entry_free(&e);
        return yes;
}

TEST(who_matches)
{
        CHECK(who("web", ",\"name\":\"web\""));
        CHECK(who("web", ",\"name\":\"/web\""));
        CHECK(who("/web", ",\"name\":\"web\""));
        CHECK(!who("we", ",\"name\":\"web\""));
        CHECK(who("3f2a", ",\"id\":\"3f2a99\""));
        CHECK(!who("3f2b", ",\"id\":\"3f2a99\""));
        CHECK(!who("id", ",\"id\":\"idx\"")); /* a prefix is hex, as docker's ids are */
        CHECK(who("nginx", ",\"image\":\"nginx:latest\""));
        CHECK(who("nginx:1", ",\"image\":\"nginx:1\""));
        CHECK(!who("nginx", ",\"image\":\"nginx:1\""));
        CHECK(who("ab12", ",\"image_id\":\"sha256:ab1234\""));
        CHECK(who("sha256:ab12", ",\"image_id\":\"sha256:ab1234\""));
        CHECK(who("mypod", ",\"pod\":\"mypod\""));
        CHECK(who(NULL, ""));
        CHECK(!who("web", ",\"name\":null,\"id\":null"));
}

#define T0 "2026-11-30T10:00:00Z"
#define T1 "2026-11-30T10:01:00Z"
#define T2 "2026-11-30T10:02:00Z"

/* The lines joined with '\n', through the reader into s. */
static void feed_lines(struct log_selection *s, const char *const *lines, size_t n)
{
        char text[8192] = "";

        for (size_t i = 0; i < n; i++) {
                strcat(text, lines[i]);
                strcat(text, "\n");
        }
        feed(s, text);
}

#define FEED(s, ...)                                                     \
        do {                                                             \
                const char *const lines_[] = {__VA_ARGS__};              \
                feed_lines(s, lines_, sizeof(lines_) / sizeof(*lines_)); \
        } while (0)

static const char *const web_authz =
        REC(T0, "refuse", "\"arch\"", ",\"id\":null,\"name\":\"web\",\"door\":\"authz\"");
static const char *const web_allow = REC(T0, "allow", "null", ",\"id\":\"aaa1\",\"name\":\"web\"");
static const char *const web_refuse =
        REC(T1, "refuse", "\"arch\"", ",\"id\":\"bbb2\",\"name\":\"web\"");
static const char *const other_allow =
        REC(T1, "allow", "null", ",\"id\":\"ccc3\",\"name\":\"other\"");
static const char *const start_refuse = REC(T2, "refuse", "\"start\"", ",\"id\":\"bbb2\"");

TEST(select_groups_and_filters)
{
        struct log_filter f = {.who = "web", .last = 2};
        struct log_selection s;
        const struct log_group *g;

        log_select_init(&s, &f);
        FEED(&s, web_authz, web_allow, "garbage line", web_refuse, other_allow, start_refuse);
        CHECK(s.lines == 6 && s.records == 5 && s.matched == 4 && s.faulty == 1);
        CHECK(has_note(&s, "test.jsonl:3: not a decision record"));
        CHECK(s.n_groups == 1);
        g = &s.groups[0];
        CHECK_STR(g->key, "web");
        CHECK(g->count == 4 && g->by_verdict[VERDICT_REFUSE] == 3 &&
              g->by_verdict[VERDICT_ALLOW] == 1);
        CHECK_STR(g->first_time, T0);
        CHECK(g->n_hits == 2);
        CHECK(log_group_hit(g, &f, 0)->line == 4); /* oldest kept first */
        CHECK(log_group_hit(g, &f, 1)->line == 6); /* start's record joined by its id */
        log_select_free(&s);

        f = (struct log_filter){.decision = "allow", .last = 1};
        log_select_init(&s, &f);
        FEED(&s, web_allow, web_refuse, other_allow);
        CHECK(s.matched == 2 && s.n_groups == 2);
        CHECK(log_group_hit(&s.groups[0], &f, 0)->line == 1);
        log_select_free(&s);

        /* start's record (only the id) is the module's even when the
         * create that named it was filtered out */
        f = (struct log_filter){.who = "web", .decision = "refuse", .rule = "start", .last = 1};
        log_select_init(&s, &f);
        FEED(&s, web_refuse, other_allow, start_refuse);
        CHECK(s.matched == 1 && s.n_groups == 1);
        CHECK_STR(s.groups[0].key, "web");
        log_select_free(&s);

        /* since T1 (1796032860), by rule arch */
        f = (struct log_filter){.rule = "arch", .has_since = true, .since = 1796032860, .last = 1};
        log_select_init(&s, &f);
        FEED(&s, web_authz, web_refuse, start_refuse);
        CHECK(s.matched == 1 && log_group_hit(&s.groups[0], &f, 0)->line == 2);
        log_select_free(&s);
}

/* A log with more containers than are told, more faulty lines than are
 * named: counted, and nothing held beyond the caps. */
TEST(select_caps)
{
        struct log_filter f = {.last = 1};
        struct log_selection s;
        size_t size = 64 * (LOG_SELECT_GROUPS_MAX + 50) + 20 * 12;
        char *text = malloc(size);
        size_t o = 0;

        for (int i = 0; i < LOG_SELECT_GROUPS_MAX + 50; i++)
                o += (size_t)snprintf(
                        text + o, size - o,
                        "{\"time\":\"" T0 "\",\"decision\":\"allow\",\"id\":\"c%d\"}\n", i);
        for (int i = 0; i < 20; i++)
                o += (size_t)snprintf(text + o, size - o, "{\"bad\n");
        log_select_init(&s, &f);
        feed(&s, text);
        CHECK(s.n_groups == LOG_SELECT_GROUPS_MAX && s.groups_dropped == 50);
        CHECK(s.faulty == 20 && s.n_notes == LOG_SELECT_NOTES_MAX);
        log_select_free(&s);
        free(text);
}

/* Names remembered by id: the latest LOG_SELECT_ALIASES_MAX, a ring. */
static void aliases_case(const char *who, unsigned long matched)
{
        struct log_filter f = {.who = who, .last = 1};
        struct log_selection s;
        size_t n = LOG_SELECT_ALIASES_MAX + 100, size = 96 * (n + 2);
        char *text = malloc(size);
        size_t o = 0;

        for (size_t i = 0; i < n; i++)
                o += (size_t)snprintf(text + o, size - o,
                                      "{\"time\":\"" T0 "\",\"decision\":\"allow\",\"id\":\"i%zu\","
                                      "\"name\":\"n%zu\"}\n",
                                      i, i);
        o += (size_t)snprintf(text + o, size - o,
                              "{\"time\":\"" T1 "\",\"decision\":\"allow\",\"id\":\"i%zu\"}\n"
                              "{\"time\":\"" T1 "\",\"decision\":\"allow\",\"id\":\"i0\"}\n",
                              n - 1);
        log_select_init(&s, &f);
        feed(&s, text);
        CHECK(s.n_aliases == LOG_SELECT_ALIASES_MAX && !s.out_of_memory);
        CHECK(s.matched == matched);
        log_select_free(&s);
        free(text);
}

TEST(aliases_bounded)
{
        char latest[32];

        snprintf(latest, sizeof(latest), "n%d", LOG_SELECT_ALIASES_MAX + 99);
        aliases_case(latest, 2); /* its create, and the id-only record joined */
        aliases_case("n0", 1);   /* the oldest name is forgotten: only its create */
}

TEST(explain_text)
{
        const char *text =
                REC(T1, "refuse", "\"arch\"",
                    ",\"id\":\"bbb2\",\"name\":\"web\",\"image\":\"x:1\",\"verb\":\"create\","
                    "\"door\":\"runtime\",\"detected\":{\"os\":\"linux\",\"arch\":\"arm64\","
                    "\"variant\":\"\",\"file\":\"/bin/true\",\"how\":\"ELF 64-bit LSB AArch64\"},"
                    "\"declared\":{\"os\":\"linux\",\"arch\":\"amd64\",\"variant\":\"\","
                    "\"source\":\"image\"},\"rules\":{\"os\":{\"result\":\"pass\",\"detail\":"
                    "\"same\"},\"arch\":{\"result\":\"fail\",\"action\":\"refuse\",\"detail\":"
                    "\"bad\\u001b[2J\"},\"\\r\":{\"result\":\"fail\",\"detail\":\"x\"}}");
        struct log_entry e;
        struct eg_error err = {0};
        char *out = NULL;

        CHECK(log_entry_parse(text, strlen(text), &e, &err) == 0);
        CHECK(log_explain_format(&e, &out, &err) == 0);
        CHECK(strncmp(out, "REFUSE by rule arch\n", 20) == 0);
        CHECK(strstr(out, "reason:     because refuse\n") != NULL);
        CHECK(strstr(out, "module:     container bbb2, name web, image x:1\n") != NULL);
        CHECK(strstr(out, "executable: /bin/true: linux/arm64, ELF 64-bit LSB AArch64\n") != NULL);
        CHECK(strstr(out, "declared:   linux/amd64 (image)\n") != NULL);
        /* the rule column is as wide as the longest rule name (certain_failure) */
        CHECK(strstr(out, "  arch            refuse   bad\\x1b[2J\n") != NULL);
        CHECK(strstr(out, "os ") == NULL); /* a rule that passed is not told */
        CHECK(strchr(out, '\033') == NULL && strchr(out, '\r') == NULL);
        free(out);
        log_entry_free(&e);
}

HARNESS_MAIN(RUN(reader_lines_and_limits), RUN(reader_cap_exact), RUN(reader_short_reads),
             RUN(entry_hostile_lines), RUN(entry_fields), RUN(since), RUN(who_matches),
             RUN(select_groups_and_filters), RUN(select_caps), RUN(aliases_bounded),
             RUN(explain_text))
