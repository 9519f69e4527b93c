#include "log_explain.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../oci/platform.h"
#include "../oci/str.h"
#include "explain.h"

/* "linux/arm/v7" from a record's {os, arch, variant}; "" when it has none. */
static void platform_text(const struct json_value *v, char *out, size_t size)
{
        struct platform p = {0};
        const char *os = log_entry_string(v, "os"), *arch = log_entry_string(v, "arch"),
                   *variant = log_entry_string(v, "variant");

        out[0] = '\0';
        if (arch == NULL || arch[0] == '\0')
                return;
        str_copy(p.os, sizeof(p.os), os ? os : "");
        str_copy(p.arch, sizeof(p.arch), arch);
        str_copy(p.variant, sizeof(p.variant), variant ? variant : "");
        platform_format(&p, out, size);
}

static const char *or_empty(const char *s)
{
        return s ? s : "";
}

static void who_line(FILE *f, const struct log_entry *e)
{
        char text[1024];
        size_t o = 0;

        text[0] = '\0';
        str_append(text, sizeof(text), &o, "%s", e->id && e->id[0] ? "container " : "");
        str_append(text, sizeof(text), &o, "%.128s", e->id && e->id[0] ? e->id : "not created yet");
        if (e->name)
                str_append(text, sizeof(text), &o, ", name %.128s", e->name);
        if (e->image)
                str_append(text, sizeof(text), &o, ", image %.300s", e->image);
        if (e->pod)
                str_append(text, sizeof(text), &o, ", pod %.128s", e->pod);
        explain_line(f, "module:", text);
        o = 0;
        text[0] = '\0';
        str_append(text, sizeof(text), &o, "%s", e->time_text);
        if (e->verb)
                str_append(text, sizeof(text), &o, ", %.32s", e->verb);
        if (e->door)
                str_append(text, sizeof(text), &o, " at the %s",
                           strcmp(e->door, "authz") == 0 ? "engine plugin" : e->door);
        explain_line(f, "when:", text);
}

static void executable_line(FILE *f, const char *label, const struct json_value *d)
{
        char text[2304], platform[4 * PLATFORM_NAME_MAX];
        const char *file = log_entry_string(d, "file"), *problem = log_entry_string(d, "problem");

        platform_text(d, platform, sizeof(platform));
        if (file == NULL || platform[0] == '\0')
                snprintf(text, sizeof(text), "not identified: %.1900s",
                         problem ? problem : or_empty(file));
        else
                explain_executable_text(file, log_entry_string(d, "resolved"), platform,
                                        or_empty(log_entry_string(d, "how")), text, sizeof(text));
        explain_line(f, label, text);
}

