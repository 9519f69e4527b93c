#include "why.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/str.h"
#include "../oci/utf8.h"
#include "../policy/explain.h"
#include "../policy/log_explain.h"
#include "../policy/log_select.h"
#include "../policy/policy.h"
#include "options.h"
#include "policy_load.h"

static const char usage[] =
        "usage: edgeguard why [--since TIME] [--decision allow|audit|refuse]\n"
        "                     [--rule RULE] [--last N] [--json] [--log FILE]\n"
        "                     [--policy FILE] [NAME]\n"
        "       edgeguard why --help\n"
        "\n"
        "Tells the latest decisions about a module from the decision log, in words, with\n"
        "the fix: for each container the latest decision, and a line counting the\n"
        "earlier ones.  NAME is a container or IoT Edge module name, a container id or\n"
        "its prefix, an image reference or id, or a Kubernetes pod; without NAME, every\n"
        "container in the log.\n"
        "\n"
        "Options:\n"
        "  --since TIME          only decisions since TIME: RFC 3339\n"
        "                        (2026-11-30T10:00:00Z) or a duration ago\n"
        "                        (30s, 10m, 2h, 7d)\n"
        "  --decision D          only allow, audit or refuse decisions\n"
        "  --rule RULE           only decisions made by RULE (arch, metadata, start, ...)\n"
        "  --last N              the N latest decisions of each container (default 1)\n"
        "  --json                print the matching records unchanged, one per line\n"
        "  --log FILE            the decision log to read (default:\n"
        "                        EDGEGUARD_DECISION_LOG, else the policy's\n"
        "                        \"decision_log\", else\n"
        "                        " POLICY_DEFAULT_DECISION_LOG ")\n"
        "  --policy FILE         the policy whose decision_log to read\n"
        "                        (default EDGEGUARD_POLICY, else\n"
        "                        " POLICY_DEFAULT_PATH ")\n"
        "  -h, --help            print this help\n"
        "\n"
        "The log's previous rotation (FILE.1) is read first; faulty lines are named\n"
        "with their number on stderr and skipped.\n"
        "Exit status: 0 decisions found, 1 none matched, 2 usage error or unreadable log.\n"
        "See edgeguard(8).\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "edgeguard why: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n%s", usage);
        return 2;
}

/* The rules a record can name: the policy's, the command line refused
 * before any rule (shim/refusal_record.c) and start's check. */
static bool known_rule(const char *name)
{
        for (int r = 0; r < RULE_COUNT; r++)
                if (strcmp(name, rule_name((enum rule)r)) == 0)
                        return true;
        return strcmp(name, "command_line") == 0 || strcmp(name, "start") == 0;
}

static void list_rules(char *out, size_t size)
{
        size_t o = 0;

        out[0] = '\0';
        for (int r = 0; r < RULE_COUNT; r++)
                o += (size_t)snprintf(out + o, size - o, "%s, ", rule_name((enum rule)r));
        snprintf(out + o, size - o, "command_line, start");
}

struct options {
        struct log_filter filter;
        const char *log, *policy, *since;
        bool json;
};

static int parse(int argc, char *argv[], struct options *o)
{
        const char *last = NULL;
        bool missing = false;
        struct eg_error err;

        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "--json") == 0) {
                        o->json = true;
                } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                        fputs(usage, stdout);
                        return 1;
                } else if (option(argv, &i, argc, "--since", &o->since, &missing) ||
                           option(argv, &i, argc, "--decision", &o->filter.decision, &missing) ||
                           option(argv, &i, argc, "--rule", &o->filter.rule, &missing) ||
                           option(argv, &i, argc, "--last", &last, &missing) ||
                           option(argv, &i, argc, "--log", &o->log, &missing) ||
                           option(argv, &i, argc, "--policy", &o->policy, &missing)) {
                        if (missing)
                                return usage_error("%s needs a value", a);
                } else if (a[0] == '-' && a[1] != '\0') {
                        return usage_error("unknown option %s", a);
                } else if (o->filter.who != NULL) {
                        return usage_error("one NAME only (also got %s)", a);
                } else if (a[0] == '\0') {
                        return usage_error("an empty NAME");
                } else {
                        o->filter.who = a;
                }
        }
        if (o->filter.decision && strcmp(o->filter.decision, "allow") != 0 &&
            strcmp(o->filter.decision, "audit") != 0 && strcmp(o->filter.decision, "refuse") != 0)
                return usage_error("--decision %s: write allow, audit or refuse",
                                   o->filter.decision);
        if (o->filter.rule && !known_rule(o->filter.rule)) {
                char rules[512];
                list_rules(rules, sizeof(rules));
                return usage_error("--rule %s: no such rule (%s)", o->filter.rule, rules);
        }
        o->filter.last = 1;
        if (last) {
                char *end;
                long n;
                errno = 0;
                n = strtol(last, &end, 10);
                if (errno || end == last || *end || n < 1 || n > LOG_SELECT_LAST_MAX)
                        return usage_error("--last %s: a number from 1 to %d", last,
                                           LOG_SELECT_LAST_MAX);
                o->filter.last = (size_t)n;
        }
        if (o->since) {
                if (log_filter_since(o->since, time(NULL), &o->filter.since, &err) < 0)
                        return usage_error("--since %s", err.msg);
                o->filter.has_since = true;
        }
        return 0;
}

/* The log as the runtime finds it (shim/gate.c): the environment's over
 * the policy's; `how` says which, for the person reading. */
static int find_log(const struct options *o, char *path, size_t size, char *how, size_t how_size)
{
        const char *env = getenv("EDGEGUARD_DECISION_LOG");
        struct policy p;
        struct eg_error err;
        bool named = o->policy != NULL;
        const char *policy_path = o->policy ? o->policy : policy_load_path(&named);

        if (o->log) {
                snprintf(path, size, "%s", o->log);
                snprintf(how, how_size, "--log");
        } else if (env && env[0] && o->policy == NULL) {
                snprintf(path, size, "%s", env);
                snprintf(how, how_size, "EDGEGUARD_DECISION_LOG");
        } else {
                /* p holds the defaults then, and so does the runtime's
                 * refusal of every create: its records go where these say */
                if (policy_load(policy_path, named, false, &p, &err) < 0) {
                        fprintf(stderr, "edgeguard why: %s\n", err.msg);
                        snprintf(how, how_size, "where the runtime logs while %s is unusable",
                                 policy_path);
                } else {
                        snprintf(how, how_size, "the decision_log of %s", p.source);
                }
                snprintf(path, size, "%s", p.decision_log);
                policy_free(&p);
        }
        if (strcmp(path, "-") == 0 || strcmp(path, "syslog") == 0) {
                fprintf(stderr,
                        "edgeguard why: decisions go to %s (%s), not to a file edgeguard can read "
                        "back%s\n",
                        strcmp(path, "-") == 0 ? "the caller's stderr" : "syslog", how,
                        strcmp(path, "syslog") == 0 ? ": journalctl -t edgeguard shows them" : "");
                return -1;
        }
        return 0;
}

/* Opens a log file for reading: a regular file only (a FIFO planted there
 * would block the reader for ever).  -1 with errno ENOENT when absent. */
static int open_log(const char *path, struct eg_error *err)
{
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        struct stat st;

        if (fd < 0)
                return eg_error_set_errno(err, errno, "cannot open %s", path);
        if (fstat(fd, &st) < 0)
                return eg_error_set_errno(err, errno, "cannot stat %s", path);
        if (!S_ISREG(st.st_mode)) {
                errno = EINVAL;
                return eg_error_set(err, EINVAL, "%s is not a regular file: not read", path);
        }
        return steal_fd(&fd);
}

struct log_files {
        char path[2][PATH_MAX + 8]; /* the previous rotation, then the log */
        int fd[2];
};

static int read_all(struct log_files *lf, struct log_selection *sel)
{
        struct log_reader r;
        struct log_line line;
        struct eg_error err = {0};

        for (int i = 0; i < 2; i++) {
                if (lf->fd[i] < 0)
                        continue;
                if (log_reader_init(&r, lf->fd[i], &err) < 0) {
                        fprintf(stderr, "edgeguard why: %s\n", err.msg);
                        return -1;
                }
                do {
                        if (log_reader_next(&r, &line, &err) < 0) {
                                fprintf(stderr, "edgeguard why: %s: %s\n", lf->path[i], err.msg);
                                log_reader_free(&r);
                                return -1;
                        }
                        log_select_line(sel, i, lf->path[i], &line);
                } while (line.kind != LOG_LINE_END);
                log_reader_free(&r);
        }
        return 0;
}

static void print_notes(const struct log_selection *sel)
{
        char clean[sizeof(sel->notes[0]) * 2];

        for (size_t i = 0; i < sel->n_notes; i++) {
                utf8_sanitize_visible(sel->notes[i], clean, sizeof(clean));
                fprintf(stderr, "edgeguard why: %s\n", clean);
        }
        if (sel->faulty > sel->n_notes)
                fprintf(stderr, "edgeguard why: and %lu more faulty lines, skipped\n",
                        sel->faulty - (unsigned long)sel->n_notes);
        if (sel->groups_dropped)
                fprintf(stderr,
                        "edgeguard why: %lu matching records of containers beyond the first %d "
                        "not told: name one\n",
                        sel->groups_dropped, LOG_SELECT_GROUPS_MAX);
        if (sel->out_of_memory)
                fprintf(stderr, "edgeguard why: out of memory: some records not told\n");
}

static int by_order(const void *a, const void *b)
{
        const struct log_group *x = a, *y = b;

        return (x->order > y->order) - (x->order < y->order);
}