static void facts_lines(FILE *f, const struct log_entry *e)
{
        const struct json_value *v;
        char text[1024], platform[4 * PLATFORM_NAME_MAX];

        if ((v = json_get(&e->root, "examined")) != NULL && v->type == JSON_ARRAY) {
                for (size_t i = 0; i < v->len; i++) {
                        const char *via = log_entry_string(&v->items[i], "via");
                        if (via)
                                explain_line(f, "  runs via:", via);
                        executable_line(f, i == 0 ? "executable:" : "behind:", &v->items[i]);
                }
        } else if ((v = json_get(&e->root, "detected")) != NULL && v->type == JSON_OBJECT) {
                executable_line(f, "executable:", v);
        }
        if ((v = json_get(&e->root, "declared")) != NULL && v->type == JSON_OBJECT) {
                platform_text(v, platform, sizeof(platform));
                if (platform[0])
                        snprintf(text, sizeof(text), "%s (%.600s)", platform,
                                 or_empty(log_entry_string(v, "source")));
                else
                        snprintf(text, sizeof(text), "%.900s",
                                 or_empty(log_entry_string(v, "problem")));
                explain_line(f, "declared:", text);
        }
        if ((v = json_get(&e->root, "host")) != NULL && v->type == JSON_OBJECT) {
                const struct json_value *sim = json_get(v, "simulated");
                const char *machine = log_entry_string(v, "machine");
                platform_text(v, platform, sizeof(platform));
                if (sim && sim->type == JSON_BOOL && sim->boolean)
                        snprintf(text, sizeof(text), "%s (simulated)", platform);
                else
                        snprintf(text, sizeof(text), "%s%s%.64s%s", platform,
                                 machine ? " (uname -m " : "", or_empty(machine),
                                 machine ? ")" : "");
                explain_line(f, "host:", text);
        }
        if ((v = json_get(&e->root, "emulator")) != NULL && v->type == JSON_OBJECT) {
                const char *flags = log_entry_string(v, "flags");
                snprintf(text, sizeof(text), "binfmt_misc %.128s -> %.600s (flags %.32s)",
                         or_empty(log_entry_string(v, "name")),
                         or_empty(log_entry_string(v, "interpreter")),
                         flags && flags[0] ? flags : "none");
                explain_line(f, "emulator:", text);
        }
        if ((v = json_get(&e->root, "judged")) != NULL && v->type == JSON_OBJECT) {
                snprintf(text, sizeof(text), "%.900s: %.64s", or_empty(log_entry_string(v, "file")),
                         log_entry_string(v, "platform") ? log_entry_string(v, "platform")
                                                         : "unidentified");
                explain_line(f, "judged:", text); /* start's record: what create judged */
        }
        if ((v = json_get(&e->root, "found")) != NULL && v->type == JSON_OBJECT) {
                snprintf(text, sizeof(text), "%.900s: %.64s", or_empty(log_entry_string(v, "file")),
                         log_entry_string(v, "platform") ? log_entry_string(v, "platform")
                                                         : "unidentified");
                explain_line(f, "found:", text);
        }
}

/* Only the rules that did not simply pass or skip: the full list is in
 * the record (--json) and in `edgeguard check`. */
static void rules_lines(FILE *f, const struct log_entry *e)
{
        const struct json_value *rules = json_get(&e->root, "rules");
        size_t shown = 0;

        if (rules == NULL || rules->type != JSON_OBJECT)
                return;
        for (size_t i = 0; i < rules->len; i++) {
                const struct json_value *r = &rules->items[i];
                const char *result = log_entry_string(r, "result"),
                           *action = log_entry_string(r, "action");
                const char *exception = log_entry_string(r, "exception");
                if (action == NULL && (result == NULL || strcmp(result, "fail") != 0))
                        continue;
                if (shown++ == 0)
                        fprintf(f, "rules:      (those that did not pass)\n");
                explain_rule_line(f, rules->keys[i], action ? action : result,
                                  or_empty(log_entry_string(r, "detail")));
                if (exception)
                        explain_line(f, "    exception:", exception);
        }
        if (shown == 0)
                fprintf(f, "rules:      all passed or did not apply\n");
}

static void repeat_line(FILE *f, const struct log_entry *e)
{
        char text[256];

        if (e->repeat_count <= 1)
                return;
        if (e->repeat_unlogged > 0)
                snprintf(text, sizeof(text),
                         "the same decision %lld times since %.40s (%lld of them counted, not "
                         "logged)",
                         e->repeat_count, or_empty(e->repeat_since), e->repeat_unlogged);
        else
                snprintf(text, sizeof(text), "the same decision %lld times since %.40s",
                         e->repeat_count, or_empty(e->repeat_since));
        explain_line(f, "repeated:", text);
}

int log_explain_format(const struct log_entry *e, char **out, struct eg_error *err)
{
        size_t size;
        FILE *f = open_memstream(out, &size);

        if (f == NULL)
                return eg_error_set_errno(err, errno, "open_memstream");
        explain_heading(f, e->verdict, e->rule);
        who_line(f, e);
        explain_line(f, "reason:", e->reason ? e->reason : "(none recorded)");
        repeat_line(f, e);
        facts_lines(f, e);
        rules_lines(f, e);
        if (fclose(f) != 0)
                return eg_error_set_errno(err, errno, "writing the explanation");
        return 0;
}