/* One kept record, read again where the first pass found it. */
static int tell(const struct log_files *lf, const struct log_hit *h, bool json)
{
        cleanup_free char *line = malloc(h->len + 1), *text = NULL;
        struct log_entry e;
        struct eg_error err = {0};
        ssize_t n;

        if (line == NULL)
                return -1;
        n = pread(lf->fd[h->file], line, h->len, h->offset);
        if (n < 0 || (size_t)n != h->len) {
                fprintf(stderr, "edgeguard why: %s:%lu: changed while read\n", lf->path[h->file],
                        h->line);
                return -1;
        }
        line[h->len] = '\0';
        if (json) {
                line[h->len] = '\n';
                return fwrite(line, 1, h->len + 1, stdout) == h->len + 1 ? 0 : -1;
        }
        if (log_entry_parse(line, h->len, &e, &err) < 0 ||
            log_explain_format(&e, &text, &err) < 0) {
                fprintf(stderr, "edgeguard why: %s:%lu: %s\n", lf->path[h->file], h->line, err.msg);
                log_entry_free(&e);
                return -1;
        }
        log_entry_free(&e);
        fputs(text, stdout);
        return 0;
}

static void history_line(const struct log_group *g)
{
        char text[512], key[LOG_SELECT_KEY_MAX * 2];
        size_t o = 0;
        static const char *const names[] = {"allow", "audit", "refuse"};

        utf8_sanitize_visible(g->key, key, sizeof(key));
        text[0] = '\0';
        str_append(text, sizeof(text), &o, "%lu decision%s about %s since %s:", g->count,
                   g->count == 1 ? "" : "s", key, g->first_time);
        for (int v = 0; v < 3; v++)
                if (g->by_verdict[v])
                        str_append(text, sizeof(text), &o, " %lu %s,", g->by_verdict[v], names[v]);
        text[o - 1] = '\0'; /* the last comma */
        explain_line(stdout, "history:", text);
}

static void what_was_searched(const struct options *o, const char *log, const char *how,
                              const struct log_selection *sel, bool rotated)
{
        fprintf(stderr, "edgeguard why: no decision");
        if (o->filter.who)
                fprintf(stderr, " about %s", o->filter.who);
        if (o->filter.decision)
                fprintf(stderr, " with decision %s", o->filter.decision);
        if (o->filter.rule)
                fprintf(stderr, " by rule %s", o->filter.rule);
        if (o->since)
                fprintf(stderr, " since %s", o->since);
        fprintf(stderr, " in %s%s%s (%s): %lu records read\n", log, rotated ? " and " : "",
                rotated ? "its .1" : "", how, sel->records);
}

int why_main(int argc, char *argv[])
{
        struct options o = {0};
        struct log_files lf = {.fd = {-1, -1}};
        struct log_selection sel;
        struct eg_error err = {0}, err1 = {0};
        char log[PATH_MAX], how[400];
        int status = 0;

        if ((status = parse(argc, argv, &o)) != 0)
                return status == 1 ? 0 : status;
        if (find_log(&o, log, sizeof(log), how, sizeof(how)) < 0)
                return 2;
        snprintf(lf.path[0], sizeof(lf.path[0]), "%s.1", log);
        snprintf(lf.path[1], sizeof(lf.path[1]), "%s", log);
        lf.fd[0] = open_log(lf.path[0], &err1);
        if (lf.fd[0] < 0 && err1.errnum != ENOENT) {
                fprintf(stderr, "edgeguard why: %s\n", err1.msg);
                return 2;
        }
        lf.fd[1] = open_log(lf.path[1], &err);
        if (lf.fd[1] < 0 && err.errnum != ENOENT) {
                fprintf(stderr, "edgeguard why: %s\n", err.msg);
                status = 2;
                goto out;
        }
        if (lf.fd[0] < 0 && lf.fd[1] < 0) {
                fprintf(stderr,
                        "edgeguard why: no decision log at %s (%s): nothing decided yet, or the "
                        "decisions go elsewhere (--log FILE)\n",
                        log, how);
                status = 1;
                goto out;
        }
        log_select_init(&sel, &o.filter);
        if (read_all(&lf, &sel) < 0) {
                status = 2;
                goto done;
        }
        print_notes(&sel);
        if (sel.matched == 0) {
                what_was_searched(&o, log, how, &sel, lf.fd[0] >= 0);
                status = 1;
                goto done;
        }
        if (!o.json)
                printf("decision log %s%s%s (%s): %lu records, %lu matching\n", log,
                       lf.fd[0] >= 0 ? " and " : "", lf.fd[0] >= 0 ? lf.path[0] : "", how,
                       sel.records, sel.matched);
        qsort(sel.groups, sel.n_groups, sizeof(sel.groups[0]), by_order);
        for (size_t g = 0; g < sel.n_groups; g++) {
                const struct log_group *grp = &sel.groups[g];
                for (size_t i = 0; i < grp->n_hits; i++) {
                        if (!o.json)
                                putchar('\n');
                        if (tell(&lf, log_group_hit(grp, &o.filter, i), o.json) < 0)
                                status = 2;
                }
                if (!o.json)
                        history_line(grp);
        }
        if (fflush(stdout) != 0) {
                perror("edgeguard why: writing the result");
                status = 2;
        }
done:
        log_select_free(&sel);
out:
        for (int i = 0; i < 2; i++)
                if (lf.fd[i] >= 0)
                        close(lf.fd[i]);
        return status;
}
